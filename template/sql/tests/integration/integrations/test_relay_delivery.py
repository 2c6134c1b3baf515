"""The relay (scripts/relay.py) against the real database: claims, retries, dead rows, the
payment and shipping HTTP clients (respx), the doubles, and skipped channels."""

import json
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import respx
from adapters import Settings, build_adapters
from psycopg.types.json import Jsonb
from relay import Relay, main

PAYMENTS = "http://payments.test"
SHIPPING = "http://shipping.test"


def enqueue(db: psycopg.Connection, channel: str, action: str, payload: Any, key: str) -> int:
    row = db.execute(
        "select app.outbox_enqueue(%s, %s, %s, %s)", (channel, action, Jsonb(payload), key)
    ).fetchone()
    assert row is not None
    return int(row[0])


def outbox_row(db: psycopg.Connection, outbox_id: int) -> dict[str, Any]:
    cur = db.execute(
        "select status, attempts, result, last_error, locked_at, available_at > now()"
        " from app_private.outbox where id = %s",
        (outbox_id,),
    )
    row = cur.fetchone()
    assert row is not None
    names = ["status", "attempts", "result", "last_error", "locked_at", "waiting"]
    return dict(zip(names, row, strict=True))


def make_due(db: psycopg.Connection, outbox_id: int) -> None:
    db.execute("update app_private.outbox set available_at = now() where id = %s", (outbox_id,))


@pytest.fixture
def relay_for(database_url: str, tmp_path: Path) -> Any:
    opened: list[tuple[psycopg.Connection, Any]] = []

    def make(settings: Settings | None = None, channels: list[str] | None = None) -> Relay:
        adapters = build_adapters(settings or Settings(mail_file=str(tmp_path / "mail.jsonl")))
        conn = psycopg.connect(database_url, autocommit=True)
        opened.append((conn, adapters))
        return Relay(conn, adapters, channels=channels, worker="test-relay")

    yield make
    for conn, adapters in opened:
        adapters.close()
        conn.close()


def test_a_row_is_claimed_by_one_relay_only(
    database_url: str, db: psycopg.Connection, unique: str
) -> None:
    ids = {enqueue(db, "email", "send", {"to": "a@example.com"}, f"{unique}-{n}") for n in range(2)}
    with (
        psycopg.connect(database_url) as first,
        psycopg.connect(database_url) as second,
    ):
        claim = "select id from app.outbox_claim(array['email'], %s, 50)"
        got_first = {r[0] for r in first.execute(claim, ("one",)).fetchall()}
        got_second = {r[0] for r in second.execute(claim, ("two",)).fetchall()}
        assert not got_first & got_second, "a row was claimed twice"
        assert ids <= got_first | got_second
        first.rollback()
        second.rollback()
    db.execute("delete from app_private.outbox where id = any(%s)", (list(ids),))


def test_the_doubles_deliver_payment_shipping_and_email(
    db: psycopg.Connection, unique: str, relay_for: Any, tmp_path: Path
) -> None:
    refund = enqueue(
        db,
        "payment",
        "refund",
        {"order_id": 1, "payment_reference": "pay_1", "amount": "5.00"},
        f"{unique}-refund",
    )
    mail = enqueue(
        db,
        "email",
        "send",
        {"to": f"{unique}@example.com", "subject": "Hi", "body": "Hello"},
        f"{unique}-mail",
    )
    relay = relay_for(channels=["payment", "email"])
    relay.drain()
    assert outbox_row(db, refund)["status"] == "delivered"
    assert outbox_row(db, refund)["result"]["refund_id"].startswith("fake_ref_")
    assert outbox_row(db, mail)["status"] == "delivered"
    lines = [json.loads(line) for line in (tmp_path / "mail.jsonl").read_text().splitlines()]
    sent = [line for line in lines if line["to"] == f"{unique}@example.com"]
    assert sent == [
        {
            "to": f"{unique}@example.com",
            "subject": "Hi",
            "body": "Hello",
            "html": None,
            "idempotency_key": f"{unique}-mail",
            "trace_id": sent[0]["trace_id"],
        }
    ]


def test_the_payment_double_declines_13_cents(relay_for: Any) -> None:
    from adapters import Delivery, FakePaymentGateway

    gateway = FakePaymentGateway()

    def charge(amount: str, **extra: Any) -> dict[str, Any]:
        return gateway.charge(
            Delivery(1, "payment", "charge", {"amount": amount, **extra}, "k", 1, 8)
        )

    assert charge("10.13")["succeeded"] is False
    assert charge("10.12")["succeeded"] is True
    assert charge("10.12", decline=True)["succeeded"] is False
    assert charge("10.00") == charge("10.00"), "the same key gets the same answer"


