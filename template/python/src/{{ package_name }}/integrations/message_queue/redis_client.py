"""The service's Redis client, and publish/subscribe of JSON messages over it.

Redis pub/sub hands a message to whoever listens at that moment: a subscriber that is not
connected misses it. Use it for notifications that may be lost (invalidate a cache, push to
open websockets); messages that must arrive go through RabbitMQ (rabbitmq_client) or a
Celery task.
"""

import json
import logging
from types import TracebackType
from typing import Any, Self

from fastapi import Request, status
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: A Redis that does not answer within this fails the readiness check instead of hanging it.
CONNECT_TIMEOUT = 2.0
#: The longest a command may take. A blocking command with a longer timeout (BLPOP, XREAD)
#: needs a client of its own.
COMMAND_TIMEOUT = 5.0
#: An idle connection is pinged before use after this long: a dead one is replaced, not
#: handed to a request.
HEALTH_CHECK_INTERVAL = 30
#: How long a subscription waits for a message before checking its connection again.
POLL_INTERVAL = 1.0


#: What a request that needs Redis (login lockouts, Redis rate limits) meets when it is down.
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)


async def redis_unavailable(request: Request, exc: Exception) -> JSONResponse:
    """A 503 in the project's error shape, not a 500: the service is fine, a dependency is not
    (and /health/ready says which)."""
    logger.error("Redis unavailable during %s %s: %s", request.method, request.url.path, exc)
    return JSONResponse(
        {"detail": "A service this request needs is unavailable", "code": "service_unavailable"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )


def create_redis(url: str) -> Redis:
    """A client for `url` (one connection pool; share it), answering text, not bytes:
    what the service keeps in Redis is JSON, counters and keys. Close it with `aclose()`."""
    return Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=CONNECT_TIMEOUT,
        socket_timeout=COMMAND_TIMEOUT,
        health_check_interval=HEALTH_CHECK_INTERVAL,
    )


class RedisMessageQueue:
    """JSON messages over Redis pub/sub, on a client made by `create_redis`."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    async def publish(self, channel: str, message: dict[str, Any]) -> int:
        """Send `message`; return how many subscribers received it."""
        receivers: int = await self.redis.publish(channel, json.dumps(message))
        return receivers

    def subscribe(self, *channels: str) -> "RedisSubscription":
        """The messages of `channels`, from the moment the subscription is entered:

        async with queue.subscribe("orders") as messages:
            async for message in messages:
                ...
        """
        return RedisSubscription(self.redis, channels)


class RedisSubscription:
    """An async iterator of the JSON objects published on some channels.

    Entering it returns once Redis has confirmed the subscription, so a message published
    after that is received; leaving it unsubscribes and gives the connection back. A
    message that is not a JSON object is logged and skipped: one bad publisher must not
    stop the consumer.
    """

    def __init__(self, redis: Redis, channels: tuple[str, ...]) -> None:
        if not channels:
            raise ValueError("subscribe to at least one channel")
        self.channels = channels
        self._pubsub: PubSub = redis.pubsub()

    async def __aenter__(self) -> Self:
        waiting = set(self.channels)
        try:
            await self._pubsub.subscribe(*self.channels)
            while waiting:
                reply = await self._pubsub.get_message(timeout=COMMAND_TIMEOUT)
                if reply is None:
                    raise TimeoutError(f"Redis did not confirm the subscription to {waiting}")
                if reply["type"] == "subscribe":
                    channel = reply["channel"]
                    waiting.discard(channel.decode() if isinstance(channel, bytes) else channel)
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._close()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while True:
            reply = await self._pubsub.get_message(timeout=POLL_INTERVAL)
            if reply is not None and reply["type"] == "message":
                try:
                    message = json.loads(reply["data"])
                except ValueError:
                    message = None
                if isinstance(message, dict):
                    return message
                logger.warning(
                    "skipped a message on %s that is not a JSON object", reply["channel"]
                )

    async def _close(self) -> None:
        """Unsubscribe and give the connection back to the pool."""
        await self._pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated in redis-py
