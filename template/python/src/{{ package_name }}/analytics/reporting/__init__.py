"""Aggregate reports on orders and revenue, for admins."""

from .reports import (
    REVENUE_STATUSES,
    DailySales,
    SalesReport,
    SalesReports,
    TopProduct,
)

__all__ = ["REVENUE_STATUSES", "DailySales", "SalesReport", "SalesReports", "TopProduct"]
