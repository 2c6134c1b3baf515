"""The relay's Redis, RabbitMQ and S3 adapters against real servers (see conftest.py)."""

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pika
import psycopg
import pytest
import redis
from adapters import Settings, build_adapters
from psycopg.types.json import Jsonb
from relay import Relay


def enqueue(db: psycopg.Connection, sql: str, *args: Any) -> int:
    row = db.execute(sql, args).fetchone()
    assert row is not None
    return int(row[0])


def status_of(db: psycopg.Connection, outbox_id: int) -> tuple[str, Any]:
    row = db.execute(
        "select status, coalesce(result, to_jsonb(last_error)) from app_private.outbox"
        " where id = %s",
        (outbox_id,),
    ).fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.fixture
def relay(
    database_url: str, redis_url: str, rabbitmq_url: str, s3_endpoint: str, unique: str
) -> Iterator[Relay]:
    settings = Settings(
        redis_url=redis_url,
        rabbitmq_url=rabbitmq_url,
        rabbitmq_exchange=f"test.{unique}",
        s3_bucket=f"bucket-{unique}",
        s3_endpoint_url=s3_endpoint,
    )
    adapters = build_adapters(settings)
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield Relay(conn, adapters, channels=["redis", "rabbitmq", "storage"])
    adapters.close()


def test_a_redis_subscriber_receives_the_message(
    db: psycopg.Connection, relay: Relay, redis_url: str, unique: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub()  # type: ignore[no-untyped-call]
    pubsub.subscribe(f"orders.{unique}")
    assert pubsub.get_message(timeout=5) is not None  # the subscription confirmed
    row = enqueue(
        db, "select app.publish_redis(%s, %s)", f"orders.{unique}", Jsonb({"order_id": 7})
    )
    relay.drain()
    message = pubsub.get_message(timeout=5)
    assert message is not None
    assert json.loads(message["data"]) == {"order_id": 7}
    assert status_of(db, row) == ("delivered", {"receivers": 1})
    pubsub.close()
    client.close()


def test_a_rabbitmq_queue_bound_to_the_exchange_gets_the_message(
    db: psycopg.Connection, relay: Relay, rabbitmq_url: str, unique: str
) -> None:
    connection = pika.BlockingConnection(pika.URLParameters(rabbitmq_url))
    channel = connection.channel()
    channel.exchange_declare(f"test.{unique}", exchange_type="topic", durable=True)
    queue = channel.queue_declare("", exclusive=True).method.queue
    channel.queue_bind(queue, f"test.{unique}", routing_key="order.*")
    row = enqueue(
        db,
        "select app.publish_rabbitmq(%s, %s, %s)",
        "order.paid",
        Jsonb({"order_id": 8}),
        f"{unique}-msg",
    )
    relay.drain()
    assert status_of(db, row)[0] == "delivered"
    method = properties = body = None
    deadline = time.monotonic() + 10
    while method is None and time.monotonic() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is None:
            time.sleep(0.1)
    assert method is not None and properties is not None and body is not None
    assert json.loads(body) == {"order_id": 8}
    assert properties.message_id == f"{unique}-msg"
    assert properties.delivery_mode == 2
    assert properties.headers is not None
    assert str(properties.headers["traceparent"]).startswith("00-")
    connection.close()


def test_an_event_reaches_both_brokers(
    db: psycopg.Connection, relay: Relay, redis_url: str, unique: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub()  # type: ignore[no-untyped-call]
    pubsub.subscribe(f"event.{unique}")
    assert pubsub.get_message(timeout=5) is not None
    enqueue(db, "select 0 from app.publish_event(%s, %s)", f"event.{unique}", Jsonb({"a": 1}))
    relay.drain()
    rows = db.execute(
        "select channel, status from app_private.outbox"
        " where payload ->> 'channel' = %s or payload ->> 'routing_key' = %s order by channel",
        (f"event.{unique}", f"event.{unique}"),
    ).fetchall()
    assert rows == [("rabbitmq", "delivered"), ("redis", "delivered")]
    message = pubsub.get_message(timeout=5)
    assert message is not None and json.loads(message["data"]) == {"a": 1}
    pubsub.close()
    client.close()


def test_the_s3_object_exists_in_moto(
    db: psycopg.Connection, relay: Relay, s3_endpoint: str, unique: str
) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=f"bucket-{unique}")
    row = enqueue(
        db,
        "select app.store_object(%s, %s::bytea, %s)",
        "receipts/1.pdf",
        b"%PDF-1.4 fake",
        "application/pdf",
    )
    relay.drain()
    assert status_of(db, row)[0] == "delivered"
    got = s3.get_object(Bucket=f"bucket-{unique}", Key="receipts/1.pdf")
    assert got["Body"].read() == b"%PDF-1.4 fake"
    assert got["ContentType"] == "application/pdf"


def test_a_missing_bucket_is_a_permanent_failure(
    db: psycopg.Connection, relay: Relay, unique: str
) -> None:
    row = enqueue(db, "select app.store_object(%s, %s)", "notes/x.txt", "hello")
    relay.drain()
    status, error = status_of(db, row)
    assert status == "dead"
    assert error == {"status": 404}


def test_a_broker_that_is_down_means_a_retry(
    db: psycopg.Connection, database_url: str, unique: str
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    adapters = build_adapters(Settings(redis_url=f"redis://127.0.0.1:{closed_port}/0"))
    row = enqueue(db, "select app.publish_redis(%s, %s)", f"down.{unique}", Jsonb({}))
    with psycopg.connect(database_url, autocommit=True) as conn:
        Relay(conn, adapters, channels=["redis"]).drain()
    adapters.close()
    assert status_of(db, row)[0] == "pending"
    db.execute("delete from app_private.outbox where id = %s", (row,))
