"""附件6 by year (/reviews/statistics/?year=): every response of the year with its level(s), start,
end and hours, the year's cumulative count and hours, and the same as an Excel workbook. The figures
are those of the per-warning summary table (reviews.selectors, reviews.domain)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from accounts.roles import Role
from alerts.models import Warning
from reviews import selectors

from .helpers import at, december_warning, january_warning, make_warning

pytestmark = pytest.mark.django_db

NOW = "2026-12-21 10:30"


@pytest.fixture
def year_2026():
    """Two lifted responses of 2026 (48 h and 81 h), one still in force, and others that are not
    2026's: one of 2025 (published on New Year's Eve, local time) and one never published."""
    january = january_warning()
    december = december_warning()
    new_year = make_warning("YQ-2026-000", "2026-01-01 00:10", lifted="2026-01-01 06:50")  # 6 h; UTC: still 2025
    eve = make_warning("YQ-2025-009", "2025-12-31 23:30", lifted="2026-01-01 02:00")  # a 2025 response
    active = make_warning(
        "YQ-2026-003", "2026-12-20 08:40", level="orange", changes=(("2026-12-20 20:00", "upgrade", "red"),)
    )
    Warning.objects.create(number="YQ-2026-X", status=Warning.Status.CANCELLED)
    return {"january": january, "december": december, "new_year": new_year, "eve": eve, "active": active}


def statistics(client, user, route="reviews:statistics", **params):
    """The page as of NOW (the session is opened then too: it would have expired by then)."""
    with time_machine.travel(at(NOW), tick=False):
        client.force_login(user)
        return client.get(reverse(route), params)


def test_the_year_lists_each_response_with_levels_times_and_hours(client, make_user, year_2026):
    response = statistics(client, make_user(Role.OFFICE), year=2026)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["warning"].number for row in rows] == ["YQ-2026-000", "YQ-2026-001", "YQ-2026-002", "YQ-2026-003"]
    assert [row["seq"] for row in rows] == [1, 2, 3, 4]
    new_year, january, december, active = rows
    assert (new_year["start_text"], new_year["end_text"], new_year["hours"]) == (
        "2026年01月01日00时",
        "2026年01月01日06时",
        6,
    )
    assert (january["hours"], january["level_label"]) == (48, "Ⅲ级（黄色预警）")
    assert (december["start_text"], december["end_text"], december["hours"]) == (
        "2026年12月01日08时",
        "2026年12月04日17时",
        81,
    )
    assert december["level_label"] == "Ⅱ级（橙色预警）"
    assert [(s["action_label"], s["level"]) for s in december["steps"]] == [("发布", "yellow"), ("升级", "orange")]
    # The response in force: listed with its hours so far, not in the year's totals.
    assert active["ongoing"] and active["end"] is None and active["hours"] == 26  # 12-20 08时 → 12-21 10时
    assert active["level_label"] == "Ⅰ级（红色预警）"
    assert (response.context["count"], response.context["hours"], response.context["ongoing"]) == (3, 6 + 48 + 81, 1)

    page = response.content.decode()
    assert "2026年应急响应统计" in page and "YQ-2025-009" not in page and "YQ-2026-X" not in page
    assert '<dd data-figure="year-count">3 次</dd>' in page
    assert '<dd data-figure="year-hours">135小时（5天15小时）</dd>' in page
    assert "81小时（3天9小时）" in page and "已持续 26小时（1天2小时）" in page and "响应中" in page
    assert "2026年12月02日09时</span> 升级 Ⅱ级（橙色预警）" in page
    assert reverse("reviews:statistics-xlsx") + "?year=2026" in page


def test_the_totals_are_the_summary_tables_figures(client, make_user, year_2026):
    """The year page and the per-warning table (附件6) agree: the last response of the year carries
    the year's cumulative count and hours up to it."""
    response = statistics(client, make_user(Role.SUPERVISOR), year=2026)
    figures = selectors.summary_figures(selectors.warning_for_review(year_2026["december"].pk))
    assert (figures["year_count"], figures["year_hours"]) == (response.context["count"], response.context["hours"])
    for row in response.context["rows"]:
        if not row["ongoing"]:
            single = selectors.summary_figures(selectors.warning_for_review(row["warning"].pk))
            assert (single["start_text"], single["end_text"], single["hours"]) == (
                row["start_text"],
                row["end_text"],
                row["hours"],
            )