def test_http_payment_carries_the_idempotency_key_on_every_retry(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    key = f"{unique}-refund"
    refund = enqueue(
        db,
        "payment",
        "refund",
        {"order_id": 1, "payment_reference": "pay_9", "amount": "2.50"},
        key,
    )
    with respx.mock(base_url=PAYMENTS, assert_all_called=True) as mock:
        route = mock.post("/refunds").mock(
            side_effect=[
                httpx.Response(503),
                httpx.ConnectError("refused"),
                httpx.Response(200, json={"id": "ref_1", "status": "succeeded"}),
            ]
        )
        relay = relay_for(Settings(payment_api_url=PAYMENTS, payment_api_key="k"), ["payment"])
        relay.drain()
        first = outbox_row(db, refund)
        assert (first["status"], first["attempts"], first["waiting"]) == ("pending", 1, True)
        assert "503" in first["last_error"]
        make_due(db, refund)
        relay.drain()
        assert outbox_row(db, refund)["status"] == "pending"
        make_due(db, refund)
        relay.drain()
    done = outbox_row(db, refund)
    assert (done["status"], done["attempts"]) == ("delivered", 3)
    assert done["result"]["refund_id"] == "ref_1"
    keys = {call.request.headers["Idempotency-Key"] for call in route.calls}
    assert keys == {key}, "at least once, always with the same key"
    assert route.calls[0].request.headers["Authorization"] == "Bearer k"
    assert json.loads(route.calls[0].request.content) == {"payment_id": "pay_9", "amount": "2.50"}


def test_a_transient_failure_is_retried_then_dead(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    row = enqueue(db, "shipping", "create_shipment", {"order_id": 1}, f"{unique}-ship")
    db.execute("update app_private.outbox set max_attempts = 2 where id = %s", (row,))
    with respx.mock(base_url=SHIPPING) as mock:
        route = mock.post("/shipments").mock(return_value=httpx.Response(502))
        relay = relay_for(Settings(shipping_api_url=SHIPPING), ["shipping"])
        relay.drain()
        assert outbox_row(db, row)["status"] == "pending"
        make_due(db, row)
        relay.drain()
    dead = outbox_row(db, row)
    assert (dead["status"], dead["attempts"]) == ("dead", 2)
    assert route.call_count == 2


def test_a_4xx_is_dead_at_once_and_a_402_is_a_declined_charge(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    row = enqueue(db, "shipping", "create_shipment", {"order_id": 1}, f"{unique}-ship")
    with respx.mock(base_url=SHIPPING) as mock:
        mock.post("/shipments").mock(
            return_value=httpx.Response(400, json={"message": "no address"})
        )
        relay_for(Settings(shipping_api_url=SHIPPING), ["shipping"]).drain()
    dead = outbox_row(db, row)
    assert (dead["status"], dead["attempts"]) == ("dead", 1)
    assert "no address" in dead["last_error"]

    from adapters import Delivery, HttpPartner, HttpPaymentGateway

    with respx.mock(base_url=PAYMENTS) as mock:
        route = mock.post("/charges").mock(
            return_value=httpx.Response(402, json={"code": "insufficient_funds"})
        )
        gateway = HttpPaymentGateway(HttpPartner("payment gateway", PAYMENTS, ""))
        answer = gateway.charge(
            Delivery(
                1,
                "payment",
                "charge",
                {"amount": "9.99", "currency": "EUR"},
                "k-1",
                1,
                8,
                "ab" * 16,
            )
        )
        gateway.partner.close()
    assert answer == {"succeeded": False, "decline_code": "insufficient_funds", "status": 402}
    sent = route.calls[0].request
    assert sent.headers["Idempotency-Key"] == "k-1"
    assert sent.headers["traceparent"].startswith("00-" + "ab" * 16 + "-")


def test_http_shipping_gives_the_tracking_number(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    from adapters import Delivery, HttpPartner, HttpShippingApi

    with respx.mock(base_url=SHIPPING) as mock:
        mock.post("/shipments").mock(
            return_value=httpx.Response(201, json={"id": "s1", "tracking_number": "1Z999"})
        )
        api = HttpShippingApi(HttpPartner("shipping API", SHIPPING, ""))
        answer = api.create_shipment(
            Delivery(1, "shipping", "create_shipment", {"order_id": 1}, "k", 1, 8)
        )
        api.partner.close()
    assert answer == {"tracking_number": "1Z999", "shipment_id": "s1"}


def test_an_unconfigured_channel_is_skipped_not_left_pending(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    empty: dict[str, object] = {}
    row = enqueue(db, "redis", "publish", {"channel": "c", "message": empty}, f"{unique}-r")
    relay_for(Settings(), ["redis"]).drain()
    skipped = outbox_row(db, row)
    assert skipped["status"] == "skipped"
    assert "REDIS_URL" in skipped["last_error"]


def test_a_stale_claim_is_delivered_again(
    db: psycopg.Connection, unique: str, relay_for: Any
) -> None:
    row = enqueue(db, "email", "send", {"to": "a@example.com"}, f"{unique}-stale")
    db.execute(
        "update app_private.outbox set attempts = 1, locked_by = 'dead-relay',"
        " locked_at = now() - interval '1 hour' where id = %s",
        (row,),
    )
    relay_for(channels=["email"]).drain()
    again = outbox_row(db, row)
    assert (again["status"], again["attempts"]) == ("delivered", 2)


def test_the_command_line_delivers_what_is_due_and_exits(
    database_url: str,
    db: psycopg.Connection,
    unique: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MAIL_FILE", str(tmp_path / "cli-mail.jsonl"))
    monkeypatch.setenv("SMTP_HOST", "")
    row = enqueue(db, "email", "send", {"to": f"{unique}@example.com"}, f"{unique}-cli")
    assert main(["--database-url", database_url, "--once", "--channels", "email"]) == 0
    assert outbox_row(db, row)["status"] == "delivered"
    assert f"{unique}@example.com" in (tmp_path / "cli-mail.jsonl").read_text()
    with pytest.raises(SystemExit):
        main(["--database-url", database_url, "--once", "--channels", "fax"])
