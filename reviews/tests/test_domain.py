"""reviews.domain: hours to the hour (附件6 备注), yearly totals, AQI around a response."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from reviews import domain

TZ = ZoneInfo("Asia/Shanghai")


def t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_duration_runs_from_the_hour_of_publication_to_the_hour_of_lifting():
    assert domain.hours_between(t("2026-12-01 08:20"), t("2026-12-04 17:40")) == 81
    assert domain.hours_between(t("2026-12-01 08:59"), t("2026-12-01 09:00")) == 1
    assert domain.hours_between(t("2026-12-01 08:00"), t("2026-12-01 08:59")) == 0


def test_times_are_written_to_the_hour():
    assert domain.hour_text(t("2026-12-01 08:20")) == "2026年12月01日08时"
    assert domain.duration_text(81) == "81小时（3天9小时）"
    assert domain.duration_text(48) == "48小时（2天）"
    assert domain.duration_text(5) == "5小时"


def test_level_labels_pair_warning_and_response_levels():
    assert domain.level_label("yellow") == "Ⅲ级（黄色预警）"
    assert domain.level_label("red") == "Ⅰ级（红色预警）"
    steps = [
        domain.LevelStep(t("2026-12-01 08:00"), "issue", "none", "yellow"),
        domain.LevelStep(t("2026-12-02 09:00"), "upgrade", "yellow", "orange"),
        domain.LevelStep(t("2026-12-03 09:00"), "downgrade", "orange", "yellow"),
    ]
    assert domain.highest_level(steps) == "orange"
    assert domain.highest_level([]) == "none"


def test_year_totals_count_responses_of_the_year_up_to_this_one():
    jan = domain.Episode(t("2026-01-10 10:30"), t("2026-01-12 10:05"), ())
    dec = domain.Episode(t("2026-12-01 08:20"), t("2026-12-04 17:40"), ())
    last_year = domain.Episode(t("2025-12-30 08:00"), t("2026-01-02 08:00"), ())
    open_one = domain.Episode(t("2026-02-01 08:00"), None, ())
    episodes = [jan, dec, last_year, open_one]
    assert domain.year_totals(episodes, year=2026, upto=dec.start) == (2, 48 + 81)
    assert domain.year_totals(episodes, year=2026, upto=jan.start) == (1, 48)
    assert domain.year_totals(episodes, year=2025, upto=last_year.start) == (1, 72)


def test_aqi_windows_are_72_hours_before_during_and_72_hours_after():
    hours = pd.date_range("2026-11-28 08:00", "2026-12-07 17:00", freq="h", tz="Asia/Shanghai")
    values = [
        80.0
        if h < pd.Timestamp("2026-12-01 08:00", tz=TZ)
        else 220.0
        if h < pd.Timestamp("2026-12-04 17:00", tz=TZ)
        else 60.0
        for h in hours
    ]
    aqi = pd.Series(values, index=hours)
    before, during, after = domain.aqi_windows(aqi, start=t("2026-12-01 08:20"), end=t("2026-12-04 17:40"))
    assert (before.mean, before.hours) == (80.0, 72)
    assert (during.mean, during.hours) == (220.0, 81)
    assert (after.mean, after.hours) == (60.0, 72)
    text = domain.evaluation_text(
        warning_number="YQ-1",
        level="orange",
        start=t("2026-12-01 08:20"),
        end=t("2026-12-04 17:40"),
        windows=[before, during, after],
        reduction_lines=[],
    )
    assert "响应期间AQI均值较响应前上升175%" in text
    assert "响应结束后72小时AQI均值较响应期间下降72.7%" in text


def test_city_series_falls_back_to_the_mean_of_the_areas():
    index = pd.date_range("2026-12-01", periods=2, freq="h", tz="Asia/Shanghai")
    series = {
        "140302": pd.DataFrame({"aqi": [100.0, 200.0]}, index=index),
        "140303": pd.DataFrame({"aqi": [300.0, None]}, index=index),
    }
    assert domain.hourly_aqi(series, city_code="140300").tolist() == [200.0, 200.0]
    series["140300"] = pd.DataFrame({"aqi": [50.0, 60.0]}, index=index)
    assert domain.hourly_aqi(series, city_code="140300").tolist() == [50.0, 60.0]
