"""Clients of what lives outside the service: partner APIs, message queues, file storage.

Each sits behind an interface with an in-memory double, so services are tested without
the network; the clients themselves are tested against real servers.
"""

from .email import (
    Mailer,
    RecordingMailer,
    SmtpMailer,
    mailer_from_settings,
)
from .external_apis import (
    HttpPaymentGateway,
    HttpShippingApi,
    InMemoryPaymentGateway,
    InMemoryShippingApi,
    PaymentGateway,
    ShippingApi,
    payment_gateway_from_settings,
    shipping_api_from_settings,
)
from .message_queue import (
    RabbitMQMessageQueue,
    RedisMessageQueue,
    create_redis,
)
from .storage import (
    CdnClient,
    FileStorage,
    InMemoryStorage,
    S3Storage,
)

__all__ = [
    "CdnClient",
    "FileStorage",
    "HttpPaymentGateway",
    "HttpShippingApi",
    "InMemoryPaymentGateway",
    "InMemoryShippingApi",
    "InMemoryStorage",
    "Mailer",
    "PaymentGateway",
    "RabbitMQMessageQueue",
    "RecordingMailer",
    "RedisMessageQueue",
    "S3Storage",
    "ShippingApi",
    "SmtpMailer",
    "create_redis",
    "mailer_from_settings",
    "payment_gateway_from_settings",
    "shipping_api_from_settings",
]
