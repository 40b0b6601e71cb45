"""Provincial and regional notices in the city's decisions (warning-rules.md edition 2 §8), through
the services: routing on the higher level, consent for every decision that leaves the city below a
notice in force (named or not), and the notice's lift recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts import services
from alerts.models import ProvincialNotice
from audit.models import AuditEntry
from tests.factories import warning_content

PASSWORD = "correct horse battery"
CONSENT = "省重污染天气应急指挥部办公室 12 月 6 日 09:10 电话同意本市按橙色响应（经办人：张三）"


@pytest.fixture
def people_cast():
    return ("office", "vice", "commander")


def record_notice(people, level="red") -> ProvincialNotice:
    now = timezone.now()
    return services.provincial_notice_record(
        actor=people["office"],
        scope="region",
        level=level,
        document_number=f"晋重污染〔2026〕{level}号",
        period_start=now,
        period_end=now + dt.timedelta(days=3),
        received_at=now,
    )


def draft(people, action="issue", level="orange", **extra):
    return services.form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **{**warning_content(action), **extra},
    )


def sign(people, form):
    form = services.form_submit(actor=people["office"], form_id=form.pk)
    signer = people["commander"] if form.approver_role == "commander" else people["vice"]
    return services.form_approve(actor=signer, form_id=form.pk, password=PASSWORD)


def test_a_red_regional_notice_answered_at_orange_with_consent_goes_to_the_commander(people):
    notice = record_notice(people, "red")
    form = draft(people, level="orange", provincial_notice=notice, provincial_consent=CONSENT)
    assert form.approver_role == "commander"
    form = services.form_submit(actor=people["office"], form_id=form.pk)
    assert form.approver_role == "commander"
    with pytest.raises(services.NotYourDecisionError):
        services.form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    services.form_approve(actor=people["commander"], form_id=form.pk, password=PASSWORD)
    form.refresh_from_db()
    assert form.status == "approved" and form.warning.level == "orange"


def test_answering_a_red_notice_at_orange_needs_consent(people):
    notice = record_notice(people, "red")
    with pytest.raises(services.WarningError, match="须经省重污染天气应急指挥部办公室同意"):
        draft(people, level="orange", provincial_notice=notice)


def test_under_a_red_notice_a_downgrade_that_does_not_name_it_needs_consent(people):
    record_notice(people, "red")
    sign(people, draft(people, level="red"))
    with pytest.raises(services.WarningError, match="红色预警通知仍在生效"):
        draft(people, action="downgrade", level="yellow")  # names no notice
    form = draft(people, action="downgrade", level="yellow", provincial_consent=CONSENT)
    assert form.approver_role == "commander"


def test_under_a_red_notice_a_lift_naming_it_needs_consent_at_draft_and_at_submit(people):
    notice = record_notice(people, "red")
    sign(people, draft(people, level="red", provincial_notice=notice))
    with pytest.raises(services.WarningError, match="解除预警"):
        draft(people, action="lift", level=None, provincial_notice=notice)
    lift = draft(people, action="lift", level=None, provincial_notice=notice, provincial_consent=CONSENT)
    services.form_update(actor=people["office"], form_id=lift.pk, provincial_consent="")
    with pytest.raises(services.WarningError, match="须经省重污染天气应急指挥部办公室同意"):
        services.form_submit(actor=people["office"], form_id=lift.pk)


def test_once_the_notices_lift_is_recorded_the_city_decides_alone(people):
    notice = record_notice(people, "red")
    sign(people, draft(people, level="red", provincial_notice=notice))
    services.provincial_notice_lift_record(
        actor=people["office"], notice_id=notice.pk, document_number="晋重污染〔2026〕解除1号", lifted_at=timezone.now()
    )
    notice.refresh_from_db()
    assert not notice.in_force and notice.lift_recorded_by == people["office"]
    assert AuditEntry.objects.filter(action="alerts.notice.lifted", target_id=str(notice.pk)).exists()
    form = draft(people, action="downgrade", level="orange")  # no consent needed any more
    assert form.approver_role == "commander"  # red is still involved: the level in force
    with pytest.raises(services.WarningError, match="已于"):
        services.provincial_notice_lift_record(
            actor=people["office"], notice_id=notice.pk, document_number="again", lifted_at=timezone.now()
        )


def test_a_notice_recorded_after_the_submission_stops_the_vice_commanders_signature(people):
    form = draft(people, level="orange")
    form = services.form_submit(actor=people["office"], form_id=form.pk)
    assert form.approver_role == "vice_commander"
    record_notice(people, "red")
    with pytest.raises(services.WarningError, match="须经省重污染天气应急指挥部办公室同意"):
        services.form_approve(actor=people["vice"], form_id=form.pk, password=PASSWORD)
    form.refresh_from_db()
    assert form.status == "submitted"


def test_an_orange_notice_does_not_need_the_commander(people):
    notice = record_notice(people, "orange")
    form = draft(people, level="orange", provincial_notice=notice)
    assert form.approver_role == "vice_commander"


def test_the_notice_page_records_the_lift(client, people):
    notice = record_notice(people, "red")
    client.force_login(people["office"])
    page = client.get("/warnings/notices/").content.decode()
    assert "生效中" in page and f"/warnings/notices/{notice.pk}/lift/" in page
    response = client.post(
        f"/warnings/notices/{notice.pk}/lift/",
        {
            "lift_document_number": "晋重污染〔2026〕解除2号",
            "lifted_at": (timezone.localtime() + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.lift_document_number == "晋重污染〔2026〕解除2号"
    assert "已解除" in client.get("/warnings/notices/").content.decode()
    client.force_login(people["vice"])
    assert client.post(f"/warnings/notices/{notice.pk}/lift/", {}).status_code == 403
