"""The warning classifier (warning-rules.md §2–§8), on small frames built here and on the samples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecasts.domain.areas import resolve_area
from forecasts.domain.readers import normalise_frame, read_file
from forecasts.domain.rules import (
    LEVEL_RULES,
    Runs,
    approver_for,
    evaluate,
    find_processes,
    lift_start,
    normalise_level,
    recommend,
    situation,
)
from forecasts.domain.series import build_series, window_values

TZ = "Asia/Shanghai"
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def iso(text: str) -> str:
    return ts(text).isoformat()


def _column(value, n):
    if isinstance(value, list | tuple | np.ndarray):
        assert len(value) == n
        return list(value)
    return [value] * n


def hourly(values, start="2025-01-10 00:00", area="阳泉市", **columns) -> pd.DataFrame:
    """A canonical frame of hourly rows, one per value (None = no row for that hour)."""
    times = pd.date_range(ts(start), periods=len(values), freq="h")
    return _frame(values, times, "hour", area, columns)


def daily(values, start="2025-01-10", area="阳泉市", **columns) -> pd.DataFrame:
    times = pd.date_range(ts(start), periods=len(values), freq="D")
    return _frame(values, times, "day", area, columns)


def _frame(values, times, period, area, columns) -> pd.DataFrame:
    n = len(values)
    resolved = resolve_area(area)
    data = {
        "area_code": resolved.code,
        "area_name": resolved.name,
        "time": list(times),
        "period": period,
        "aqi": list(values),
        "kind": columns.pop("kind", "forecast"),
        "row": list(range(2, n + 2)),
    }
    data.update(columns)
    frame = pd.DataFrame({key: _column(value, n) for key, value in data.items()})
    keep = frame["aqi"].notna()
    for key in ("pm25", "pm10", "so2", "aqi_high"):
        if key in frame:
            keep |= frame[key].notna()
    return normalise_frame(frame[keep])


def runs(*parts: tuple[float | None, int]) -> list[float | None]:
    """[(value, hours), ...] → hourly values."""
    values: list[float | None] = []
    for value, hours in parts:
        values.extend([value] * hours)
    return values


def city_series(frame: pd.DataFrame) -> pd.DataFrame:
    return build_series(frame)["140300"]


# --------------------------------------------------------------------------- samples


def _expected() -> dict:
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(_expected()))
def test_every_sample_gives_its_expected_outcome(name):
    expected = _expected()[name]
    result = read_file(SAMPLES / name)
    assert result.ok, result.errors
    got = evaluate(result)
    for key, want in expected.items():
        if isinstance(want, list):
            assert len(got[key]) == len(want), (key, got[key])
            for got_item, want_item in zip(got[key], want, strict=True):
                assert {k: got_item[k] for k in want_item} == want_item, key
        else:
            assert got[key] == want, key


def test_evaluate_output_has_every_key_of_the_interface():
    got = evaluate(read_file(SAMPLES / "daily-ranges-gbk.csv"))
    for key in (
        "level",
        "response_level",
        "processes",
        "ozone_prompt",
        "so2_alerts",
        "issue_by",
        "urgent",
        "recommendation",
        "approver",
        "reasons",
    ):
        assert key in got
    process = got["processes"][0]
    assert set(process) >= {"level", "start", "end", "peak_aqi"}
    assert process["end"] == "2025-01-13T23:00:00+08:00"
    assert process["peak_aqi"] == 260 and isinstance(process["peak_aqi"], int)
    json.dumps(got, ensure_ascii=False)  # serialisable as is
    assert any("橙色预警条件成立" in r and "190、230、260" in r for r in got["reasons"])
    assert [w["value"] for w in process["windows"]] == [190, 230, 260]


# --------------------------------------------------------------------------- §2 windows


def test_window_crossing_midnight_decides_the_level():
    # 12 h at 90, 24 h at 250, 12 h at 90: windows of any start hour, on the whole series (§2).
    # 12:00 → 11:00 next day is 24 hours at 250. Windows from 05:00 (7 clean hours, 17 at 250:
    # 203.3) hold too: the clean hours at the edges count; the run shown as deciding is the one
    # from the process's first hour.
    frame = hourly(runs((90, 12), (250, 24), (90, 12)))
    got = evaluate(frame)
    assert got["level"] == "yellow"
    assert got["processes"][0]["start"] == iso("2025-01-10 12:00")
    one_day = [w for w in got["processes"][0]["windows"] if w["rule"] == "AQI > 200 持续 24 小时"]
    assert one_day == [
        {
            "start": iso("2025-01-10 12:00"),
            "end": iso("2025-01-11 11:00"),
            "value": 250,
            "rule": "AQI > 200 持续 24 小时",
        }
    ]
    windows = window_values(city_series(frame))
    assert windows.loc[ts("2025-01-10 05:00"), "value"] == pytest.approx((7 * 90 + 17 * 250) / 24)
    assert windows.loc[ts("2025-01-10 04:00"), "value"] < 200
    assert "2025-01-10 12:00 起的 24 小时窗口 AQI > 200（250）" in " ".join(got["reasons"])


@pytest.mark.parametrize(("hours", "level"), [(19, "none"), (20, "yellow"), (23, "yellow")])
def test_window_needs_20_hours_of_data(hours, level):
    assert evaluate(hourly([250] * hours))["level"] == level


def test_window_with_missing_hours_is_the_mean_of_the_hours_present():
    values = runs((300, 10), (None, 4), (100, 10))
    windows = window_values(city_series(hourly(values)))
    first = windows.loc[ts("2025-01-10 00:00")]
    assert first["hours"] == 20
    assert first["value"] == pytest.approx(200)
    assert windows["hours"].max() == 20


def test_concentration_windows_use_the_aqi_of_mean_concentrations():
    # PM2.5 24-hour mean 160 µg/m³ → IAQI 210 (HJ 633—2012): 200 + 100 × 10 / 100.
    pm25 = [120.0] * 12 + [200.0] * 12
    frame = hourly([None] * 24, pm25=pm25, pm10=[100.0] * 24)
    windows = window_values(city_series(frame))
    window = windows.loc[ts("2025-01-10 00:00")]
    assert window["mode"] == "concentration"
    assert window["value"] == 210
    assert window["primary_pollutant"] == "PM2.5"
    # The mean of the hourly AQIs would be different: concentrations are averaged first.
    assert evaluate(frame)["level"] == "yellow"


def test_concentration_windows_use_the_edition_in_force_at_the_window_end():
    # PM2.5 70 µg/m³: IAQI 94 by HJ 633—2012, 110 by HJ 633—2026 (in force 2026-03-01 00:00).
    frame = hourly([None] * 48, start="2026-02-27 01:00", pm25=[70.0] * 48, pm10=[50.0] * 48)
    windows = window_values(city_series(frame))
    assert windows.loc[ts("2026-02-27 01:00"), "value"] == 94  # ends 2026-02-28 00:00
    assert windows.loc[ts("2026-02-28 00:00"), "value"] == 94  # ends 2026-02-28 23:00
    assert windows.loc[ts("2026-02-28 01:00"), "value"] == 110  # ends 2026-03-01 00:00


def test_ozone_8_hour_mean_makes_a_window_ozone_primary():
    # O3 hourly 250 → 8-hour mean 250 → IAQI 185 (2012), above PM2.5 IAQI: an ozone window.
    frame = hourly([None] * 48, pm25=[20.0] * 48, pm10=[30.0] * 48, o3=[250.0] * 48)
    windows = window_values(city_series(frame))
    window = windows.loc[ts("2025-01-10 00:00")]
    assert window["value"] == 185
    assert window["primary_pollutant"] == "O3"
    assert window["family"] == "ozone"
    got = evaluate(frame)
    assert got["level"] == "none"
    assert got["ozone_prompt"] is True


def test_window_primary_pollutant_is_the_most_frequent_with_pm25_winning_ties():
    mostly_o3 = hourly([180] * 24, primary_pollutant=["O3"] * 13 + ["PM2.5"] * 11)
    tie = hourly([180] * 24, primary_pollutant=["O3"] * 12 + ["PM2.5"] * 12)
    unnamed = hourly([180] * 24)
    assert window_values(city_series(mostly_o3)).iloc[23]["primary_pollutant"] == "O3"
    assert window_values(city_series(tie)).iloc[23]["primary_pollutant"] == "PM2.5"
    assert window_values(city_series(unnamed)).iloc[23]["primary_pollutant"] == "PM2.5"


def test_daily_rows_are_their_own_windows_only():
    frame = daily([140, 260, 140])
    windows = window_values(city_series(frame))
    valued = windows[windows["value"].notna()]
    assert list(valued.index) == [ts("2025-01-10"), ts("2025-01-11"), ts("2025-01-12")]
    assert list(valued["value"]) == [140, 260, 140]
    assert set(valued["mode"]) == {"daily"}
    assert evaluate(frame)["level"] == "yellow"


def test_daily_range_uses_its_upper_end():
    frame = daily([None, None], aqi_low=[140, 140], aqi_high=[160, 160])
    assert evaluate(frame)["level"] == "yellow"


# --------------------------------------------------------------------------- §3 families, dust


def test_ozone_window_breaks_a_particulate_run():
    frame = daily([210, 210, 210], primary_pollutant=["PM2.5", "O3", "PM2.5"])
    got = evaluate(frame)
    assert got["level"] == "yellow"  # not orange: the O3 day breaks the 48-hour run
    assert got["ozone_prompt"] is True
    assert evaluate(daily([210, 210, 210], primary_pollutant="PM2.5"))["level"] == "orange"


@pytest.mark.parametrize(("dust_hours", "excluded"), [(12, False), (13, True)])
def test_window_mostly_dust_is_excluded(dust_hours, excluded):
    frame = hourly([250] * 24, dust=[True] * dust_hours + [False] * (24 - dust_hours))
    window = window_values(city_series(frame)).loc[ts("2025-01-10 00:00")]
    assert bool(window["dust_excluded"]) is excluded
    assert bool(np.isnan(window["value"])) is excluded


def test_dust_episode_gives_no_level():
    got = evaluate(hourly([350] * 72, dust=True))
    assert got["level"] == "none"
    assert any("沙尘" in r for r in got["reasons"])
    assert evaluate(hourly([350] * 72))["level"] == "red"


# --------------------------------------------------------------------------- §4 levels


@pytest.mark.parametrize(
    ("days", "level"),
    [
        ([120, 120, 120], "none"),
        ([210], "yellow"),
        ([160, 160], "yellow"),
        ([210, 210], "orange"),
        ([160, 160, 160], "orange"),
        ([210, 210, 210], "orange"),
        ([210, 210, 310], "red"),
        ([310, 210, 210], "red"),
        ([250, 250, 250, 350], "red"),
    ],
)
def test_levels_highest_that_holds(days, level):
    got = evaluate(daily(days))
    assert got["level"] == level
    assert got["response_level"] == {"none": None, "yellow": "III", "orange": "II", "red": "I"}[level]


def test_red_needs_above_300_among_the_same_three_windows():
    # A day above 300, then a dip to 150, then three days above 200 but none above 300.
    got = evaluate(daily([350, 150, 250, 250, 250]))
    assert got["level"] == "orange"


def test_red_reason_names_the_three_windows():
    got = evaluate(daily([250, 320, 250]))
    assert got["level"] == "red"
    assert got["approver"] == "commander"
    text = " ".join(got["reasons"])
    assert "红色预警条件成立" in text and "250、320、250" in text


# --------------------------------------------------------------------------- §6 processes


@pytest.mark.parametrize(("gap", "count"), [(35, 1), (36, 2)])
def test_two_spells_are_one_process_unless_36_clean_hours_lie_between(gap, count):
    frame = hourly(runs((170, 48), (80, gap), (170, 24)))
    processes = find_processes(city_series(frame))
    assert len(processes) == count
    assert processes[0].start == ts("2025-01-10 00:00")
    if count == 1:
        assert processes[0].end == ts("2025-01-10 00:00") + pd.Timedelta(hours=48 + gap + 23)


@pytest.mark.parametrize(("missing", "count"), [(15, 1), (16, 2)])
def test_hours_without_data_split_processes_like_clean_hours(missing, count):
    # Edition 2 §6: the gap is the hours clean *or without data*; 20 + missing hours ≥ 36 split.
    frame = hourly(runs((170, 48), (80, 10), (None, missing), (80, 10), (170, 24)))
    assert len(find_processes(city_series(frame))) == count


def test_process_level_applies_from_the_start_of_the_process():
    # 24 h at 120 (no level alone), 10 h clean, then three days at 210 (orange).
    frame = hourly(runs((80, 6), (120, 24), (80, 10), (210, 72), (80, 40)))
    got = evaluate(frame)
    assert got["level"] == "orange"
    assert len(got["processes"]) == 1
    assert got["processes"][0]["start"] == iso("2025-01-10 06:00")
    assert got["issue_by"] == iso("2025-01-09 06:00")
    assert got["processes"][0]["peak_aqi"] == 210


def test_durations_of_separate_spells_are_not_added():
    frame = hourly(runs((210, 24), (80, 30), (210, 24)))
    got = evaluate(frame)
    assert len(got["processes"]) == 1
    assert got["level"] == "yellow"  # two separate days above 200, not 48 hours


def test_process_level_is_judged_on_the_whole_series_windows():
    # Edition 2 §2, §6: 19 hours at 400 inside clean air. A window holding 9 or 10 of them and
    # clean hours has a real 24-hour mean above 200 (206.3), and so has the next one (219.2):
    # the clean neighbours count, and the 24-hour means say orange.
    frame = hourly(runs((90, 40), (400, 19), (90, 40)))
    got = evaluate(frame)
    assert got["level"] == "orange"
    values = [w["value"] for w in got["processes"][0]["windows"] if w["rule"] == "AQI > 200 持续 48 小时"]
    assert all(v > 200 for v in values) and len(values) == 2
    # Without the clean neighbours' data the windows hold only the 19 hours: no value at all.
    alone = hourly(runs((None, 40), (400, 19), (None, 40)))
    assert evaluate(alone)["level"] == "none"


def test_daily_rows_count_as_24_hours_in_processes():
    processes = find_processes(city_series(daily([90, 160, 160, 90])))
    assert len(processes) == 1
    assert processes[0].start == ts("2025-01-11 00:00")
    assert processes[0].end == ts("2025-01-12 23:00")
    assert processes[0].level == "yellow"


def test_issue_by_is_24_hours_before_the_first_levelled_process():
    frame = hourly(runs((120, 10), (80, 40), (250, 24), (80, 40), (320, 72)))
    got = evaluate(frame)
    assert [p["level"] for p in got["processes"]] == ["yellow", "red"]
    assert got["level"] == "red"
    assert got["issue_by"] == iso("2025-01-11 02:00")


# --------------------------------------------------------------------------- §6 urgent


def _urgent_frame(observed_hours: int, forecast_value: float) -> pd.DataFrame:
    observed = hourly([350] * observed_hours, start="2025-01-10 00:00", kind="observed")
    start = ts("2025-01-10 00:00") + pd.Timedelta(hours=observed_hours)
    forecast = hourly([forecast_value] * 48, start=start.strftime("%Y-%m-%d %H:%M"))
    return pd.concat([observed, forecast], ignore_index=True)


@pytest.mark.parametrize(
    ("observed_hours", "forecast_value", "urgent"),
    # Edition 2 §6: the window starting now must be > 200 (no clear improvement), not > 300.
    [(24, 320, True), (24, 250, True), (24, 200, False), (24, 150, False), (19, 320, False)],
)
def test_urgent_when_observed_severe_and_forecast_keeps_it(observed_hours, forecast_value, urgent):
    frame = _urgent_frame(observed_hours, forecast_value)
    now = ts("2025-01-10 00:00") + pd.Timedelta(hours=observed_hours)
    got = evaluate(frame, now=now)
    assert got["urgent"] is urgent
    assert got["now"] == now.isoformat()


def test_urgent_needs_observations_not_forecasts():
    frame = hourly([350] * 72)
    assert evaluate(frame, now=ts("2025-01-11 00:00"))["urgent"] is False


# --------------------------------------------------------------------------- §5 SO2


def test_so2_alerts_per_area_with_peak():
    pingding = hourly([70] * 12, area="平定县", so2=[80, 90, 151, 160, 155, 100, 120, 300, 310, 80, 80, 80])
    yuxian = hourly([70] * 4, area="盂县", so2=[200, 100, 100, 100])
    observed = hourly([70] * 3, area="城区", so2=[400, 400, 400], kind="observed")
    got = evaluate(pd.concat([pingding, yuxian, observed], ignore_index=True))
    assert got["so2_alerts"] == [
        {
            "area": "平定县",
            "start": iso("2025-01-10 02:00"),
            "end": iso("2025-01-10 04:00"),
            "max_so2": 160,
            "area_code": "140321",
        },
        {
            "area": "平定县",
            "start": iso("2025-01-10 07:00"),
            "end": iso("2025-01-10 08:00"),
            "max_so2": 310,
            "area_code": "140321",
        },
        {
            "area": "盂县",
            "start": iso("2025-01-10 00:00"),
            "end": iso("2025-01-10 00:00"),
            "max_so2": 200,
            "area_code": "140322",
        },
    ]
    assert got["level"] == "none"
    assert sum("二氧化硫" in r for r in got["reasons"]) == 3


def test_level_is_decided_on_the_city_only():
    county = hourly([350] * 96, area="盂县")
    city = hourly([80] * 96)
    got = evaluate(pd.concat([county, city], ignore_index=True))
    assert got["level"] == "none"


# --------------------------------------------------------------------------- series


def test_observation_beats_forecast_and_newer_forecast_beats_older():
    old = hourly([300] * 3, issued_at=ts("2025-01-09 08:00"))
    new = hourly([200] * 3, issued_at=ts("2025-01-09 16:00"))
    observed = hourly([100], kind="observed")
    frame = pd.concat([new, observed, old], ignore_index=True)
    series = city_series(frame)
    assert list(series["aqi"]) == [100, 200, 200]
    assert list(series["kind"]) == ["observed", "forecast", "forecast"]


def test_series_fills_missing_hours_and_keeps_areas_apart():
    frame = pd.concat(
        [hourly([100, None, 120]), hourly([50], area="kfq")],
        ignore_index=True,
    )
    series = build_series(frame)
    assert list(series) == ["140300", "kfq"]
    assert len(series["140300"]) == 3
    assert np.isnan(series["140300"]["aqi"].iloc[1])


def test_hour_aqi_from_concentrations_when_no_aqi_given():
    # PM2.5 hourly 160 against the 24-hour limits → 210.
    series = city_series(hourly([None], pm25=[160.0]))
    assert series["aqi"].iloc[0] == 210
    assert series["primary_pollutant"].iloc[0] == "PM2.5"


# --------------------------------------------------------------------------- §7 recommendation


NOW = "2025-01-10 00:00"


@pytest.mark.parametrize(
    ("active", "values", "recommendation", "proposed", "approver"),
    [
        ("none", runs((160, 48)), "issue", "yellow", "vice_commander"),
        ("none", runs((210, 48)), "issue", "orange", "vice_commander"),
        ("none", runs((250, 24), (320, 48)), "issue", "red", "commander"),
        ("none", runs((120, 72)), "none", None, None),
        ("yellow", runs((210, 48)), "upgrade", "orange", "vice_commander"),
        ("orange", runs((250, 24), (320, 48)), "upgrade", "red", "commander"),
        ("orange", runs((170, 48), (80, 40)), "downgrade", "yellow", "vice_commander"),
        ("red", runs((250, 48), (120, 40)), "downgrade", "orange", "commander"),
        ("red", runs((130, 72)), "downgrade", "yellow", "commander"),
        ("yellow", runs((130, 72)), "maintain", "yellow", None),
        ("orange", runs((170, 72)), "maintain", "orange", None),
        ("orange", runs((180, 10), (80, 40)), "lift", None, "vice_commander"),
        ("yellow", runs((180, 23), (80, 36)), "lift", None, "vice_commander"),
        ("red", runs((80, 48)), "lift", None, "commander"),
    ],
)
def test_recommendation_and_approver(active, values, recommendation, proposed, approver):
    got = evaluate(hourly(values, start=NOW), active_level=active, now=ts(NOW))
    assert got["recommendation"] == recommendation
    assert got["proposed_level"] == proposed
    assert got["approver"] == approver


def test_lift_needs_the_clean_hours_to_start_within_24_hours():
    late = hourly(runs((180, 24), (80, 40)), start=NOW)
    got = evaluate(late, active_level="yellow", now=ts(NOW))
    assert got["recommendation"] == "maintain"
    series = city_series(hourly(runs((180, 23), (80, 36)), start=NOW))
    assert lift_start(series, ts(NOW)) == ts("2025-01-10 23:00")


def test_lift_needs_36_clean_hours():
    got = evaluate(hourly(runs((80, 35), (130, 10)), start=NOW), active_level="orange", now=ts(NOW))
    assert got["recommendation"] != "lift"


def test_downgrade_needs_36_hours_at_or_below_the_threshold():
    # Orange in force: 30 hours at 180, then 210 again; the forecast level is only yellow.
    values = runs((180, 30), (210, 10), (120, 40))
    got = evaluate(hourly(values, start=NOW), active_level="orange", now=ts(NOW))
    assert got["forecast_level"] == "yellow"
    assert got["recommendation"] == "maintain"


def test_yellow_is_never_downgraded_only_lifted():
    series = city_series(hourly(runs((120, 72)), start=NOW))
    runs_ = Runs(series, window_values(series), LEVEL_RULES, "particulate")
    where = situation(find_processes(series, runs_), runs_, ts(NOW))
    assert where.reached == "none" and where.remaining == "none"
    recommendation, proposed, _ = recommend("yellow", where, series)
    assert (recommendation, proposed) == ("maintain", "yellow")


def test_recommendation_looks_at_the_series_from_now_on():
    values = runs((250, 72), (80, 48))
    frame = hourly(values, start=NOW)
    got = evaluate(frame, active_level="orange", now=ts("2025-01-13 00:00"))
    assert got["level"] == "orange"  # the whole series
    assert got["forecast_level"] == "none"
    assert got["recommendation"] == "lift"


def test_now_defaults_to_the_first_hour_and_is_taken_at_its_hour():
    frame = hourly([80] * 30, start="2025-01-10 05:00")
    assert evaluate(frame)["now"] == iso("2025-01-10 05:00")
    assert evaluate(frame, now="2025-01-10 07:42")["now"] == iso("2025-01-10 07:00")


# --------------------------------------------------------------------------- §8 approver


@pytest.mark.parametrize(
    ("recommendation", "active", "proposed", "approver"),
    [
        ("issue", "none", "yellow", "vice_commander"),
        ("issue", "none", "orange", "vice_commander"),
        ("issue", "none", "red", "commander"),
        ("upgrade", "yellow", "orange", "vice_commander"),
        ("upgrade", "yellow", "red", "commander"),
        ("upgrade", "orange", "red", "commander"),
        ("downgrade", "red", "orange", "commander"),
        ("downgrade", "red", "yellow", "commander"),
        ("downgrade", "orange", "yellow", "vice_commander"),
        ("lift", "red", "none", "commander"),
        ("lift", "orange", "none", "vice_commander"),
        ("lift", "yellow", "none", "vice_commander"),
        ("maintain", "red", "red", None),
        ("none", "none", "none", None),
    ],
)
def test_approver_for_every_transition(recommendation, active, proposed, approver):
    assert approver_for(recommendation, active, proposed) == approver


@pytest.mark.parametrize(
    ("text", "level"),
    [("none", "none"), ("Yellow", "yellow"), ("橙色", "orange"), ("I", "red"), ("III", "yellow"), (None, "none")],
)
def test_normalise_level(text, level):
    assert normalise_level(text) == level


def test_unknown_active_level_is_refused():
    with pytest.raises(ValueError, match="未知的预警级别"):
        evaluate(hourly([80]), active_level="purple")


# --------------------------------------------------------------------------- inputs


def test_evaluate_accepts_frames_results_and_series_alike():
    result = read_file(SAMPLES / "daily-ranges-gbk.csv")
    by_result = evaluate(result)
    assert evaluate(result.frame) == by_result
    assert evaluate([result]) == by_result
    assert evaluate(build_series(result.frame)) == by_result


def test_evaluate_refuses_a_file_with_errors():
    bad = read_file(b"time,aqi\nnot a time,80\n", "bad.csv")
    with pytest.raises(ValueError):
        evaluate(bad)


def test_evaluate_of_nothing_is_no_warning():
    got = evaluate([])
    assert got["level"] == "none"
    assert got["recommendation"] == "none"
    assert got["now"] is None
