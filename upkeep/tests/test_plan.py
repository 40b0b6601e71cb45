"""The plan's revision clock (预案 9.1.4): the office records situations and decisions; the
dashboard shows the date the next revision is due, red when overdue."""

import re

import pytest
import time_machine

from audit.models import AuditEntry
from upkeep.models import PlanEdition, RevisionDecision, RevisionTrigger

pytestmark = pytest.mark.django_db

BEFORE_DUE = "2026-06-01 10:00 +08:00"
AFTER_DUE = "2026-12-07 10:00 +08:00"


def revision_panel(client) -> str:
    html = client.get("/?panel=revision").content.decode()
    assert 'id="panel-revision"' in html
    return html


def test_the_dashboard_shows_the_2023_plans_revision_date(client, people):
    client.force_login(people["office"])
    with time_machine.travel(BEFORE_DUE, tick=False):
        html = revision_panel(client)
        assert "阳政办发〔2023〕85号" in html and "2026-11-28" in html and "剩余 180 天" in html
        assert "uk-clock-ok" in html
        assert 'id="panel-revision"' in client.get("/").content.decode()
    with time_machine.travel(AFTER_DUE, tick=False):
        html = revision_panel(client)
        assert "uk-clock-overdue" in html and "已逾期 9 天" in html


def test_a_recorded_situation_brings_the_date_forward_until_decided(client, people):
    client.force_login(people["office"])
    with time_machine.travel("2025-03-01 10:00 +08:00", tick=False):
        response = client.post(
            "/upkeep/plan/triggers/new/",
            {"kind": "laws", "occurred_on": "2025-02-20", "note": "《大气污染防治法》修订施行"},
        )
        assert response.status_code == 302
        trigger = RevisionTrigger.objects.get()
        assert trigger.is_open and trigger.recorded_by == people["office"]
        html = revision_panel(client)
        assert "2025-05-21" in html and "因 2025-02-20 发生的修订情形未决而提前" in html
        assert "依据的法律、行政法规、规章等发生变化" in html
        page = client.get("/upkeep/plan/").content.decode()
        assert "未决" in page and "《大气污染防治法》修订施行" in page
    with time_machine.travel("2025-06-01 10:00 +08:00", tick=False):
        assert "uk-clock-overdue" in revision_panel(client)
        response = client.post(
            "/upkeep/plan/decisions/new/",
            {
                "outcome": "not_needed",
                "decided_on": "2025-06-01",
                "reason": "修订内容不涉及本预案",
                "triggers": [trigger.pk],
            },
        )
        assert response.status_code == 302
        trigger.refresh_from_db()
        assert trigger.decision.outcome == RevisionDecision.Outcome.NOT_NEEDED
        html = revision_panel(client)
        assert "2026-11-28" in html and "uk-clock-soon" not in html and "uk-clock-overdue" not in html
    assert AuditEntry.objects.filter(action="upkeep.trigger.recorded", target_id=str(trigger.pk)).exists()
    assert AuditEntry.objects.get(action="upkeep.revision.decided").before == {"open_triggers": [trigger.pk]}


def test_a_revision_issues_a_new_edition_and_restarts_the_three_years(client, people):
    client.force_login(people["office"])
    with time_machine.travel(AFTER_DUE, tick=False):
        client.post("/upkeep/plan/triggers/new/", {"kind": "duties", "occurred_on": "2026-10-01", "note": "机构改革"})
        response = client.post(
            "/upkeep/plan/decisions/new/",
            {
                "outcome": "revised",
                "decided_on": "2026-12-05",
                "reason": "按期修订并吸收机构改革",
                "edition_number": "阳政办发〔2026〕99号",
                "edition_issued_on": "2026-12-05",
            },
        )
        assert response.status_code == 302
        edition = PlanEdition.objects.get()
        assert edition.number == "阳政办发〔2026〕99号"
        assert not RevisionTrigger.objects.filter(decision__isnull=True).exists()
        html = revision_panel(client)
        assert "阳政办发〔2026〕99号" in html and "2029-12-05" in html and "uk-clock-ok" in html
        # the API says the same
        clock = client.get("/api/v1/upkeep/revision/").json()
        assert clock["edition_number"] == "阳政办发〔2026〕99号" and clock["due"] == "2029-12-05"
        assert clock["state"] == "ok" and clock["open_triggers"] == []


def test_a_revision_needs_the_new_editions_number(client, people):
    client.force_login(people["office"])
    response = client.post(
        "/upkeep/plan/decisions/new/",
        {"outcome": "revised", "decided_on": "2026-12-05", "reason": "修订", "edition_issued_on": "2026-12-05"},
    )
    assert response.status_code == 400 and "请填写文号" in response.content.decode()
    assert not RevisionDecision.objects.exists()


def test_no_revision_needed_must_name_the_situations(client, people):
    client.force_login(people["office"])
    response = client.post(
        "/upkeep/plan/decisions/new/", {"outcome": "not_needed", "decided_on": "2026-12-05", "reason": "无需修订"}
    )
    assert response.status_code == 400 and "请选择本决定处理的修订情形" in response.content.decode()


@pytest.mark.parametrize("who", ["vice", "supervisor", "jiaotong"])
def test_only_the_office_records_situations(client, people, who):
    client.force_login(people[who])
    status = client.post(
        "/upkeep/plan/triggers/new/", {"kind": "laws", "occurred_on": "2026-01-01", "note": "x"}
    ).status_code
    assert status == 403 and not RevisionTrigger.objects.exists()


def test_leaders_read_the_clock_units_do_not(client, people):
    client.force_login(people["vice"])
    assert client.get("/upkeep/plan/").status_code == 200
    client.force_login(people["jiaotong"])
    assert client.get("/upkeep/plan/").status_code == 403
    assert client.get("/?panel=revision").status_code == 403
    assert "panel-revision" not in client.get("/").content.decode()


def test_the_situations_are_those_the_plan_lists():
    kinds = dict(RevisionTrigger.Kind.choices)
    assert [str(kinds[k]) for k in ("duties", "laws", "headquarters")] == [
        "应急指挥部及各成员单位职责发生重大调整（预案9.1.4）",
        "依据的法律、行政法规、规章等发生变化（预案9.1.4）",
        "应急指挥部认为应当修订的其他情况（预案9.1.4）",
    ]
    assert re.search(r"预案6", str(kinds["summary"])) and re.search(r"9\.1\.3", str(kinds["drill"]))


def test_a_summary_that_calls_for_a_major_adjustment_is_linked_to_its_situation(client, people, lifted):
    client.force_login(people["office"])
    response = client.post(
        "/upkeep/plan/triggers/new/",
        {
            "kind": "summary",
            "occurred_on": "2026-11-01",
            "note": "总结评估认为减排清单需重大调整",
            "summary": lifted.pk,
        },
    )
    assert response.status_code == 302
    assert RevisionTrigger.objects.get().summary == lifted
    page = client.get("/upkeep/plan/").content.decode()
    assert lifted.warning.number in page and "总结评估认为应急预案需进行重大调整（预案6）" in page


def test_the_clock_reads_in_english(client, people):
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    with time_machine.travel(AFTER_DUE, tick=False):
        html = revision_panel(client)
    assert "Plan revision due" in html and "Next revision due: <strong>2026-11-28</strong>" in html
    assert "9 days overdue" in html and "Plan in force: " in html
