"""The member units' order notices are an outbox event of their own, written with the orders: a
notice that fails after the orders committed is retried — Celery's retry, then the sweep — while
the response is applied once, and each unit's people are told exactly once."""

from __future__ import annotations

import pytest
import time_machine
from celery.exceptions import Retry
from django.utils import timezone

from core import outbox
from core.models import OutboxEvent
from notifications.models import Notification
from response import services as response_services
from response.handlers import orders_issued
from response.models import Order, ResponseChange

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager(eager, settings):
    """The root's eager Celery, and a failed event is due again at once."""
    settings.OUTBOX_RETRY_AFTER_SECONDS = 0
    return eager


@pytest.fixture
def failing_notices(monkeypatch):
    """notify_users fails while ``state["failing"]`` is set (a database hiccup after the commit)."""
    state = {"failing": True, "calls": 0}
    real = response_services.notify_users

    def notify(*args, **kwargs):
        state["calls"] += 1
        if state["failing"]:
            raise ConnectionError("通知写入失败")
        return real(*args, **kwargs)

    monkeypatch.setattr(response_services, "notify_users", notify)
    return state


def order_notices():
    return list(Notification.objects.filter(kind="response.order.issued").values_list("recipient_id", "target_id"))


def test_order_notices_that_fail_after_commit_are_retried_and_sent_exactly_once(
    decide, people, eager, failing_notices, django_capture_on_commit_callbacks
):
    form = decide("issue", "orange", at(1, 8))
    # The approval's other events (publication, the office's notices) are not this test's subject.
    OutboxEvent.objects.exclude(topic="response.orders").update(done_at=timezone.now())
    orders_event = OutboxEvent.objects.get(topic="response.orders", payload={"form_id": form.pk})
    with time_machine.travel(at(1, 8, 5), tick=False):
        # The worker applies the decision; the notice event, written with the orders, fails after commit.
        with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
            assert outbox.outbox_handle(orders_event.pk)
    orders = list(Order.objects.filter(form=form, kind="measures"))
    assert len(orders) == 33
    notices = OutboxEvent.objects.get(topic="response.orders.notify", payload={"form_id": form.pk})
    assert (notices.done_at, notices.attempts) == (None, 1) and "ConnectionError" in notices.last_error
    assert order_notices() == []

    # The apply is done and stays done: handed out again, it changes nothing (this is where the
    # in-process notice used to be lost — the retried apply returned early).
    with django_capture_on_commit_callbacks(execute=True):
        response_services.response_apply_form(form_id=form.pk)
    assert ResponseChange.objects.filter(form=form).count() == 1
    assert OutboxEvent.objects.filter(topic="response.orders.notify").count() == 1

    # The sweep hands the notice event out again; now it goes through.
    failing_notices["failing"] = False
    assert outbox.sweep_outbox() == 1
    notices.refresh_from_db()
    assert notices.done_at is not None and notices.attempts == 2
    unit_people = {people[slug].pk: people[slug].unit_id for slug in ("jiaotong", "shengtai", "jiaoyu")}
    by_unit = {order.unit_id: str(order.pk) for order in orders}
    assert sorted(order_notices()) == sorted((pk, by_unit[unit]) for pk, unit in unit_people.items())

    # A late duplicate (a redelivered task, a second sweep) sends nothing more.
    orders_issued({"form_id": form.pk})
    assert outbox.outbox_handle(notices.pk) is True
    assert outbox.sweep_outbox() == 0
    assert len(order_notices()) == 3


def test_the_closing_notice_is_its_own_event_and_goes_out_once(
    decide, started, people, eager, django_capture_on_commit_callbacks
):
    form = decide("lift", None, at(3, 8))
    OutboxEvent.objects.exclude(topic__startswith="response.").update(done_at=timezone.now())
    with time_machine.travel(at(3, 8, 5), tick=False), django_capture_on_commit_callbacks(execute=True):
        outbox.outbox_handle(OutboxEvent.objects.get(topic="response.orders", payload={"form_id": form.pk}).pk)
        outbox.outbox_handle(OutboxEvent.objects.get(topic="response.orders", payload={"form_id": form.pk}).pk)
    event = OutboxEvent.objects.get(topic="response.ended.notify")
    assert event.done_at is not None and event.payload == {"response_id": started.pk}
    ended = Notification.objects.filter(kind="response.ended")
    assert ended.filter(recipient=people["jiaotong"]).count() == 1
    assert ended.filter(recipient=people["office"]).count() == 1
