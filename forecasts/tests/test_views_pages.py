"""The forecast page (预报预警), the evaluations pages and their read-only API."""

from __future__ import annotations

import json
import re

import pytest

from accounts.roles import STAFF, Role
from forecasts import services
from forecasts.models import Evaluation
from forecasts.tests.test_services_evaluations import SAMPLES, hourly_csv, store_file

ROLES = [None, *Role.values]
CHART_SCRIPT = re.compile(r'<script id="forecast-chart-data" type="application/json">(.*?)</script>', re.S)


def chart_of(response) -> dict:
    match = CHART_SCRIPT.search(response.content.decode())
    assert match, "the page embeds its chart data"
    return json.loads(match.group(1))


def day_row(html: str, day: str) -> str:
    match = re.search(rf"<tr>\s*<td class=\"nowrap\">{day}</td>(.*?)</tr>", html, re.S)
    assert match, f"no row for {day}"
    return match.group(1)


@pytest.fixture
def sample(plan):
    return store_file(SAMPLES / "hourly-aqi.csv")


@pytest.fixture
def evaluation(sample, django_capture_on_commit_callbacks) -> Evaluation:
    with django_capture_on_commit_callbacks(execute=True):
        return services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=sample)


# --------------------------------------------------------------------------- who may open what


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("url", ["/forecasts/", "/forecasts/?area=140321", "/forecasts/evaluations/"])
def test_forecast_pages_are_for_staff(role, url, client, make_user, evaluation):
    if role is not None:
        client.force_login(make_user(role))
    response = client.get(url)
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert role in STAFF
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_evaluation_detail_and_download_for_staff(role, client, make_user, evaluation):
    if role is not None:
        client.force_login(make_user(role))
    detail = client.get(f"/forecasts/evaluations/{evaluation.pk}/")
    download = client.get(f"/forecasts/evaluations/{evaluation.pk}/json/")
    if role is None:
        assert detail.status_code == download.status_code == 302
    else:
        assert detail.status_code == download.status_code == 200


def test_menu_shows_forecasts_to_staff_and_consultations_to_participants(client, make_user):
    client.force_login(make_user(Role.UNIT))
    html = client.get("/forecasts/").content.decode()
    assert 'href="/forecasts/"' in html and "预报预警" in html
    assert 'href="/forecasts/consultations/"' not in html
    client.force_login(make_user(Role.FORECASTER))
    html = client.get("/forecasts/").content.decode()
    assert 'href="/forecasts/consultations/"' in html


# --------------------------------------------------------------------------- the chart


def test_chart_has_the_samples_series_windows_thresholds_and_highlights(client, make_user, sample):
    client.force_login(make_user(Role.COMMANDER))
    response = client.get("/forecasts/?area=140300")
    assert response.status_code == 200
    chart = chart_of(response)

    hours = chart["hours"]
    assert hours[0] == "2025-02-03T06:00:00+08:00" and hours[-1] == "2025-02-06T17:00:00+08:00"
    assert len(hours) == len(chart["forecast"]) == len(chart["observed"]) == len(chart["window"]) == 84
    at = hours.index
    assert chart["forecast"][at("2025-02-03T11:00:00+08:00")] == 90
    assert chart["forecast"][at("2025-02-03T12:00:00+08:00")] == 170
    assert chart["forecast"][at("2025-02-05T12:00:00+08:00")] == 95
    assert chart["observed"] == [None] * 84  # the sample is all forecast
    # The 24-hour indicator per window start (warning-rules.md §2).
    assert chart["window"][at("2025-02-03T12:00:00+08:00")] == 170
    assert chart["window"][at("2025-02-04T12:00:00+08:00")] == 170
    assert chart["window"][at("2025-02-05T00:00:00+08:00")] == 132.5
    assert chart["window"][-1] is None  # fewer than 20 hours left
    assert [t["value"] for t in chart["thresholds"]] == [100, 150, 200, 300]
    assert [t["name"] for t in chart["thresholds"]] == ["轻度污染", "中度污染", "重度污染", "严重污染"]
    # The windows that decided the yellow level (the process from 2025-02-03 12:00).
    assert chart["level"] == "yellow"
    assert [(w["start"], w["end"], w["value"], w["level"]) for w in chart["highlights"]] == [
        ("2025-02-03T12:00:00+08:00", "2025-02-04T11:00:00+08:00", 170, "yellow"),
        ("2025-02-04T12:00:00+08:00", "2025-02-05T11:00:00+08:00", 170, "yellow"),
    ]
    assert chart["processes"] == [
        {"level": "yellow", "start": "2025-02-03T12:00:00+08:00", "end": "2025-02-05T11:00:00+08:00", "peak_aqi": 170}
    ]
    html = response.content.decode()
    assert "vendor/echarts/echarts.min.js" in html and "js/forecast_chart.js" in html
    assert 'id="forecast-chart"' in html


