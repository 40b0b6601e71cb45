"""Effective times (warning-rules.md §12): a decision signed before its effective time is published
at once as announced and comes into force at that time; orders go out at approval naming the
effective start; a lift signed in advance keeps the warning and its response until its effective
end; the public page, CAP and SMS say what is announced and when."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.roles import Role
from alerts import selectors
from alerts.models import Warning
from alerts.services import WarningError, form_approve, form_draft, form_submit, warning_bring_into_force
from audit.models import AuditEntry
from core.models import OutboxEvent
from deadlines import keys as deadline_keys
from deadlines.models import Deadline
from tests.factories import warning_content

SH = ZoneInfo("Asia/Shanghai")
PASSWORD = "correct horse battery"
pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=SH)


@pytest.fixture(autouse=True)
def fast_hasher(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people_cast():
    return ("office", "vice", "commander", "jiaotong")


@pytest.fixture
def sign(people):
    """Draft, submit and sign a decision at ``when`` for ``effective``; returns the form."""

    def _sign(action: str, level: str | None, when: dt.datetime, effective: dt.datetime):
        with time_machine.travel(when, tick=False):
            form = form_draft(
                actor=people["office"],
                action=action,
                level=level,
                basis="会商认为达到条件",
                content="按预案执行",
                effective_at=effective,
                **warning_content(action),
            )
            form_submit(actor=people["office"], form_id=form.pk)
            signer = people["commander"] if form.approver_role == Role.COMMANDER else people["vice"]
            return form_approve(actor=signer, form_id=form.pk, password=PASSWORD)

    return _sign


def publish(form, when):
    from publication.services import publish_form

    with time_machine.travel(when, tick=False):
        publish_form({"form_id": form.pk})


def orders(form, when):
    from response.services import response_apply_form

    with time_machine.travel(when, tick=False):
        return response_apply_form(form_id=form.pk)


def into_force(form, when):
    with time_machine.travel(when, tick=False):
        return warning_bring_into_force(form_id=form.pk)


def public(when):
    from publication.public import public_warning_payload

    with time_machine.travel(when, tick=False):
        return public_warning_payload(refresh=True)


# ----------------------------------------------------------------------------- 1. announced, then in force


def test_issue_signed_a_day_ahead_is_announced_not_in_force(sign):
    form = sign("issue", "orange", at(1, 8), at(2, 8))
    warning = Warning.objects.get(pk=form.warning_id)
    assert warning.status == Warning.Status.ANNOUNCED and warning.pending_form_id == form.pk
    assert warning.level == "none" and selectors.active_level() == "none"
    entry = AuditEntry.objects.get(action="alerts.warning.announced")
    assert entry.actor_id == form.decided_by_id and entry.data["form"] == form.pk
    event = OutboxEvent.objects.get(topic="alerts.warning.effective")
    assert event.payload == {"form_id": form.pk} and event.due_at == at(2, 8)


def test_announced_issue_comes_into_force_at_its_effective_start_once(sign):
    form = sign("issue", "orange", at(1, 8), at(2, 8))
    assert into_force(form, at(2, 7, 59)) is None  # early: nothing yet (the beat job comes back)
    assert selectors.active_level() == "none"
    warning = into_force(form, at(2, 8))
    assert warning.status == Warning.Status.ACTIVE and warning.level == "orange" and warning.pending_form_id is None
    assert selectors.active_level() == "orange"
    entry = AuditEntry.objects.get(action="alerts.warning.issue")
    assert entry.actor_id is None and entry.data["form"] == form.pk
    assert into_force(form, at(2, 9)) is None  # idempotent
    assert AuditEntry.objects.filter(action="alerts.warning.issue").count() == 1


def test_the_beat_brings_due_decisions_into_force(sign):
    from alerts.tasks import bring_into_force

    form = sign("issue", "yellow", at(1, 8), at(2, 8))
    with time_machine.travel(at(2, 7), tick=False):
        assert bring_into_force() == 0
    with time_machine.travel(at(2, 8, 1), tick=False):
        assert bring_into_force() == 1
        assert bring_into_force() == 0
    assert Warning.objects.get(pk=form.warning_id).status == Warning.Status.ACTIVE


def test_upgrade_signed_ahead_keeps_the_level_in_force_until_its_start(sign):
    sign("issue", "yellow", at(1, 8), at(1, 8))
    upgrade = sign("upgrade", "orange", at(1, 20), at(2, 6))
    assert selectors.active_level() == "yellow"
    assert AuditEntry.objects.filter(action="alerts.warning.announced", data__action="upgrade").exists()
    into_force(upgrade, at(2, 6))
    assert selectors.active_level() == "orange"


def test_nothing_else_is_drafted_while_a_decision_waits(sign, people):
    sign("issue", "orange", at(1, 8), at(2, 8))
    with time_machine.travel(at(1, 9), tick=False), pytest.raises(WarningError, match="生效后才能"):
        form_draft(
            actor=people["office"],
            action="issue",
            level="red",
            basis="b",
            content="c",
            effective_at=at(1, 9),
            **warning_content(),
        )


def test_public_page_shows_the_announcement_and_no_warning_in_force(sign):
    from publication.page import page_html

    form = sign("issue", "orange", at(1, 8), at(2, 8))
    publish(form, at(1, 8, 1))
    payload = public(at(1, 9))
    assert payload["level"] == "none"
    assert "将于2026年12月02日08时00分起启动" in payload["announced"]["text"]
    assert payload["announced"]["effective_at"].startswith("2026-12-02T08:00")
    with time_machine.travel(at(1, 9), tick=False):
        html = page_html(refresh=True)
    assert "已发布，待生效" in html and "将于2026年12月02日08时00分起启动" in html
    into_force(form, at(2, 8))
    payload = public(at(2, 9))
    assert payload["level"] == "orange" and payload["announced"] is None
    # In force since its effective start, not since its signature (the announcement).
    assert payload["since"].startswith("2026-12-02T08:00")
    assert payload["this_year"][-1]["from"].startswith("2026-12-02T08:00")


def test_the_draft_page_names_the_signer_a_notice_in_force_calls_for(sign, people, client):
    """§8: with a red regional notice in force, lifting the city's orange goes to the commander,
    and the draft page says so before the office saves (as form_draft routes it)."""
    from alerts.services import provincial_notice_record

    sign("issue", "orange", at(1, 8), at(1, 8))
    client.force_login(people["office"])
    with time_machine.travel(at(1, 10), tick=False):
        page = client.get("/warnings/new/?action=lift").content.decode()
        assert "将报送：<strong>副总指挥</strong>" in page
        provincial_notice_record(
            actor=people["office"],
            scope="region",
            level="red",
            document_number="晋气〔2026〕1号",
            period_start=at(1, 12),
            period_end=None,
            received_at=at(1, 10),
        )
        page = client.get("/warnings/new/?action=lift").content.decode()
        assert "将报送：<strong>总指挥</strong>" in page


# ----------------------------------------------------------------------------- 2. orders at approval


def test_orders_go_out_at_approval_naming_the_effective_start(sign):
    from response.models import Order, Response

    form = sign("issue", "orange", at(1, 20), at(2, 8))
    orders(form, at(1, 20, 1))
    response = Response.objects.get(warning_id=form.warning_id)
    assert response.started_at == at(2, 8)
    order = Order.objects.filter(form=form).first()
    assert order.issued_at == at(1, 20, 1)
    assert "将于 2026-12-02 08:00 起启动" in order.preamble and "2026-12-02 10:00 前" in order.preamble
    assert Deadline.objects.get(key=order.deadline_key).due_at == at(2, 10)
    assert Deadline.objects.get(key=deadline_keys.units_notified(form.pk)).met_at is not None


# ----------------------------------------------------------------------------- 3. a lift signed in advance


@pytest.fixture
def lift_ahead(sign):
    issue = sign("issue", "orange", at(1, 8), at(1, 8))
    publish(issue, at(1, 8, 1))
    orders(issue, at(1, 8, 2))
    lift = sign("lift", None, at(3, 10), at(3, 16))
    publish(lift, at(3, 10, 1))
    return issue, lift


def test_lift_signed_ahead_keeps_the_warning_and_response_until_its_end(lift_ahead):
    from response.models import Order, Response

    issue, lift = lift_ahead
    warning = Warning.objects.get(pk=issue.warning_id)
    assert warning.status == Warning.Status.ACTIVE and warning.level == "orange" and warning.lifted_at is None
    assert selectors.active_level() == "orange"
    assert not OutboxEvent.objects.filter(topic="response.orders", payload={"form_id": lift.pk}).exists()
    assert orders(lift, at(3, 10, 2)) is None  # even when handed the event early: the response goes on
    response = Response.objects.get(warning=warning)
    assert response.status == Response.Status.ACTIVE
    assert Order.objects.filter(form=issue, status__in=Order.OPEN_STATUSES).count() >= 30
    assert not Order.objects.filter(form=issue, status=Order.Status.CLOSED).exists()
    payload = public(at(3, 11))
    assert payload["level"] == "orange"
    assert "将于2026年12月03日16时00分解除" in payload["announced"]["text"]

    into_force(lift, at(3, 16))
    warning.refresh_from_db()
    assert warning.status == Warning.Status.LIFTED and warning.lifted_at == at(3, 16)
    assert OutboxEvent.objects.filter(topic="response.orders", payload={"form_id": lift.pk}).exists()
    orders(lift, at(3, 16))
    response.refresh_from_db()
    assert response.status == Response.Status.ENDED and response.ended_at == at(3, 16)
    closed = Order.objects.filter(form=issue, status=Order.Status.CLOSED)
    assert closed.count() >= 30 and set(closed.values_list("closed_at", flat=True)) == {at(3, 16)}
    assert public(at(3, 17))["level"] == "none"


def test_daily_report_clocks_go_on_until_the_lift_takes_effect(lift_ahead):
    from response.services import daily_deadlines_open

    issue, lift = lift_ahead
    # 00:00 on the 4th: the report on the 3rd is owed (the response ran until 16:00 that day).
    assert daily_deadlines_open(day=dt.date(2026, 12, 4)) > 0


# ----------------------------------------------------------------------------- 4. CAP and SMS


def _info(form):
    from publication.cap import alert_xml

    root = ET.fromstring(alert_xml(form))  # noqa: S314 - our own document, built by the test
    ns = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
    info = root.find("cap:info", ns)
    return {
        tag: (info.find(f"cap:{tag}", ns).text if info.find(f"cap:{tag}", ns) is not None else None)
        for tag in ("effective", "onset", "expires")
    }


def test_cap_of_a_lift_signed_ahead_sets_its_onset_at_the_effective_end(lift_ahead, sign):
    issue, lift = lift_ahead
    lift.refresh_from_db()
    assert _info(lift) == {
        "effective": "2026-12-03T10:00:00+08:00",
        "onset": "2026-12-03T16:00:00+08:00",
        "expires": None,
    }


def test_cap_of_an_issue_signed_ahead(sign):
    form = sign("issue", "orange", at(1, 20), at(2, 8))
    info = _info(form)
    assert info["effective"] == "2026-12-01T20:00:00+08:00" and info["onset"] == "2026-12-02T08:00:00+08:00"
    assert info["expires"] == timezone.localtime(form.episode_end).isoformat()


def test_sms_says_when_a_decision_will_start_or_end(lift_ahead, sign):
    from publication.texts import form_message, sms_text

    issue, lift = lift_ahead
    lift.refresh_from_db()
    assert "将于2026年12月03日16时解除" in sms_text(lift)
    assert "将于" not in sms_text(issue) and "起启动" in sms_text(issue)
    assert "将于" in form_message(lift)


def test_sms_of_an_issue_signed_ahead(sign):
    from publication.texts import sms_text

    form = sign("issue", "orange", at(1, 20), at(2, 8))
    assert "将于2026年12月02日08时起启动" in sms_text(form)
