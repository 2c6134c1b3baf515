"""Clients of partner HTTP APIs (payment, shipping), each behind an interface with an
in-memory double, sharing one retry and idempotency machinery (http.py)."""

from .http import ApiClient, ExternalApiError, RetryPolicy
from .payment_gateway import (
    HttpPaymentGateway,
    InMemoryPaymentGateway,
    Payment,
    PaymentDeclinedError,
    PaymentGateway,
    PaymentGatewayError,
    Refund,
    payment_gateway_from_settings,
)
from .shipping_api import (
    Address,
    HttpShippingApi,
    InMemoryShippingApi,
    Parcel,
    Quote,
    Shipment,
    ShipmentRefusedError,
    ShipmentStatus,
    ShippingApi,
    ShippingApiError,
    shipping_api_from_settings,
)

__all__ = [
    "Address",
    "ApiClient",
    "ExternalApiError",
    "HttpPaymentGateway",
    "HttpShippingApi",
    "InMemoryPaymentGateway",
    "InMemoryShippingApi",
    "Parcel",
    "Payment",
    "PaymentDeclinedError",
    "PaymentGateway",
    "PaymentGatewayError",
    "Quote",
    "Refund",
    "RetryPolicy",
    "Shipment",
    "ShipmentRefusedError",
    "ShipmentStatus",
    "ShippingApi",
    "ShippingApiError",
    "payment_gateway_from_settings",
    "shipping_api_from_settings",
]
