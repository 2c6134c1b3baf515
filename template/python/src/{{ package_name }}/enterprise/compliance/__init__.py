"""Personal data (GDPR): the registry of sources, export and erasure.

Importing the package registers the platform's own sources (the account, the audit log).
"""

from .gdpr_compliance import (
    ERASED_DOMAIN,
    Erasure,
    GDPRService,
    PersonalDataSource,
    is_erased,
    personal_data_sources,
    pseudonym_for,
    register_personal_data,
)
from .schemas import PersonalDataExport
from .sources import AccountData, AuditLogData

__all__ = [
    "ERASED_DOMAIN",
    "AccountData",
    "AuditLogData",
    "Erasure",
    "GDPRService",
    "PersonalDataExport",
    "PersonalDataSource",
    "is_erased",
    "personal_data_sources",
    "pseudonym_for",
    "register_personal_data",
]
