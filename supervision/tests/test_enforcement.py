"""Enforcement on a finding (§7.2): a stop of production, a fine (amount, decision number) or a
referral, each ordered → followed up → closed by the supervision group with audit; repeat
offenders flagged on the list, the enterprise's record and the Excel export; the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from alerts.models import Warning
from audit.models import AuditEntry
from command.models import Area
from measures.models import Enterprise, Industry
from response.models import Response
from supervision import selectors, services
from supervision.models import EnforcementAction, Inspection

DAY = dt.date(2026, 12, 3)


def finding(people, *, place="平定县冠山镇", day=DAY, enterprise=None, violation=True, name="某铸造厂"):
    return services.inspection_create(
        actor=people["supervisor"],
        date=day,
        place=place,
        enterprise_name=name,
        enterprise=enterprise,
        county="140321",
        findings="涉气工序未停产",
        violation=violation,
        violation_description="Ⅱ级响应期间未停产" if violation else "",
    )


@pytest.fixture
def enterprise(plan):
    return Enterprise.objects.create(
        name="阳泉某焦化有限公司", area=Area.objects.get(code="140321"), industry=Industry.objects.first(), grade="C"
    )


def test_supervisor_records_a_fine_follows_it_up_and_closes_it(client, people):
    inspection = finding(people)
    client.force_login(people["supervisor"])
    reply = client.post(
        f"/supervision/inspections/{inspection.pk}/enforcement/",
        {"kind": "fine", "fine_amount": "20000", "decision_number": "阳环罚〔2026〕8号", "note": "依法处罚"},
    )
    action = EnforcementAction.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/supervision/enforcement/{action.pk}/"
    assert action.fine_amount == 20000 and action.decision_number == "阳环罚〔2026〕8号" and action.status == "ordered"
    page = client.get(f"/supervision/inspections/{inspection.pk}/").content.decode()
    assert "阳环罚〔2026〕8号" in page and "20000.00" in page
    url = f"/supervision/enforcement/{action.pk}/step/"
    client.post(url, {"step": "close", "note": "跳过跟进"})
    action.refresh_from_db()
    assert action.status == "ordered"  # closing needs a follow-up first
    client.post(url, {"step": "follow_up", "note": "罚款已缴纳"})
    client.post(url, {"step": "close", "note": "已办结"})
    action.refresh_from_db()
    assert (
        action.status == "closed" and action.follow_up_note == "罚款已缴纳" and action.closed_by == people["supervisor"]
    )
    actions = list(
        AuditEntry.objects.filter(target_type="supervision.enforcementaction", target_id=str(action.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.enforcement.ordered",
        "supervision.enforcement.followed_up",
        "supervision.enforcement.closed",
    ]
    assert client.post(url, {"step": "close", "note": "再次"}).status_code == 302  # refused with a message
    assert "该执法措施已办结" in client.get(f"/supervision/enforcement/{action.pk}/").content.decode()


def test_a_fine_needs_amount_and_decision_number_and_a_referral_its_recipient(people):
    inspection = finding(people)
    supervisor = people["supervisor"]
    with pytest.raises(services.SupervisionError, match="金额"):
        services.enforcement_order(actor=supervisor, inspection_id=inspection.pk, kind="fine", decision_number="x")
    with pytest.raises(services.SupervisionError, match="文号"):
        services.enforcement_order(actor=supervisor, inspection_id=inspection.pk, kind="fine", fine_amount="100")
    with pytest.raises(services.SupervisionError, match="金额"):
        services.enforcement_order(
            actor=supervisor, inspection_id=inspection.pk, kind="fine", fine_amount="-5", decision_number="x"
        )
    with pytest.raises(services.SupervisionError, match="移送机关"):
        services.enforcement_order(actor=supervisor, inspection_id=inspection.pk, kind="referral")
    stop = services.enforcement_order(actor=supervisor, inspection_id=inspection.pk, kind="stop", note="责令停产整改")
    referral = services.enforcement_order(
        actor=supervisor, inspection_id=inspection.pk, kind="referral", referred_to="市公安局"
    )
    assert stop.kind == "stop" and referral.referred_to == "市公安局"


def test_no_enforcement_on_an_inspection_without_violation(people):
    clean = finding(people, violation=False)
    with pytest.raises(services.StateError):
        services.enforcement_order(actor=people["supervisor"], inspection_id=clean.pk, kind="stop")


def test_an_inspection_with_enforcement_cannot_be_deleted_or_cleared(people):
    inspection = finding(people)
    services.enforcement_order(actor=people["supervisor"], inspection_id=inspection.pk, kind="stop")
    with pytest.raises(services.StateError):
        services.inspection_delete(actor=people["supervisor"], inspection_id=inspection.pk)
    with pytest.raises(services.StateError):
        services.inspection_update(actor=people["supervisor"], inspection_id=inspection.pk, violation=False)
    assert Inspection.objects.filter(pk=inspection.pk, violation=True).exists()


@pytest.mark.parametrize("who", ["office", "vice", "unit", "county"])
def test_only_the_supervision_group_orders_enforcement(client, people, who):
    inspection = finding(people)
    action = services.enforcement_order(actor=people["supervisor"], inspection_id=inspection.pk, kind="stop")
    client.force_login(people[who])
    assert client.post(f"/supervision/inspections/{inspection.pk}/enforcement/", {"kind": "stop"}).status_code == 403
    assert (
        client.post(f"/supervision/enforcement/{action.pk}/step/", {"step": "follow_up", "note": "x"}).status_code
        == 403
    )
    assert client.post("/api/v1/enforcement-actions/", {"inspection": inspection.pk, "kind": "stop"}).status_code == 403
    with pytest.raises(services.NotAllowedError):
        services.enforcement_follow_up(actor=people[who], action_id=action.pk, note="x")
    reads = client.get("/supervision/enforcement/").status_code
    assert reads == (200 if who in ("office", "vice") else 403)
    assert EnforcementAction.objects.get().status == "ordered"


def test_the_same_enterprise_found_again_in_a_season_is_flagged(client, people, enterprise):
    first = finding(people, enterprise=enterprise, day=dt.date(2025, 11, 10))
    again = finding(people, enterprise=enterprise, day=dt.date(2026, 1, 8), place="另一车间")
    elsewhere = finding(people, name="某砖厂", place="盂县", day=dt.date(2025, 12, 1))
    next_season = finding(people, name="某砖厂", place="盂县", day=dt.date(2026, 11, 20))
    client.force_login(people["office"])
    html = client.get("/supervision/inspections/").content.decode()
    assert html.count("badge repeat-offender") == 2
    only = client.get("/supervision/inspections/?repeat=1").context["page"].object_list
    assert {i.pk for i in only} == {first.pk, again.pk}
    record = client.get(f"/supervision/enterprises/{enterprise.pk}/")
    assert (
        record.status_code == 200 and "屡查屡犯" in record.content.decode() and "2025-2026" in record.content.decode()
    )
    assert "屡查屡犯" in client.get(f"/supervision/inspections/{again.pk}/").content.decode()
    assert 'role="note"' not in client.get(f"/supervision/inspections/{elsewhere.pk}/").content.decode()
    assert next_season.pk not in {i.pk for i in only}


def test_the_same_site_found_again_in_one_response_is_flagged(people, settings):
    settings.HEATING_SEASON = "11-15:03-15"  # the setting decides the season; June is out of it

    a = finding(people, name="", place="城区某工地", day=dt.date(2026, 6, 1))
    b = finding(people, name="", place="城区 某工地", day=dt.date(2026, 6, 2))
    assert selectors.repeat_inspection_ids() == set()  # out of season, no response
    warning = Warning.objects.create(number="阳泉重污染预警〔测试〕第1号", status=Warning.Status.ACTIVE, level="yellow")
    response = Response.objects.create(warning=warning, level="III", started_at=timezone.now())
    Inspection.objects.filter(pk__in=[a.pk, b.pk]).update(response=response)
    assert selectors.repeat_inspection_ids() == {a.pk, b.pk}


def test_excel_export_carries_the_flags_and_the_fines(client, people, enterprise):
    first = finding(people, enterprise=enterprise, day=dt.date(2026, 12, 1))
    finding(people, enterprise=enterprise, day=dt.date(2026, 12, 2))
    services.enforcement_order(
        actor=people["supervisor"], inspection_id=first.pk, kind="fine", fine_amount="3000.5", decision_number="=1+1"
    )
    client.force_login(people["office"])
    reply = client.get("/supervision/inspections/export.xlsx?violation=1")
    assert reply.status_code == 200 and reply["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(reply.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    header, body = rows[0], rows[1:]
    assert header[5] == "屡查屡犯" and len(body) == 2
    by_date = {row[0].date(): row for row in body}
    fined = by_date[dt.date(2026, 12, 1)]
    assert fined[5] == "是" and fined[9] == 1 and fined[10] == 3000.5 and fined[11] == "'=1+1"


def test_enforcement_api_orders_lists_and_steps(client, people):
    inspection = finding(people)
    client.force_login(people["supervisor"])
    created = client.post(
        "/api/v1/enforcement-actions/",
        {"inspection": inspection.pk, "kind": "fine", "fine_amount": "800.00", "decision_number": "阳环罚〔2026〕9号"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["kind"] == "fine" and body["fine_amount"] == "800.00" and body["status"] == "ordered"
    step = f"/api/v1/enforcement-actions/{body['id']}/step/"
    refused = client.post(step, {"step": "close", "note": "x"}, content_type="application/json")
    assert refused.status_code == 409 and "跟进" in refused.json()["detail"]
    done = client.post(step, {"step": "follow_up", "note": "已缴纳"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "followed_up"
    bad = client.post(
        "/api/v1/enforcement-actions/",
        {"inspection": inspection.pk, "kind": "referral"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "移送机关" in bad.json()["detail"]
    client.force_login(people["office"])
    listed = client.get("/api/v1/enforcement-actions/?kind=fine").json()
    assert [a["decision_number"] for a in listed] == ["阳环罚〔2026〕9号"]


def test_the_registry_list_flags_a_repeat_offender(client, people, enterprise):
    finding(people, enterprise=enterprise, day=dt.date(2025, 12, 1))
    client.force_login(people["office"])
    assert "badge repeat-offender" not in client.get("/measures/enterprises/").content.decode()
    finding(people, enterprise=enterprise, day=dt.date(2025, 12, 9))
    html = client.get("/measures/enterprises/").content.decode()
    assert f'href="/supervision/enterprises/{enterprise.pk}/"' in html and "屡查屡犯" in html
