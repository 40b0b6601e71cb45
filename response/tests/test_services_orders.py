"""Orders follow the warning: issued once per unit on approval, superseded on upgrade, closed on
lift; acknowledgement and in-place confirmation meet the 2-hour clock (plan §5.2, §5.6, §5.7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from audit.models import AuditEntry
from command.models import MemberUnit
from core.models import OutboxEvent
from deadlines.models import Deadline
from notifications.models import Notification
from response import services
from response.handlers import orders_for_form
from response.models import Order, Response, ResponseChange

from .conftest import at


def test_approval_emits_the_orders_event_and_the_handler_issues_one_order_per_unit_once(decide, people):
    form = decide("issue", "orange", at(1, 8))
    assert OutboxEvent.objects.filter(topic="response.orders", payload={"form_id": form.pk}).count() == 1
    with time_machine.travel(at(1, 8, 5), tick=False):
        orders_for_form({"form_id": form.pk})
        orders_for_form({"form_id": form.pk})  # a retried event: nothing more
    units = MemberUnit.objects.filter(active=True).count()
    assert units == 33
    assert Order.objects.filter(kind="measures").count() == units
    # §4.2.4: and the three operators are ordered to send the free public SMS.
    assert sorted(Order.objects.filter(kind="public_sms").values_list("unit__slug", flat=True)) == [
        "dianxin",
        "liantong",
        "yidong",
    ]
    assert Order.objects.filter(form=form).values("unit").distinct().count() == units
    response = Response.objects.get(warning=form.warning)
    assert (response.level, response.status) == ("II", "active")
    assert ResponseChange.objects.filter(form=form).count() == 1
    assert AuditEntry.objects.filter(action="response.orders.issue").count() == 1
    # The office's §5.6 clock "notify the member units within 2 hours" is met by the orders.
    assert Deadline.objects.get(key=f"units:form:{form.pk}").met_at == at(1, 8, 5)


def test_each_unit_gets_its_own_measures_and_the_level_in_the_preamble(started):
    jiaoyu = Order.objects.get(response=started, unit__slug="jiaoyu")
    texts = [m["text"] for m in jiaoyu.measures]
    assert "中小学、幼儿园停止室外课程及活动。" in texts
    assert not any("停止国四及以下重型载货车辆" in t for t in texts)
    jiaojing = Order.objects.get(response=started, unit__slug="jiaojing")
    assert any("停止国四及以下重型载货车辆" in m["text"] for m in jiaojing.measures)
    assert "Ⅱ级应急响应" in jiaoyu.preamble and "2 小时内" in jiaoyu.preamble
    # A unit with no measure of its own still receives the order (one per member unit).
    junfenqu = Order.objects.get(response=started, unit__slug="junfenqu")
    assert junfenqu.own_measures == []


def test_each_order_starts_a_two_hour_measures_clock(started):
    order = Order.objects.get(response=started, unit__slug="jiaotong")
    deadline = Deadline.objects.get(key=f"measures:order:{order.pk}")
    assert deadline.kind == "measures" and deadline.unit == order.unit
    assert deadline.started_at == order.issued_at == at(1, 8, 5)
    assert deadline.due_at == at(1, 10, 5)


def test_unit_users_are_notified_of_their_order_after_commit(decide, people, eager, django_capture_on_commit_callbacks):
    form = decide("issue", "yellow", at(1, 8))
    with django_capture_on_commit_callbacks(execute=True):
        orders_for_form({"form_id": form.pk})
    notice = Notification.objects.get(recipient=people["jiaotong"], kind="response.order.issued")
    assert "Ⅲ级" in notice.title
    order = Order.objects.get(form=form, unit__slug="jiaotong")
    assert notice.link == f"/response/orders/{order.pk}/"


def test_upgrade_supersedes_the_orders_and_issues_new_ones_at_the_new_level(started, decide):
    old = Order.objects.get(response=started, unit__slug="jiaotong")
    form = decide("upgrade", "red", at(1, 20))
    with time_machine.travel(at(1, 20, 1), tick=False):
        orders_for_form({"form_id": form.pk})
        orders_for_form({"form_id": form.pk})
    started.refresh_from_db()
    assert started.level == "I" and started.status == "active"
    old.refresh_from_db()
    assert old.status == "superseded" and old.closed_at == at(1, 20, 1)
    new = Order.objects.get(form=form, unit__slug="jiaotong")
    assert new.level == "I" and new.status == "issued"
    assert old.superseded_by == new
    assert Order.objects.filter(response=started, kind="measures").count() == 66  # the old ones are kept
    assert Order.objects.filter(response=started, kind="measures", status__in=Order.OPEN_STATUSES).count() == 33
    # The old clock stops; the new one runs from the new order.
    assert Deadline.objects.get(key=f"measures:order:{old.pk}").cancelled_at == at(1, 20, 1)
    assert Deadline.objects.get(key=f"measures:order:{new.pk}").due_at == at(1, 22, 1)


def test_downgrade_also_supersedes(started, decide):
    form = decide("downgrade", "yellow", at(2, 12))
    with time_machine.travel(at(2, 12, 1), tick=False):
        orders_for_form({"form_id": form.pk})
    started.refresh_from_db()
    assert started.level == "III"
    assert set(Order.objects.filter(response=started, form=form).values_list("level", flat=True)) == {"III"}
    assert not Order.objects.filter(
        response=started, kind="measures", level="II", status__in=Order.OPEN_STATUSES
    ).exists()


def test_lift_closes_the_orders_and_ends_the_response_with_the_closing_notice(
    started, decide, people, eager, django_capture_on_commit_callbacks
):
    form = decide("lift", None, at(3, 15))
    with time_machine.travel(at(3, 15, 2), tick=False), django_capture_on_commit_callbacks(execute=True):
        orders_for_form({"form_id": form.pk})
        orders_for_form({"form_id": form.pk})
    started.refresh_from_db()
    assert started.status == "ended" and started.ended_at == at(3, 15, 2)
    assert "终止响应" in started.closing_notice and "5.7" in started.closing_notice
    assert set(Order.objects.filter(response=started, kind="measures").values_list("status", flat=True)) == {"closed"}
    # §4.2.4: the lift too goes to the public by the operators' free SMS.
    assert Order.objects.filter(form=form, kind="public_sms", status="issued").count() == 3
    assert Deadline.objects.filter(kind="measures", met_at__isnull=True, cancelled_at__isnull=True).count() == 0
    assert AuditEntry.objects.filter(action="response.response.ended").count() == 1
    notice = Notification.objects.get(recipient=people["jiaotong"], kind="response.ended")
    assert "终止响应" in notice.body


def test_an_old_decision_arriving_after_a_newer_one_changes_nothing(decide):
    issue = decide("issue", "orange", at(1, 8))
    upgrade = decide("upgrade", "red", at(1, 20))
    with time_machine.travel(at(1, 21), tick=False):
        orders_for_form({"form_id": upgrade.pk})  # the sweep delivered the upgrade first
        orders_for_form({"form_id": issue.pk})
    response = Response.objects.get(warning=issue.warning)
    assert response.level == "I"
    assert ResponseChange.objects.get(form=issue).skipped is True
    assert not Order.objects.filter(form=issue).exists()


def test_a_form_that_is_not_approved_issues_nothing(people):
    from alerts.services import form_draft

    form = form_draft(
        actor=people["office"], action="issue", level="yellow", basis="b", content="c", effective_at=at(1, 8)
    )
    assert services.response_apply_form(form_id=form.pk) is None
    assert not Order.objects.exists()


def test_acknowledgement_then_confirmation_meets_the_two_hour_clock(started, people):
    order = Order.objects.get(response=started, unit__slug="jiaotong")
    with time_machine.travel(at(1, 8, 20), tick=False):
        services.order_acknowledge(actor=people["jiaotong"], order_id=order.pk)
    order.refresh_from_db()
    assert order.status == "acknowledged" and order.acknowledged_by == people["jiaotong"]
    deadline = Deadline.objects.get(key=f"measures:order:{order.pk}")
    assert deadline.met_at is None  # signing for it is not yet "in place"
    with time_machine.travel(at(1, 9, 50), tick=False):
        services.order_confirm_in_place(actor=people["jiaotong"], order_id=order.pk, note="已通知各运输企业落实")
    order.refresh_from_db()
    deadline.refresh_from_db()
    assert order.status == "in_place" and order.in_place_note == "已通知各运输企业落实"
    assert deadline.met_at == at(1, 9, 50) and deadline.met_at <= deadline.due_at
    entry = AuditEntry.objects.get(action="response.order.in_place")
    assert entry.actor == people["jiaotong"] and entry.data["on_time"] is True
    assert AuditEntry.objects.filter(action="response.order.acknowledged", actor=people["jiaotong"]).exists()


def test_confirmation_after_two_hours_is_recorded_as_late(started, people):
    order = Order.objects.get(response=started, unit__slug="shengtai")
    with time_machine.travel(at(1, 10, 30), tick=False):
        services.order_confirm_in_place(actor=people["shengtai"], order_id=order.pk, note="已落实")
    order.refresh_from_db()
    assert order.acknowledged_at == at(1, 10, 30)  # confirming in place also signs for it
    deadline = Deadline.objects.get(key=f"measures:order:{order.pk}")
    assert deadline.met_at > deadline.due_at
    assert AuditEntry.objects.get(action="response.order.in_place").data["on_time"] is False


def test_a_unit_cannot_acknowledge_another_units_order(started, people):
    order = Order.objects.get(response=started, unit__slug="shengtai")
    with pytest.raises(services.NotYourUnitError):
        services.order_acknowledge(actor=people["jiaotong"], order_id=order.pk)
    with pytest.raises(services.NotYourUnitError):
        services.order_confirm_in_place(actor=people["office"], order_id=order.pk, note="x")
    order.refresh_from_db()
    assert order.acknowledged_at is None


def test_a_superseded_order_can_no_longer_be_confirmed(started, decide, people):
    old = Order.objects.get(response=started, unit__slug="jiaotong")
    form = decide("upgrade", "red", at(1, 20))
    orders_for_form({"form_id": form.pk})
    with pytest.raises(services.ResponseError, match="替代"):
        services.order_confirm_in_place(actor=people["jiaotong"], order_id=old.pk, note="x")


def test_confirmation_needs_a_note(started, people):
    order = Order.objects.get(response=started, unit__slug="jiaotong")
    with pytest.raises(services.ResponseError):
        services.order_confirm_in_place(actor=people["jiaotong"], order_id=order.pk, note="  ")


def test_response_dates_are_local(started):
    assert started.start_date == dt.date(2026, 12, 1)


def test_an_ozone_episode_adds_the_ozone_measures_for_every_unit(decide):
    form = decide("issue", "yellow", at(1, 8))
    form.warning.primary_pollutant = "O3"
    form.warning.save(update_fields=["primary_pollutant"])
    orders_for_form({"form_id": form.pk})
    order = Order.objects.get(form=form, unit__slug="junfenqu")
    assert [m["category"] for m in order.general_measures] == ["ozone"]
    assert "挥发性有机物和氮氧化物" in order.general_measures[0]["text"]
