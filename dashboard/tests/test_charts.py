"""The year's chart served with the local ECharts from JSON the view embeds (dashboard/charts.py):
the city's daily AQI with every warning shaded by level."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role

from .dashboard_data import add_daily_records

ZONE = ZoneInfo("Asia/Shanghai")


def embedded(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"#{element_id} missing"
    return json.loads(found.group(1))


def at(year, month, day, hour=0):
    return dt.datetime(year, month, day, hour, tzinfo=ZONE)


@pytest.fixture
def year_2016(make_user):
    """Daily city AQI over 2016 and three warnings: yellow upgraded to orange, a red one crossing
    into 2017, and one of 2015 that must not appear."""
    from alerts.models import ApprovalForm, Warning

    start = dt.date(2016, 1, 1)
    add_daily_records([(start + dt.timedelta(days=k), 60 + (k * 37) % 250) for k in range(366)])
    office = make_user(Role.OFFICE)

    def warning(number, published, lifted, steps):
        w = Warning.objects.create(
            number=number, status=Warning.Status.LIFTED, level="none", published_at=published, lifted_at=lifted
        )
        for action, level, when in steps:
            ApprovalForm.objects.create(
                warning=w,
                action=action,
                from_level="none",
                level=level,
                approver_role="vice_commander",
                effective_at=when,
                basis="依据",
                content="内容",
                drafted_by=office,
                status=ApprovalForm.Status.APPROVED,
                decided_at=when,
            )
        # a form sent back never counts
        ApprovalForm.objects.create(
            warning=w,
            action="upgrade",
            from_level="none",
            level="red",
            approver_role="commander",
            effective_at=published,
            basis="依据",
            content="内容",
            drafted_by=office,
            status=ApprovalForm.Status.REJECTED,
        )
        return w

    warning(
        "2015-1",
        at(2015, 12, 1),
        at(2015, 12, 3),
        [("issue", "yellow", at(2015, 12, 1)), ("lift", "none", at(2015, 12, 3))],
    )
    warning(
        "2016-1",
        at(2016, 1, 10, 8),
        at(2016, 1, 14, 12),
        [
            ("issue", "yellow", at(2016, 1, 10, 8)),
            ("upgrade", "orange", at(2016, 1, 12, 0)),
            ("lift", "none", at(2016, 1, 14, 12)),
        ],
    )
    warning(
        "2016-2",
        at(2016, 12, 30),
        at(2017, 1, 2),
        [("issue", "red", at(2016, 12, 30)), ("lift", "none", at(2017, 1, 2))],
    )


def test_year_chart_shades_every_warning_of_the_year_by_level(client, make_user, year_2016):
    client.force_login(make_user(Role.SUPERVISOR))
    response = client.get("/charts/aqi-year/?year=2016")
    assert response.status_code == 200
    html = response.content.decode()
    data = embedded(html, "aqi-year-data")
    assert data["year"] == 2016 and len(data["days"]) == 366
    assert data["days"][0] == ["2016-01-01", 60]
    bands = [(b["warning"], b["level"], b["start"][:16], b["end"][:16]) for b in data["bands"]]
    assert bands == [
        ("2016-1", "yellow", "2016-01-10T08:00", "2016-01-12T00:00"),
        ("2016-1", "orange", "2016-01-12T00:00", "2016-01-14T12:00"),
        ("2016-2", "red", "2016-12-30T00:00", "2017-01-01T00:00"),  # clipped to the year
    ]
    assert [b["name"] for b in data["bands"]] == ["黄色预警", "橙色预警", "红色预警"]
    assert [t["value"] for t in data["thresholds"]] == [100, 150, 200, 300]
    # the table under the chart names each level in words too, not by colour alone
    assert html.count('class="lvl lvl-') == 3
    assert "vendor/echarts/echarts.min.js" in html and "js/charts.js" in html


def test_year_chart_speaks_english_after_the_switch(client, make_user, year_2016):
    client.force_login(make_user(Role.OFFICE))
    client.cookies["django_language"] = "en"
    data = embedded(client.get("/charts/aqi-year/?year=2016").content.decode(), "aqi-year-data")
    assert [b["name"] for b in data["bands"]][:2] == ["Yellow warning", "Orange warning"]
    assert data["labels"]["series"] == "City daily AQI"
    assert not any(re.search(r"[\u4e00-\u9fff]", t["name"]) for t in data["thresholds"])


def test_year_chart_bands_equal_the_warnings_in_the_database(client, make_user, year_2016):
    from alerts.models import Warning

    client.force_login(make_user(Role.OFFICE))
    data = embedded(client.get("/charts/aqi-year/?year=2016").content.decode(), "aqi-year-data")
    in_year = Warning.objects.filter(published_at__lt=at(2017, 1, 1), lifted_at__gte=at(2016, 1, 1))
    assert sorted({b["warning"] for b in data["bands"]}) == sorted(in_year.values_list("number", flat=True))


def test_year_chart_defaults_to_the_latest_year_with_data_and_refuses_a_bad_year(client, make_user, year_2016):
    client.force_login(make_user(Role.UNIT))
    html = client.get("/charts/aqi-year/").content.decode()
    assert embedded(html, "aqi-year-data")["year"] == 2016
    html = client.get("/charts/aqi-year/?year=abc").content.decode()
    assert "年份应为四位数字" in html


def test_year_without_data_says_so(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    html = client.get(f"/charts/aqi-year/?year={timezone.localdate().year}").content.decode()
    assert "没有全市的空气质量数据" in html and 'id="aqi-year-chart"' not in html


def test_year_chart_is_for_staff_only(client):
    assert client.get("/charts/aqi-year/").status_code == 302