def test_observations_and_forecasts_are_separate_series(client, make_user, sample):
    store_file(hourly_csv("2025-02-03 00:00", [60, 62, 64, 66, 68, 70, 999], kind="observed"), "observed.csv")
    client.force_login(make_user(Role.OFFICE))
    chart = chart_of(client.get("/forecasts/"))
    hours = chart["hours"]
    assert hours[0] == "2025-02-03T00:00:00+08:00"
    assert chart["observed"][:6] == [60, 62, 64, 66, 68, 70]
    assert chart["forecast"][:6] == [None] * 6
    # An observation beats the forecast of the same hour.
    six = hours.index("2025-02-03T06:00:00+08:00")
    assert (chart["observed"][six], chart["forecast"][six]) == (999, None)
    assert chart["forecast"][six + 1] == 90 and chart["observed"][six + 1] is None


def test_range_form_limits_the_hours(client, make_user, sample):
    client.force_login(make_user(Role.OFFICE))
    chart = chart_of(client.get("/forecasts/?area=140300&start=2025-02-04&end=2025-02-04"))
    assert chart["hours"][0] == "2025-02-04T00:00:00+08:00"
    assert chart["hours"][-1] == "2025-02-04T23:00:00+08:00"
    assert set(chart["forecast"]) == {170}


def test_bad_range_is_refused_in_chinese(client, make_user, sample):
    client.force_login(make_user(Role.OFFICE))
    html = client.get("/forecasts/?start=2025-02-06&end=2025-02-01").content.decode()
    assert "结束日期不能早于开始日期" in html
    assert "forecast-chart-data" not in html
    html = client.get("/forecasts/?start=2025-02-31").content.decode()
    assert "请输入有效的日期" in html
    html = client.get("/forecasts/?area=999999").content.decode()
    assert "未知的区域" in html


# --------------------------------------------------------------------------- days, SO2, evaluations


def test_day_table_cells_take_the_hj633_category_colours(client, make_user, sample):
    client.force_login(make_user(Role.VICE_COMMANDER))
    html = client.get("/forecasts/").content.decode()
    full_day = day_row(html, "2025-02-04")
    assert "background:#FF0000" in full_day and ">170<" in full_day and "中度污染" in full_day and "PM2.5" in full_day
    mixed_day = day_row(html, "2025-02-05")  # 12 hours at 170, 12 at 95: 132.5 → 133
    assert "background:#FF7E00" in mixed_day and ">133<" in mixed_day and "轻度污染" in mixed_day
    short_day = day_row(html, "2025-02-03")  # 18 hours: no daily value (GB 3095: 20 needed)
    assert "数据不足（18 小时）" in short_day and "background:" not in short_day


def test_daily_ranges_are_shown_as_ranges(client, make_user, plan):
    store_file(SAMPLES / "daily-ranges-gbk.csv")
    client.force_login(make_user(Role.OFFICE))
    response = client.get("/forecasts/")
    html = response.content.decode()
    row = day_row(html, "2025-01-12")
    assert "200–260" in row and "background:#99004C" in row and "重度污染" in row
    assert chart_of(response)["level"] == "orange"


def test_so2_alerts_of_an_area_are_listed(client, make_user, plan):
    store_file(SAMPLES / "county-so2.csv")
    client.force_login(make_user(Role.COUNTY))
    html = client.get("/forecasts/?area=140321").content.decode()
    section = html[html.index("二氧化硫小时浓度预警") :]
    assert "平定县" in section
    assert "2025-01-20 02:00" in section and "2025-01-20 05:00" in section and ">210<" in section


