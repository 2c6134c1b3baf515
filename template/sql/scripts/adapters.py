"""The outside systems the relay (scripts/relay.py) delivers outbox rows to.

Each channel has a small Protocol and one or two implementations: a real client, used when
its setting is there, and for payment, shipping and email a test double, used when it is
not. A delivery answers with a JSON object (stored as the row's result) or raises:

- `TransientError`: a connection, a timeout, a 429, a 5xx; the row is tried again later.
- `PermanentError`: the other side refused the request itself (a 4xx); the row is dead.
- `NotConfiguredError`: no such system is configured here (REDIS_URL, RABBITMQ_URL or
  S3_BUCKET is empty); the row is marked skipped, so it never piles up unseen.

A declined payment is not an error: it is an answer ({"succeeded": false}) the order hears.
Settings come from the environment (make reads .env); see `Settings`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import smtplib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import boto3
import httpx
import pika
import pika.adapters.blocking_connection
import pika.exceptions
import redis
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger("relay")

JsonObject = dict[str, Any]


class DeliveryError(Exception):
    """A delivery that did not happen."""


class TransientError(DeliveryError):
    """The other side was unreachable or busy: the same request may succeed later."""


class PermanentError(DeliveryError):
    """The other side refused the request itself: sending it again will not help."""

    def __init__(self, message: str, result: JsonObject | None = None) -> None:
        super().__init__(message)
        self.result = result


class NotConfiguredError(DeliveryError):
    """This relay has no such system configured."""


@dataclass(frozen=True)
class Delivery:
    """One claimed outbox row."""

    id: int
    channel: str
    action: str
    payload: JsonObject
    idempotency_key: str
    attempts: int
    max_attempts: int
    trace_id: str | None = None

    @property
    def traceparent(self) -> str | None:
        """A W3C traceparent in the row's trace, for the outside system's logs."""
        if not self.trace_id:
            return None
        return f"00-{self.trace_id}-{os.urandom(8).hex()}-01"


def _env(environ: Mapping[str, str], name: str, default: str = "") -> str:
    return environ.get(name, default).strip() or default


@dataclass(frozen=True)
class Settings:
    payment_api_url: str = ""
    payment_api_key: str = ""
    shipping_api_url: str = ""
    shipping_api_key: str = ""
    http_timeout: float = 10.0
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    mail_from: str = "noreply@example.com"
    mail_file: str = ".outbox-mail.jsonl"
    redis_url: str = ""
    rabbitmq_url: str = ""
    rabbitmq_exchange: str = "app.events"
    s3_bucket: str = ""
    s3_endpoint_url: str = ""
    aws_region: str = "us-east-1"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            payment_api_url=_env(env, "PAYMENT_API_URL"),
            payment_api_key=_env(env, "PAYMENT_API_KEY"),
            shipping_api_url=_env(env, "SHIPPING_API_URL"),
            shipping_api_key=_env(env, "SHIPPING_API_KEY"),
            http_timeout=float(_env(env, "HTTP_TIMEOUT", "10")),
            smtp_host=_env(env, "SMTP_HOST"),
            smtp_port=int(_env(env, "SMTP_PORT", "587")),
            smtp_username=_env(env, "SMTP_USERNAME"),
            smtp_password=_env(env, "SMTP_PASSWORD"),
            mail_from=_env(env, "MAIL_FROM", "noreply@example.com"),
            mail_file=_env(env, "MAIL_FILE", ".outbox-mail.jsonl"),
            redis_url=_env(env, "REDIS_URL"),
            rabbitmq_url=_env(env, "RABBITMQ_URL"),
            rabbitmq_exchange=_env(env, "RABBITMQ_EXCHANGE", "app.events"),
            s3_bucket=_env(env, "S3_BUCKET"),
            s3_endpoint_url=_env(env, "S3_ENDPOINT_URL"),
            aws_region=_env(env, "AWS_REGION", "us-east-1"),
        )


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _require(payload: JsonObject, name: str) -> Any:
    value = payload.get(name)
    if value is None or value == "":
        raise PermanentError(f"the payload has no {name!r}")
    return value


def _amount(payload: JsonObject) -> Decimal:
    try:
        amount = Decimal(str(_require(payload, "amount")))
    except InvalidOperation as exc:
        raise PermanentError(f"not an amount: {payload.get('amount')!r}") from exc
    if not amount.is_finite() or amount <= 0:
        raise PermanentError(f"the amount must be positive, not {amount}")
    return amount


# --- HTTP partners (payment, shipping) ------------------------------------------------------


def _transient_status(status_code: int) -> bool:
    return status_code == 429 or status_code >= 500


def _partner_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"])
    return response.text[:200]


class HttpPartner:
    """One partner's JSON API: base URL, bearer key, timeout. No retry loop here: a
    transient failure goes back to the outbox, which tries again after its back-off."""

    def __init__(self, name: str, base_url: str, api_key: str, *, timeout: float = 10.0) -> None:
        headers = {"Accept": "application/json"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self.name = name
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)

    def post(
        self, path: str, body: JsonObject, *, idempotency_key: str, traceparent: str | None
    ) -> httpx.Response:
        headers = {"Idempotency-Key": idempotency_key}
        if traceparent:
            headers["traceparent"] = traceparent
        try:
            response = self.http.post(path, json=body, headers=headers)
        except httpx.TransportError as exc:
            raise TransientError(f"{self.name}: POST {path}: {type(exc).__name__} {exc}") from exc
        if _transient_status(response.status_code):
            raise TransientError(f"{self.name}: POST {path} answered {response.status_code}")
        return response

    def json_body(self, response: httpx.Response) -> JsonObject:
        path = response.request.url.path
        if not response.is_success:
            raise PermanentError(
                f"{self.name}: POST {path} answered {response.status_code}: "
                f"{_partner_message(response)}",
                {"status": response.status_code},
            )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise PermanentError(f"{self.name}: POST {path}: the answer is not a JSON object")
        return data

    def close(self) -> None:
        self.http.close()


# --- Payment ----------------------------------------------------------------------------------


class PaymentGateway(Protocol):
    def charge(self, delivery: Delivery) -> JsonObject:
        """{"succeeded": true, "reference": ...} or {"succeeded": false, "decline_code": ...}"""

    def refund(self, delivery: Delivery) -> JsonObject: ...


class HttpPaymentGateway:
    """POST /charges {"amount": "12.50", "currency", "reference"} -> {"id", "status"};
    POST /refunds {"payment_id", "amount"} -> {"id"}. A 402 or a 422 is a declined payment;
    any other 4xx a permanent failure (a bad key, a conflicting idempotency key)."""

    DECLINED = frozenset({402, 422})

    def __init__(self, partner: HttpPartner) -> None:
        self.partner = partner

    def charge(self, delivery: Delivery) -> JsonObject:
        payload = delivery.payload
        body = {
            "amount": format(_amount(payload), "f"),
            "currency": str(payload.get("currency") or "USD"),
            "reference": str(payload.get("reference") or f"outbox-{delivery.id}"),
        }
        response = self.partner.post(
            "/charges",
            body,
            idempotency_key=delivery.idempotency_key,
            traceparent=delivery.traceparent,
        )
        if response.status_code in self.DECLINED:
            try:
                data = response.json()
            except ValueError:
                data = {}
            code = data.get("code") if isinstance(data, dict) else None
            return {
                "succeeded": False,
                "decline_code": str(code or "declined"),
                "status": response.status_code,
            }
        data = self.partner.json_body(response)
        if "id" not in data:
            raise PermanentError("payment gateway: the charge answer has no id")
        return {"succeeded": True, "reference": str(data["id"]), "status": data.get("status")}

    def refund(self, delivery: Delivery) -> JsonObject:
        payload = delivery.payload
        body = {
            "payment_id": str(_require(payload, "payment_reference")),
            "amount": format(_amount(payload), "f"),
        }
        response = self.partner.post(
            "/refunds",
            body,
            idempotency_key=delivery.idempotency_key,
            traceparent=delivery.traceparent,
        )
        data = self.partner.json_body(response)
        return {"refund_id": str(data.get("id", "")), "status": data.get("status")}


class FakePaymentGateway:
    """Moves no money. Deterministic: the same idempotency key gets the same reference;
    an amount ending in .13 or a payload with "decline": true is declined."""

    def charge(self, delivery: Delivery) -> JsonObject:
        amount = _amount(delivery.payload)
        if delivery.payload.get("decline") is True or amount % 1 == Decimal("0.13"):
            return {"succeeded": False, "decline_code": "card_declined", "fake": True}
        reference = f"fake_pay_{_short_hash(delivery.idempotency_key)}"
        return {"succeeded": True, "reference": reference, "fake": True}

    def refund(self, delivery: Delivery) -> JsonObject:
        _amount(delivery.payload)
        return {"refund_id": f"fake_ref_{_short_hash(delivery.idempotency_key)}", "fake": True}


# --- Shipping ---------------------------------------------------------------------------------


class ShippingApi(Protocol):
    def create_shipment(self, delivery: Delivery) -> JsonObject:
        """{"tracking_number": ...}"""


class HttpShippingApi:
    """POST /shipments {the payload} -> {"tracking_number"}."""

    def __init__(self, partner: HttpPartner) -> None:
        self.partner = partner

    def create_shipment(self, delivery: Delivery) -> JsonObject:
        response = self.partner.post(
            "/shipments",
            delivery.payload,
            idempotency_key=delivery.idempotency_key,
            traceparent=delivery.traceparent,
        )
        data = self.partner.json_body(response)
        tracking = data.get("tracking_number")
        if not tracking:
            raise PermanentError("shipping API: the answer has no tracking_number")
        return {"tracking_number": str(tracking), "shipment_id": data.get("id")}


class FakeShippingApi:
    """Ships nothing: a tracking number derived from the idempotency key."""

    def create_shipment(self, delivery: Delivery) -> JsonObject:
        tracking = f"FAKE{_short_hash(delivery.idempotency_key).upper()}"
        return {"tracking_number": tracking, "fake": True}


# --- Email ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str
    html: str | None = None

    @classmethod
    def from_payload(cls, payload: JsonObject) -> Mail:
        html = payload.get("html")
        return cls(
            to=str(_require(payload, "to")),
            subject=str(payload.get("subject") or ""),
            body=str(payload.get("body") or payload.get("text") or ""),
            html=str(html) if html else None,
        )


class Mailer(Protocol):
    def send(self, delivery: Delivery) -> JsonObject: ...


class SmtpMailer:
    """SMTP with STARTTLS when the server offers it (TLS from the start on port 465). The
    Message-ID derives from the idempotency key, so a resent mail can be recognised."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery) -> JsonObject:
        mail = Mail.from_payload(delivery.payload)
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = mail.to
        message["Subject"] = mail.subject
        message["Message-ID"] = make_msgid(_short_hash(delivery.idempotency_key))
        message.set_content(mail.body)
        if mail.html:
            message.add_alternative(mail.html, subtype="html")
        s = self.settings
        try:
            smtp: smtplib.SMTP
            if s.smtp_port == 465:
                smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30)
            else:
                smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
            with smtp:
                smtp.ehlo()
                if s.smtp_port != 465 and smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"smtp: recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentError(f"smtp: {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TransientError(f"smtp: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientError(f"smtp: {type(exc).__name__} {exc}") from exc
        return {"message_id": message["Message-ID"]}


class FileMailer:
    """Sends nothing: appends each mail, as one JSON line, to a file (MAIL_FILE)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def send(self, delivery: Delivery) -> JsonObject:
        mail = Mail.from_payload(delivery.payload)
        line = {
            "to": mail.to,
            "subject": mail.subject,
            "body": mail.body,
            "html": mail.html,
            "idempotency_key": delivery.idempotency_key,
            "trace_id": delivery.trace_id,
        }
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return {"file": str(self.path), "fake": True}


# --- Redis ------------------------------------------------------------------------------------


class RedisPublisher:
    """PUBLISH the message, as JSON, on its channel; the answer counts the subscribers."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=10)

    def publish(self, delivery: Delivery) -> JsonObject:
        channel = str(_require(delivery.payload, "channel"))
        body = json.dumps(delivery.payload.get("message", {}))
        try:
            receivers = self.client.publish(channel, body)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise TransientError(f"redis: {type(exc).__name__} {exc}") from exc
        except redis.RedisError as exc:
            raise PermanentError(f"redis: {type(exc).__name__} {exc}") from exc
        return {"receivers": int(receivers)}

    def close(self) -> None:
        self.client.close()


# --- RabbitMQ ---------------------------------------------------------------------------------


class RabbitMQPublisher:
    """Publish to a durable topic exchange with publisher confirms: the delivery counts only
    once the broker has confirmed it. Persistent JSON messages; message_id is the row's
    idempotency key, so a consumer can drop a redelivered one."""

    def __init__(self, url: str, exchange: str) -> None:
        self.url = url
        self.exchange = exchange
        self._connection: pika.BlockingConnection | None = None
        self._channel: pika.adapters.blocking_connection.BlockingChannel | None = None

    def _open(self) -> pika.adapters.blocking_connection.BlockingChannel:
        if self._channel is not None and self._channel.is_open:
            return self._channel
        self.close()
        parameters = pika.URLParameters(self.url)
        parameters.socket_timeout = 10
        parameters.blocked_connection_timeout = 30
        self._connection = pika.BlockingConnection(parameters)
        channel = self._connection.channel()
        channel.confirm_delivery()
        channel.exchange_declare(self.exchange, exchange_type="topic", durable=True)
        self._channel = channel
        return channel

    def publish(self, delivery: Delivery) -> JsonObject:
        routing_key = str(_require(delivery.payload, "routing_key"))
        headers: dict[str, Any] = {}
        if delivery.traceparent:
            headers["traceparent"] = delivery.traceparent
        properties = pika.BasicProperties(
            content_type="application/json",
            delivery_mode=pika.DeliveryMode.Persistent,
            message_id=delivery.idempotency_key,
            headers=headers,
        )
        body = json.dumps(delivery.payload.get("message", {})).encode()
        try:
            channel = self._open()
            channel.basic_publish(self.exchange, routing_key, body, properties)
        except pika.exceptions.NackError as exc:
            self.close()
            raise TransientError(f"rabbitmq: the broker refused the message: {exc}") from exc
        except (pika.exceptions.AMQPError, OSError) as exc:
            self.close()
            raise TransientError(f"rabbitmq: {type(exc).__name__} {exc}") from exc
        return {"exchange": self.exchange, "routing_key": routing_key}

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            try:
                connection.close()
            except Exception:
                logger.debug("closing the RabbitMQ connection failed", exc_info=True)


# --- S3 ---------------------------------------------------------------------------------------


class S3Store:
    """put_object into S3_BUCKET (at S3_ENDPOINT_URL when set: MinIO, moto). Credentials come
    the usual boto3 way (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role)."""

    def __init__(self, bucket: str, endpoint_url: str, region: str) -> None:
        self.bucket = bucket
        self.client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            config=Config(retries={"max_attempts": 1}, connect_timeout=10, read_timeout=30),
        )

    def put(self, delivery: Delivery) -> JsonObject:
        payload = delivery.payload
        key = str(_require(payload, "key"))
        try:
            content = base64.b64decode(str(payload.get("content_base64", "")), validate=True)
        except ValueError as exc:
            raise PermanentError("storage: content_base64 is not base64") from exc
        content_type = str(payload.get("content_type") or "application/octet-stream")
        try:
            answer = self.client.put_object(
                Bucket=self.bucket, Key=key, Body=content, ContentType=content_type
            )
        except ClientError as exc:
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
            message = f"s3: {exc}"
            if status == 0 or _transient_status(status):
                raise TransientError(message) from exc
            raise PermanentError(message, {"status": status}) from exc
        except BotoCoreError as exc:
            raise TransientError(f"s3: {type(exc).__name__} {exc}") from exc
        return {"bucket": self.bucket, "key": key, "etag": answer.get("ETag"), "size": len(content)}


# --- The registry -----------------------------------------------------------------------------

Handler = Callable[[Delivery], JsonObject]


def _not_configured(setting: str) -> Handler:
    def handler(delivery: Delivery) -> JsonObject:
        raise NotConfiguredError(f"{setting} is empty: {delivery.channel} is not configured")

    return handler


@dataclass
class Adapters:
    """The handler of each (channel, action), and what to close at the end."""

    handlers: dict[tuple[str, str], Handler]
    closers: list[Callable[[], None]] = field(default_factory=list)

    def deliver(self, delivery: Delivery) -> JsonObject:
        handler = self.handlers.get((delivery.channel, delivery.action))
        if handler is None:
            raise PermanentError(f"no adapter for {delivery.channel}/{delivery.action}")
        return handler(delivery)

    def close(self) -> None:
        for close in self.closers:
            close()


def build_adapters(settings: Settings) -> Adapters:
    """Real clients where configured; doubles for payment, shipping and email otherwise."""
    closers: list[Callable[[], None]] = []
    payment: PaymentGateway
    if settings.payment_api_url:
        partner = HttpPartner(
            "payment gateway",
            settings.payment_api_url,
            settings.payment_api_key,
            timeout=settings.http_timeout,
        )
        closers.append(partner.close)
        payment = HttpPaymentGateway(partner)
    else:
        payment = FakePaymentGateway()
    shipping: ShippingApi
    if settings.shipping_api_url:
        partner = HttpPartner(
            "shipping API",
            settings.shipping_api_url,
            settings.shipping_api_key,
            timeout=settings.http_timeout,
        )
        closers.append(partner.close)
        shipping = HttpShippingApi(partner)
    else:
        shipping = FakeShippingApi()
    mailer: Mailer = SmtpMailer(settings) if settings.smtp_host else FileMailer(settings.mail_file)
    handlers: dict[tuple[str, str], Handler] = {
        ("payment", "charge"): payment.charge,
        ("payment", "refund"): payment.refund,
        ("shipping", "create_shipment"): shipping.create_shipment,
        ("email", "send"): mailer.send,
    }
    if settings.redis_url:
        redis_publisher = RedisPublisher(settings.redis_url)
        closers.append(redis_publisher.close)
        handlers["redis", "publish"] = redis_publisher.publish
    else:
        handlers["redis", "publish"] = _not_configured("REDIS_URL")
    if settings.rabbitmq_url:
        rabbitmq = RabbitMQPublisher(settings.rabbitmq_url, settings.rabbitmq_exchange)
        closers.append(rabbitmq.close)
        handlers["rabbitmq", "publish"] = rabbitmq.publish
    else:
        handlers["rabbitmq", "publish"] = _not_configured("RABBITMQ_URL")
    if settings.s3_bucket:
        store = S3Store(settings.s3_bucket, settings.s3_endpoint_url, settings.aws_region)
        closers.append(store.client.close)
        handlers["storage", "put_object"] = store.put
    else:
        handlers["storage", "put_object"] = _not_configured("S3_BUCKET")
    for channel, setting, real in (
        ("payment", "PAYMENT_API_URL", settings.payment_api_url),
        ("shipping", "SHIPPING_API_URL", settings.shipping_api_url),
        ("email", "SMTP_HOST", settings.smtp_host),
    ):
        if not real:
            logger.warning("%s: the test double (%s is empty)", channel, setting)
    return Adapters(handlers, closers)
