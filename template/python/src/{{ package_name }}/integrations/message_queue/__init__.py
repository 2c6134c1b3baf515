"""Message queues: the service's Redis client with JSON pub/sub, and RabbitMQ."""

from .rabbitmq_client import Consumer, Handler, RabbitMQMessageQueue
from .redis_client import RedisMessageQueue, RedisSubscription, create_redis

__all__ = [
    "Consumer",
    "Handler",
    "RabbitMQMessageQueue",
    "RedisMessageQueue",
    "RedisSubscription",
    "create_redis",
]
