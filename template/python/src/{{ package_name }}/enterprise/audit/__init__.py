"""The append-only audit log, its reader, and the request id it records."""

from .audit_logger import AuditLogger, snapshot
from .audit_trail import entries_about_user, erase_from_audit_log, list_entries
from .request_id import REQUEST_ID_HEADER, RequestIdMiddleware, current_request_id
from .schemas import AuditEntryRead, AuditPage

__all__ = [
    "REQUEST_ID_HEADER",
    "AuditEntryRead",
    "AuditLogger",
    "AuditPage",
    "RequestIdMiddleware",
    "current_request_id",
    "entries_about_user",
    "erase_from_audit_log",
    "list_entries",
    "snapshot",
]