def test_latest_evaluation_and_evaluations_over_time(client, make_user, evaluation):
    client.force_login(make_user(Role.SUPERVISOR))
    html = client.get("/forecasts/").content.decode()
    latest = html[html.index("最新预警评估") :]
    assert "黄色预警" in latest and "发布" in latest and "副总指挥" in latest
    assert "黄色预警条件成立：自 2025-02-03 12:00 起连续 2 个 24 小时窗口 AQI 均 &gt; 150" in latest
    assert f'href="/forecasts/evaluations/{evaluation.pk}/"' in latest


def test_empty_database_shows_the_way_to_the_import_page(client, make_user, plan):
    client.force_login(make_user(Role.OFFICE))
    response = client.get("/forecasts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "还没有预报或监测数据" in html
    assert 'href="/forecasts/imports/"' in html
    assert "forecast-chart-data" not in html and "echarts.min.js" not in html


def test_forecast_page_query_count_is_bounded(client, make_user, evaluation, django_assert_max_num_queries):
    store_file(SAMPLES / "county-so2.csv")
    for _ in range(5):
        services.evaluation_run(trigger=Evaluation.Trigger.MANUAL)
    client.force_login(make_user(Role.OFFICE))
    with django_assert_max_num_queries(10):
        response = client.get("/forecasts/")
    assert response.status_code == 200


def test_evaluation_list_and_detail(client, make_user, evaluation):
    client.force_login(make_user(Role.UNIT))
    html = client.get("/forecasts/evaluations/").content.decode()
    assert "数据导入" in html and "黄色预警" in html and "副总指挥" in html and "2025-02-02 12:00" in html
    html = client.get(f"/forecasts/evaluations/{evaluation.pk}/").content.decode()
    assert "2025-02-03 12:00 – 2025-02-04 11:00" in html
    assert "AQI &gt; 150 持续 48 小时" in html
    assert "不成立" in html  # no ozone prompt
    # A unit does not take part in consultations: no link it could not open.
    assert "/forecasts/consultations/" not in html


def test_evaluation_json_download(client, make_user, evaluation):
    client.force_login(make_user(Role.OFFICE))
    response = client.get(f"/forecasts/evaluations/{evaluation.pk}/json/")
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith(f'attachment; filename="evaluation-{evaluation.pk}-')
    assert json.loads(response.content) == evaluation.result


def test_unknown_evaluation_is_404(client, make_user, plan):
    client.force_login(make_user(Role.OFFICE))
    assert client.get("/forecasts/evaluations/999999/").status_code == 404


# --------------------------------------------------------------------------- API


def test_api_evaluations(client, make_user, evaluation):
    assert client.get("/api/v1/forecasts/evaluations/").status_code in (401, 403)
    client.force_login(make_user(Role.COUNTY))
    listing = client.get("/api/v1/forecasts/evaluations/").json()
    assert listing["count"] == 1
    row = listing["results"][0]
    assert (row["id"], row["level"], row["recommendation"], row["approver"]) == (
        evaluation.pk,
        "yellow",
        "issue",
        "vice_commander",
    )
    assert "result" not in row
    detail = client.get(f"/api/v1/forecasts/evaluations/{evaluation.pk}/").json()
    assert detail["result"]["processes"][0]["start"] == "2025-02-03T12:00:00+08:00"
    assert client.post("/api/v1/forecasts/evaluations/", {}).status_code in (403, 405)


def test_api_series_returns_the_chart_json(client, make_user, sample):
    client.force_login(make_user(Role.FORECASTER))
    data = client.get("/api/v1/forecasts/series/?area=140300&start=2025-02-03&end=2025-02-06").json()
    assert data["area"] == {"code": "140300", "name": "阳泉市"}
    assert (data["start"], data["end"], data["empty"]) == ("2025-02-03", "2025-02-06", False)
    assert data["hours"][0] == "2025-02-03T06:00:00+08:00"
    assert data["forecast"][6] == 170 and data["window"][6] == 170
    assert [t["value"] for t in data["thresholds"]] == [100, 150, 200, 300]
    assert [w["start"] for w in data["highlights"]] == ["2025-02-03T12:00:00+08:00", "2025-02-04T12:00:00+08:00"]
    bad = client.get("/api/v1/forecasts/series/?start=2025-02-06&end=2025-02-01")
    assert bad.status_code == 400 and "结束日期不能早于开始日期" in bad.json()["errors"]["end"][0]
    empty = client.get("/api/v1/forecasts/series/?area=kfq").json()
    assert empty["empty"] is True and empty["hours"] == []
