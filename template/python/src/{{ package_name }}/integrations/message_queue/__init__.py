"""Message queues: the service's Redis client with JSON pub/sub, and RabbitMQ."""

from .rabbitmq_client import Consumer, Handler, RabbitMQMessageQueue
from .redis_client import (
    REDIS_DOWN,
    RedisMessageQueue,
    RedisSubscription,
    create_redis,
    redis_unavailable,
)

__all__ = [
    "REDIS_DOWN",
    "Consumer",
    "Handler",
    "RabbitMQMessageQueue",
    "RedisMessageQueue",
    "RedisSubscription",
    "create_redis",
    "redis_unavailable",
]