def test_another_year_and_the_default_year(client, make_user, year_2026):
    commander = make_user(Role.COMMANDER)
    previous = statistics(client, commander, year=2025)
    assert [row["warning"].number for row in previous.context["rows"]] == ["YQ-2025-009"]
    assert (previous.context["count"], previous.context["hours"]) == (1, 3)  # 23时 → 02时
    current = statistics(client, commander)
    assert current.context["year"] == 2026 and len(current.context["rows"]) == 4
    empty = statistics(client, commander, year=2019)
    assert empty.context["rows"] == [] and "2019年没有启动应急响应。" in empty.content.decode()
    for bad in ("abc", "1999", "20266"):
        assert statistics(client, commander, year=bad).status_code == 404


def test_excel_export_has_the_same_rows_and_totals(client, make_user, year_2026):
    response = statistics(client, make_user(Role.VICE_COMMANDER), "reviews:statistics-xlsx", year=2026)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;") and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "阳泉市2026年重污染天气应急响应统计（附件6）"
    assert values[1] == [
        "序号",
        "预警编号",
        "响应级别（最高）",
        "级别变化",
        "响应开始时间",
        "响应结束时间",
        "持续响应时间（小时）",
        "状态",
    ]
    data = values[2:6]
    assert [row[1] for row in data] == ["YQ-2026-000", "YQ-2026-001", "YQ-2026-002", "YQ-2026-003"]
    december = data[2]
    assert december[2] == "Ⅱ级（橙色预警）"
    assert december[3] == "发布Ⅲ级（黄色预警）（2026年12月01日08时）→升级Ⅱ级（橙色预警）（2026年12月02日09时）"
    assert december[4:8] == [dt.datetime(2026, 12, 1, 8), dt.datetime(2026, 12, 4, 17), 81, "已终止"]
    assert data[3][5] is None and data[3][6] == 26 and data[3][7] == "响应中"
    assert ["年度累计响应次数", 3] == values[7][:2]
    assert ["年度累计响应时间（小时）", 135] == values[8][:2]
    assert values[9][0] == "另有 1 次响应正在进行，未计入年度累计"


@pytest.mark.parametrize("role", [Role.OFFICE, Role.ADMIN, Role.VICE_COMMANDER, Role.COMMANDER, Role.SUPERVISOR])
def test_readers_see_the_statistics(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("reviews:statistics")).status_code == 200
    assert client.get(reverse("reviews:statistics-xlsx")).status_code == 200


@pytest.mark.parametrize("role", [Role.FORECASTER, Role.UNIT, Role.COUNTY])
def test_others_are_refused(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("reviews:statistics")).status_code == 403
    assert client.get(reverse("reviews:statistics-xlsx")).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("reviews:statistics"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_index_links_to_the_statistics(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    page = client.get(reverse("reviews:index")).content.decode()
    assert reverse("reviews:statistics") in page and reverse("reviews:statistics-xlsx") in page


def test_queries_do_not_grow_with_the_responses(client, make_user, django_assert_max_num_queries):
    office = make_user(Role.OFFICE)
    for n in range(1, 6):
        make_warning(f"YQ-2026-1{n:02d}", f"2026-0{n}-10 08:00", lifted=f"2026-0{n}-12 08:00")
    with time_machine.travel(at(NOW), tick=False):
        client.force_login(office)
        with django_assert_max_num_queries(6):
            response = client.get(reverse("reviews:statistics"), {"year": 2026})
    assert response.context["count"] == 5
