"""Fan-out through the HTTP transport's batch form against the fake gateway (tests/tools/fake_gateway.py,
a real HTTP server on 127.0.0.1): many numbers per call, one task per chunk, every row recorded;
a chunk re-run after a crash between the gateway's answer and our commit is deduplicated by the
reference (the gateway's idempotency key); the Redis cache degrades instead of raising."""

from __future__ import annotations

import pytest
from django.core.cache.backends.redis import RedisCache

from notifications.delivery import deliveries_send, sms_to_numbers
from notifications.models import Delivery
from tests.tools.fake_gateway import FakeGateway
from yangquan_aqi.cache import ResilientRedisCache


@pytest.fixture
def gateway(settings):
    with FakeGateway(token="t0ken") as gw:
        settings.SMS_BACKEND = "http"
        settings.SMS_GATEWAY_URL = gw.url
        settings.SMS_GATEWAY_TOKEN = "t0ken"
        settings.SMS_GATEWAY_TIMEOUT = 2
        settings.SMS_GATEWAY_BATCH = 50
        settings.SMS_TASK_CHUNK = 100
        settings.SMS_RATE_PER_SECOND = 1000
        yield gw


def numbers(n: int) -> list[tuple[str, str]]:
    return [("", f"1370000{i:04d}") for i in range(n)]


@pytest.mark.django_db
def test_batches_carry_many_numbers_per_call_and_every_row_is_recorded(
    gateway, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_to_numbers(numbers(120) + [("坏号", "12345")], text="【测试】橙色预警", key="warning:fan") == 121
    stats = gateway.stats(numbers=True)
    # Chunks of 100 and 20 rows; 50 numbers a call: 2 + 1 calls, not 120.
    assert stats["requests"] == 3 and stats["messages"] == 120 and stats["duplicates"] == 0
    assert set(stats["per_number"].values()) == {1} and len(stats["per_number"]) == 120
    rows = Delivery.objects.filter(key="warning:fan")
    assert rows.filter(status="sent").count() == 120
    assert rows.filter(status="sent", provider_id__startswith="fake-", attempts=1).count() == 120
    assert rows.get(name="坏号").status == "failed"  # never sent: the number is invalid
    # Calling again creates nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert sms_to_numbers(numbers(120), text="【测试】橙色预警", key="warning:fan") == 0
    assert gateway.stats()["requests"] == 3


@pytest.mark.django_db
def test_a_chunk_rerun_after_a_crash_is_deduplicated_by_the_reference(
    gateway, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # rows created, their tasks not run
        sms_to_numbers(numbers(60), text="【测试】红色预警", key="warning:crash")
    ids = list(Delivery.objects.filter(key="warning:crash").values_list("pk", flat=True))
    assert deliveries_send(ids)["sent"] == 60
    # A worker that died after the gateway accepted and before our commit: the rows are still queued.
    Delivery.objects.filter(pk__in=ids).update(status="queued", sent_at=None, provider_id="", attempts=0)
    assert deliveries_send(ids)["sent"] == 60
    stats = gateway.stats()
    assert stats["resent"] == 60 and stats["messages"] == 60 and stats["duplicates"] == 0
    # And a chunk re-run when the rows were recorded sends nothing at all.
    requests = stats["requests"]
    assert deliveries_send(ids) == {"skipped": 60}
    assert gateway.stats()["requests"] == requests


@pytest.mark.django_db
def test_a_gateway_error_fails_the_whole_call_retryably(gateway, eager, django_capture_on_commit_callbacks):
    gateway.set_mode("ok", fail_first=1)
    with django_capture_on_commit_callbacks(execute=True):
        sms_to_numbers(numbers(30), text="【测试】黄色预警", key="warning:err")
    rows = Delivery.objects.filter(key="warning:err")
    assert rows.filter(status="failed", retryable=True, next_attempt_at__isnull=False).count() == 30
    assert all("HTTP 500" in e for e in rows.values_list("last_error", flat=True))
    assert gateway.stats()["failed_requests"] == 1


def test_the_redis_cache_answers_misses_when_redis_is_down():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    plain = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    with pytest.raises(Exception):  # noqa: B017 - what Django's own backend does: redis.ConnectionError
        plain.get("k")
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is True and cache.incr("k", 3) == 3
    cache.set("k", 1)
    cache.delete("k")
    assert cache.get_many(["a", "b"]) == {}
