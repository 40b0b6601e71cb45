"""SMS transports and the delivery retries against a real HTTP gateway on 127.0.0.1 (a local
http.server thread answering 200, 4xx, 5xx or hanging): timeouts, bounded retries with backoff,
the token-checked delivery receipts. Only the gateway is fake; everything on our side is real."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from accounts.roles import Role
from notifications.delivery import delivery_send, sms_to_numbers
from notifications.models import Delivery, Notification
from notifications.tasks import retry_deliveries
from notifications.transports import (
    ConsoleTransport,
    FileTransport,
    HttpGatewayTransport,
    OutgoingSms,
    SendResult,
    get_transport,
)

RECORDING = "notifications.tests.test_transports.RecordingTransport"


class RecordingTransport:
    """A transport for tests: remembers every message (class-wide, since each send builds a new
    instance) and answers ok with a provider id, or what `answers` says."""

    sent: ClassVar[list[OutgoingSms]] = []
    answers: ClassVar[list[SendResult]] = []

    def send(self, message: OutgoingSms) -> SendResult:
        type(self).sent.append(message)
        if type(self).answers:
            return type(self).answers.pop(0)
        return SendResult(ok=True, provider_id=f"rec-{len(type(self).sent)}")

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.answers.clear()


class Gateway:
    """A local gateway: each request takes the next scripted answer (status, body) or "hang"."""

    def __init__(self):
        self.script: list = []
        self.requests: list[dict] = []
        self.hang_seconds = 1.5
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                gateway.requests.append({"headers": dict(self.headers), "body": json.loads(self.rfile.read(length))})
                answer = gateway.script.pop(0) if gateway.script else (200, {"id": f"gw-{len(gateway.requests)}"})
                if answer == "hang":
                    time.sleep(gateway.hang_seconds)
                    answer = (200, {"id": "too-late"})
                status, body = answer
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    with Gateway() as gw:
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = gw.url
        settings.SMS_GATEWAY_TOKEN = "gateway-secret"
        settings.SMS_GATEWAY_TIMEOUT = 0.4
        settings.SMS_MAX_ATTEMPTS = 3
        settings.SMS_RETRY_BASE_SECONDS = 30
        settings.SMS_RATE_PER_SECOND = 1000
        yield gw


def message(to="13800000001") -> OutgoingSms:
    return OutgoingSms(to=to, text="【测试】阳泉市发布重污染天气橙色预警", reference="yq-delivery-1", name="测试")


# ----------------------------------------------------------------------------- transports alone


def test_console_transport_logs_and_accepts(caplog):
    caplog.set_level("INFO", logger="notifications.sms")
    result = ConsoleTransport().send(message())
    assert result.ok and result.provider_id.startswith("console-")
    assert "13800000001" in caplog.text and "橙色预警" in caplog.text


def test_file_transport_appends_one_json_line_per_message(tmp_path):
    transport = FileTransport(tmp_path)
    first, second = transport.send(message()), transport.send(message("13800000002"))
    assert first.ok and second.ok and first.provider_id != second.provider_id
    [path] = list(tmp_path.glob("sms-*.jsonl"))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["to"] for line in lines] == ["13800000001", "13800000002"]
    assert lines[0]["text"] == "【测试】阳泉市发布重污染天气橙色预警" and lines[0]["provider_id"] == first.provider_id


def test_backend_setting_chooses_the_transport(settings, tmp_path):
    settings.SMS_BACKEND = "console"
    assert isinstance(get_transport(), ConsoleTransport)
    settings.SMS_BACKEND, settings.SMS_FILE_DIR = "file", tmp_path
    assert isinstance(get_transport(), FileTransport)
    settings.SMS_BACKEND = RECORDING
    assert isinstance(get_transport(), RecordingTransport)


def test_http_gateway_posts_json_with_the_bearer_token(gateway):
    result = HttpGatewayTransport().send(message())
    assert result == SendResult(ok=True, provider_id="gw-1")
    [request] = gateway.requests
    assert request["headers"]["Authorization"] == "Bearer gateway-secret"
    assert request["body"]["to"] == "13800000001" and request["body"]["reference"] == "yq-delivery-1"
    assert request["body"]["text"] == "【测试】阳泉市发布重污染天气橙色预警"
    assert request["body"]["callback"].endswith("/warnings/sms/receipt/")


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        ((500, {}), True),
        ((503, {}), True),
        ((429, {}), True),
        ((400, {"error": "bad number"}), False),
        ((401, {}), False),
    ],
)
def test_http_gateway_errors_5xx_and_429_are_retryable_other_4xx_are_not(gateway, answer, retryable):
    gateway.script = [answer]
    result = HttpGatewayTransport().send(message())
    assert not result.ok and result.retryable is retryable
    assert f"HTTP {answer[0]}" in result.error


def test_http_gateway_timeout_is_retryable(gateway):
    gateway.script = ["hang"]
    started = time.monotonic()
    result = HttpGatewayTransport().send(message())
    assert time.monotonic() - started < 1.4  # gave up at the timeout, not when the gateway answered
    assert not result.ok and result.retryable and "超时" in result.error


def test_http_gateway_refused_connection_is_retryable(settings):
    with Gateway() as gw:
        url = gw.url
    settings.SMS_GATEWAY_URL = url  # nobody listens there any more
    result = HttpGatewayTransport(timeout=0.5).send(message())
    assert not result.ok and result.retryable


# ----------------------------------------------------------------------------- retries through the gateway


@pytest.mark.django_db
def test_failed_send_is_retried_with_backoff_until_the_gateway_accepts(
    gateway, eager, django_capture_on_commit_callbacks
):
    gateway.script = [(500, {}), "hang", (200, {"id": "gw-accepted"})]
    with time_machine.travel(timezone.now(), tick=True) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            assert sms_to_numbers([("张三", "138 0000 0001")], text="【测试】预警", key="warning:test-retry") == 1
        delivery = Delivery.objects.get(key="warning:test-retry")
        assert (delivery.status, delivery.attempts, delivery.retryable) == ("failed", 1, True)
        assert "HTTP 500" in delivery.last_error
        assert delivery.next_attempt_at - delivery.failed_at == dt.timedelta(seconds=30)

        retry_deliveries.delay()  # not due yet: nothing is sent
        assert len(gateway.requests) == 1

        clock.shift(dt.timedelta(seconds=31))
        retry_deliveries.delay()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("failed", 2) and "超时" in delivery.last_error
        assert delivery.next_attempt_at - delivery.failed_at == dt.timedelta(seconds=60)

        clock.shift(dt.timedelta(seconds=61))
        retry_deliveries.delay()
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.provider_id) == ("sent", 3, "gw-accepted")
        assert delivery.last_error == ""

        clock.shift(dt.timedelta(minutes=10))
        retry_deliveries.delay()
        assert delivery_send(delivery_id=delivery.pk) == "skipped"
    assert len(gateway.requests) == 3  # three attempts, never a fourth send
    assert {r["body"]["reference"] for r in gateway.requests} == {f"yq-delivery-{delivery.pk}"}


@pytest.mark.django_db
def test_attempts_are_bounded_and_the_office_is_told(gateway, eager, make_user, django_capture_on_commit_callbacks):
    office = make_user(Role.OFFICE)
    gateway.script = [(502, {})] * 10
    cache.delete("sms:failed-notice:warning:test-bounded")
    with time_machine.travel(timezone.now(), tick=True) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            sms_to_numbers([("李四", "13800000002")], text="【测试】预警", key="warning:test-bounded")
        for _ in range(5):
            clock.shift(dt.timedelta(minutes=10))
            with django_capture_on_commit_callbacks(execute=True):
                retry_deliveries.delay()
    delivery = Delivery.objects.get(key="warning:test-bounded")
    assert (delivery.status, delivery.attempts, delivery.retryable, delivery.next_attempt_at) == (
        "failed",
        3,
        False,
        None,
    )
    assert len(gateway.requests) == 3
    notice = Notification.objects.get(recipient=office, kind="notifications.delivery.failed")
    assert "预警信息" in notice.title and notice.link.startswith("/warnings/deliveries/")


@pytest.mark.django_db
def test_a_refused_number_is_not_retried(gateway, eager, django_capture_on_commit_callbacks):
    gateway.script = [(400, {"error": "invalid number"})]
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers([("王五", "13800000003")], text="【测试】预警", key="warning:test-refused")
    delivery = Delivery.objects.get(key="warning:test-refused")
    assert (delivery.status, delivery.retryable, delivery.attempts) == ("failed", False, 1)
    assert "invalid number" in delivery.last_error


# ----------------------------------------------------------------------------- delivery receipts


@pytest.mark.django_db
def test_delivery_receipt_needs_the_gateway_token_and_marks_the_row(
    gateway, eager, client, django_capture_on_commit_callbacks
):
    gateway.script = [(200, {"id": "gw-receipt-1"}), (200, {"id": "gw-receipt-2"})]
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers([("甲", "13800000004"), ("乙", "13800000005")], text="【测试】预警", key="warning:test-receipt")
    url = "/warnings/sms/receipt/"
    body = json.dumps({"provider_id": "gw-receipt-1", "status": "delivered"})

    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert Delivery.objects.filter(status="delivered").count() == 0

    ok = client.post(url, body, content_type="application/json", HTTP_AUTHORIZATION="Bearer gateway-secret")
    assert ok.status_code == 200 and ok.json() == {"updated": 1}
    failed = client.post(
        url,
        json.dumps([{"id": "gw-receipt-2", "status": "failed", "error": "关机"}]),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer gateway-secret",
    )
    assert failed.json() == {"updated": 1}
    rows = {d.provider_id: d for d in Delivery.objects.filter(key="warning:test-receipt")}
    assert rows["gw-receipt-1"].status == "delivered" and rows["gw-receipt-1"].delivered_at is not None
    assert rows["gw-receipt-2"].status == "failed" and "关机" in rows["gw-receipt-2"].last_error
    assert not rows["gw-receipt-2"].retryable

    bad = client.post(url, "{not json", content_type="application/json", HTTP_AUTHORIZATION="Bearer gateway-secret")
    assert bad.status_code == 400
    unknown = client.post(
        url,
        json.dumps({"provider_id": "nobody", "status": "delivered"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer gateway-secret",
    )
    assert unknown.json() == {"updated": 0}


@pytest.mark.django_db
def test_receipts_are_refused_when_no_token_is_configured(settings, client):
    settings.SMS_GATEWAY_TOKEN = ""
    response = client.post(
        "/warnings/sms/receipt/",
        json.dumps({"provider_id": "x", "status": "delivered"}),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer ",
    )
    assert response.status_code == 403
