"""What the partner API clients share: one `httpx.AsyncClient` per partner, a timeout per
attempt, and retries with exponential backoff and jitter.

A failed connection, a timeout, a 429 or a 5xx answer is retried, but only for a request
that may safely run twice: a read, or a write that carries an `Idempotency-Key`. The key is
the same on every attempt, so the partner carries out a retried write once. A write
without a key is retried only when the connection failed, before anything was sent. Other
4xx answers are never retried (the same request would be refused again): they go back to
the caller, who knows what they mean.
"""

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The methods HTTP defines as idempotent: sending one twice does what sending it once does.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
TOO_MANY_REQUESTS = 429


class ExternalApiError(Exception):
    """A partner API could not be reached, failed, or gave an answer we cannot use."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        #: The partner's last answer; None when no answer came (connection, timeout).
        self.status_code = status_code

    @property
    def transient(self) -> bool:
        """True when the same call may succeed later: the partner was unreachable or busy."""
        code = self.status_code
        return code is None or code == TOO_MANY_REQUESTS or code >= 500


def is_retryable_status(status_code: int) -> bool:
    return status_code == TOO_MANY_REQUESTS or status_code >= 500


@dataclass(frozen=True)
class RetryPolicy:
    """How many times to try again, and how long to wait before each retry."""

    #: Attempts after the first.
    retries: int = 3
    #: The longest first wait; it doubles at each retry, up to max_delay.
    base_delay: float = 0.25
    max_delay: float = 4.0

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """The wait before retry number `retry` (0 for the first).

        A random time up to the ceiling ("full jitter"), so that clients which failed
        together do not all come back at once. A partner's Retry-After wins, up to max_delay:
        a request is never held longer than that.
        """
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return random.uniform(0.0, min(self.max_delay, self.base_delay * 2**retry))


def retry_after(response: httpx.Response) -> float | None:
    """The Retry-After header in seconds (its date form is ignored: backoff applies)."""
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def partner_message(response: httpx.Response) -> str:
    """What the partner said about a refusal: its JSON `message`, else the start of the body."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return response.text[:200]


class ApiClient:
    """One partner's HTTP API: its base URL, bearer key, timeout and retry policy.

    `error` is the exception class this partner's failures are raised as.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        name: str,
        error: type[ExternalApiError] = ExternalApiError,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.name = name
        self.error = error
        self.retry = retry or RetryPolicy()
        self._http = httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        idempotent: bool = False,
    ) -> httpx.Response:
        """Send the request, retrying as the module says; return the first answer that is
        neither a 429 nor a 5xx. `idempotent` marks a write that has no effect (a quote)."""
        method = method.upper()
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        repeatable = idempotent or bool(idempotency_key) or method in IDEMPOTENT_METHODS
        what = f"{self.name}: {method} {path}"
        retry = 0
        while True:
            status_code: int | None = None
            wait: float | None = None
            try:
                response = await self._http.request(method, path, json=json, headers=headers)
            except httpx.TransportError as exc:
                failure = f"{type(exc).__name__} {exc}".strip()
                # A connection that never opened carried nothing: safe to retry any request.
                if not repeatable and not isinstance(
                    exc, httpx.ConnectError | httpx.ConnectTimeout
                ):
                    raise self.error(f"{what} failed: {failure}") from exc
            else:
                if not is_retryable_status(response.status_code):
                    return response
                status_code = response.status_code
                failure = f"answered {status_code}"
                wait = retry_after(response)
                if not repeatable:
                    raise self.error(f"{what} {failure}", status_code=status_code)
            if retry >= self.retry.retries:
                raise self.error(
                    f"{what} {failure} (after {retry + 1} attempts)", status_code=status_code
                )
            delay = self.retry.delay(retry, wait)
            retry += 1
            logger.warning("%s %s; retry %d in %.2f s", what, failure, retry, delay)
            await asyncio.sleep(delay)

    def body(self, response: httpx.Response) -> dict[str, Any]:
        """The JSON object of a successful answer; any other answer raises."""
        request = response.request
        what = f"{self.name}: {request.method} {request.url.path}"
        if not response.is_success:
            raise self.error(
                f"{what} answered {response.status_code}: {partner_message(response)}",
                status_code=response.status_code,
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise self.error(
                f"{what}: the answer is not a JSON object", status_code=response.status_code
            )
        return data

    def parse(self, response: httpx.Response, build: Callable[[dict[str, Any]], T]) -> T:
        """`build` applied to the answer's JSON object; a missing or malformed field raises
        this partner's error, not a KeyError from deep inside."""
        data = self.body(response)
        try:
            return build(data)
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise self.error(
                f"{self.name}: unexpected answer to {response.request.url.path} ({exc!r})",
                status_code=response.status_code,
            ) from exc
