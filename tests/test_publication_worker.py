"""Publication through a real worker: the approval chain runs through the services in this process,
the outbox events go through the real Redis broker to a real Celery worker (tests/conftest.py), and
the worker publishes on every channel — the public page, SMS to unit contacts, in-app notices, the
deadlines — and the response handler issues the orders to the 33 member units (§5.2, §5.6)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from alerts import services
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from command.models import Area, MemberUnit
from core.models import OutboxEvent
from deadlines.models import Deadline
from notifications.models import Delivery, Notification, UnitContact
from publication import public
from tests.factories import warning_content

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs REDIS_URL: the real broker (CI sets it)"),
]

PASSWORD = "correct horse battery"
WAIT_SECONDS = 60


def wait_for(condition, worker, what: str):
    """Poll the database until ``condition()`` is true, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pending = list(OutboxEvent.objects.filter(done_at__isnull=True).values("topic", "attempts", "last_error"))
    pytest.fail(
        f"{what}: not within {WAIT_SECONDS} s; pending outbox events {pending}; worker log:\n"
        + worker["log"].read_text()[-4000:]
    )


def test_an_approved_orange_warning_is_published_by_the_worker(worker, make_user):
    units = {slug: MemberUnit.objects.get(slug=slug) for slug in ("jiaotong", "shengtai")}
    contacts = [
        UnitContact.objects.create(unit=units["jiaotong"], name="交通联络员", mobile="13700000101"),
        UnitContact.objects.create(unit=units["shengtai"], name="生态负责人", mobile="13700000102", duty_role="head"),
    ]
    unit_users = [make_user(Role.UNIT, unit=units["jiaotong"]), make_user(Role.UNIT, unit=units["shengtai"])]
    county_user = make_user(Role.COUNTY, area=Area.objects.get(code="140321"))
    office, vice = make_user(Role.OFFICE), make_user(Role.VICE_COMMANDER)
    vice.set_password(PASSWORD)
    vice.save(update_fields=["password"])

    start = timezone.now() + dt.timedelta(hours=2)
    form = services.form_draft(
        actor=office,
        action="issue",
        level="orange",
        basis="会商认为未来 72 小时 AQI 持续大于 200",
        # In force at signature: one signed ahead waits for its time (§12), past this test's minute.
        content="一、气象条件不利……",
        effective_at=timezone.now(),
        episode_end=start + dt.timedelta(days=3),
        public_message="阳泉市发布重污染天气橙色预警（测试）。",
        **warning_content(primary_pollutant="PM2.5", aqi_low=210, aqi_high=280, degree=""),
    )
    services.form_submit(actor=office, form_id=form.pk)
    # The worker pushes the form into the approver's inbox.
    wait_for(
        lambda: Notification.objects.filter(kind="alerts.form.awaiting", recipient=vice).exists(),
        worker,
        "the approver's notice",
    )

    services.form_approve(actor=vice, form_id=form.pk, password=PASSWORD, opinion="同意发布。")
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.APPROVED
    active_units = MemberUnit.objects.filter(active=True).count()
    assert active_units == 33

    from response.models import Order

    def done() -> bool:
        return (
            Warning.objects.filter(pk=form.warning_id, published_at__isnull=False).exists()
            and not OutboxEvent.objects.filter(done_at__isnull=True).exists()
            and Order.objects.filter(form=form, kind=Order.Kind.MEASURES).count() == active_units
            and Delivery.objects.filter(key=f"warning:{form.pk}", status=Delivery.Status.SENT).count() == len(contacts)
        )

    wait_for(done, worker, "publication, orders and SMS")

    # Every outbox event of the chain was handled by the worker, once each.
    events = OutboxEvent.objects.order_by("pk")
    assert sorted(e.topic for e in events) == [  # the publication's SMS rows and the orders' notices are events too
        "alerts.form.decided",
        "alerts.form.submitted",
        "alerts.warning.publish",
        "notifications.sms.queued",
        "response.orders",
        "response.orders.notify",
    ]
    assert all(e.done_at is not None and e.attempts >= 1 and e.last_error == "" for e in events)
    log = worker["log"].read_text()
    assert log.count("Task core.tasks.dispatch_outbox_event[") >= len(events)  # received there, not run here
    assert "Task notifications.tasks.send_deliveries[" in log  # one task per chunk of rows

    # The public page: the warning is published, and the worker refreshed the shared cache.
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.status, warning.level) == ("active", "orange") and warning.published_at is not None
    payload = public.public_warning_payload()
    assert (payload["level"], payload["number"]) == ("orange", warning.number)

    # SMS: one row per unit contact, sent through the file transport by the worker's send task.
    rows = Delivery.objects.filter(key=f"warning:{form.pk}")
    assert sorted(rows.values_list("phone", flat=True)) == ["13700000101", "13700000102"]
    sent = [
        json.loads(line) for path in worker["sms_dir"].glob("sms-*.jsonl") for line in path.read_text().splitlines()
    ]
    to_contacts = [m for m in sent if m["to"] in {"13700000101", "13700000102"}]
    assert sorted(m["to"] for m in to_contacts) == ["13700000101", "13700000102"]
    assert all("阳泉市发布重污染天气橙色预警（测试）。" in m["text"] for m in to_contacts)

    # In-app notices for the member units and counties, unread until they open them.
    notices = Notification.objects.filter(kind="alerts.warning.published", target_id=str(form.pk))
    assert set(notices.values_list("recipient_id", flat=True)) == {u.pk for u in [*unit_users, county_user]}
    assert Notification.objects.filter(kind="alerts.form.approved", recipient=office).exists()

    # The plan's clocks (§9): units notified is met; publication waits for the external channels the
    # office and the operators confirm (§11, publication/tests/test_channels.py).
    deadlines = {d.kind: d for d in Deadline.objects.filter(form=form)}
    assert deadlines["publish"].met_at is None and deadlines["units_notified"].met_at is not None
    assert deadlines["units_notified"].met_at <= deadlines["units_notified"].due_at

    # The response handler: orders to the 33 member units at Ⅱ级, each with its 2-hour clock.
    orders = Order.objects.filter(form=form)
    assert orders.values("unit").distinct().count() == 33 and set(orders.values_list("level", flat=True)) == {"II"}
    assert Deadline.objects.filter(form=form, kind="measures").count() == 33
    assert AuditEntry.objects.filter(action="alerts.warning.published", target_id=str(form.pk)).count() == 1
