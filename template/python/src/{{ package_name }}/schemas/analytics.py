"""Report schemas (analytics/reporting). Money as decimal strings."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class DailySalesRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    orders: int
    revenue: Decimal


class TopProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    product_id: int
    name: str
    units: int
    revenue: Decimal


class SalesReportRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    start: date
    end: date
    orders: int
    revenue: Decimal
    average_order_value: Decimal
    days: list[DailySalesRead]
    top_products: list[TopProductRead]
