"""Properties of the warning classifier (warning-rules.md §2, §4, §6), checked with hypothesis on
random hourly city series of 72–200 hours with AQI between 0 and 500 and a few missing hours.

1. Raising an hour's AQI never lowers the level. It holds for the rules of §4 on the windows of a
   series, for any hour and any raise; and for ``evaluate`` (whose level is that of the series'
   processes, §6) as long as the raise leaves the processes' spans as they were. A raise that
   carries a clean hour outside every process above 100 can extend a process or join two, and
   then the level *can* fall: see the two counterexamples at the end, kept as strict xfails.
2. A level never holds on fewer hours than its rule needs (the bound is derived in
   :func:`test_a_level_never_holds_on_fewer_hours_than_its_rule_needs`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from forecasts.domain.readers import normalise_frame
from forecasts.domain.rules import LEVEL_RULES, LEVELS, classify_windows, evaluate, find_processes
from forecasts.domain.series import MIN_HOURS, WINDOW_HOURS, build_series, window_values

TZ = "Asia/Shanghai"
START = pd.Timestamp("2025-01-10 00:00", tz=TZ)
AQI_MAX = 500
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def rank(level: str) -> int:
    return LEVELS.index(level)


def city_frame(values: list[float | None]) -> pd.DataFrame:
    """The city's hourly rows from START, one per value; ``None`` = no row for that hour."""
    times = pd.date_range(START, periods=len(values), freq="h")
    rows = [(time, value) for time, value in zip(times, values, strict=True) if value is not None]
    return normalise_frame(
        pd.DataFrame(
            {
                "area_code": "140300",
                "area_name": "阳泉市",
                "time": [time for time, _ in rows],
                "period": "hour",
                "aqi": [float(value) for _, value in rows],
                "kind": "forecast",
                "row": range(2, len(rows) + 2),
            }
        )
    )


@st.composite
def city_series(draw: st.DrawFn) -> list[float | None]:
    """72–200 hours built from runs (clean spells, haze building up, episodes), each hour jittered
    around its run's level, with up to one hour in ten missing (the 20-of-24 rule)."""
    hours = draw(st.integers(72, 200))
    levels = st.sampled_from([30, 70, 95, 100, 120, 155, 180, 205, 240, 310, 420])
    values: list[float | None] = []
    while len(values) < hours:
        level = draw(levels)
        length = draw(st.integers(1, 60))
        spread = draw(st.sampled_from([0, 5, 20, 60]))
        rng = draw(st.randoms(use_true_random=False))
        values += [float(min(AQI_MAX, max(0, level + rng.randint(-spread, spread)))) for _ in range(length)]
    values = values[:hours]
    for hour in draw(st.lists(st.integers(0, hours - 1), max_size=hours // 10)):
        values[hour] = None
    return values


@st.composite
def raised_series(draw: st.DrawFn) -> tuple[list[float | None], list[float | None], int]:
    """A series, the same with one hour's AQI raised, and that hour."""
    values = draw(city_series())
    present = [hour for hour, value in enumerate(values) if value is not None]
    hour = draw(st.sampled_from(present))
    old = values[hour]
    assume(old < AQI_MAX)
    new = draw(st.floats(min_value=old, max_value=AQI_MAX, exclude_min=True, allow_nan=False))
    raised = list(values)
    raised[hour] = float(math.ceil(new))
    return values, raised, hour


def spans(values: list[float | None]) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    city = build_series(city_frame(values))["140300"]
    return [(process.start, process.end) for process in find_processes(city)]


# --------------------------------------------------------------------------- 1. monotone


@PROPERTY
@given(raised_series())
def test_raising_any_hour_never_lowers_the_level_of_the_windows(case):
    """§4 on a series' windows: a window's value is the mean of its hours' AQI, so raising an hour
    raises or keeps every window that holds it, and every rule is "all N windows > X" (red: and
    one > 300), so a rule that held still holds."""
    values, raised, _ = case

    def level(series_values):
        return classify_windows(window_values(build_series(city_frame(series_values))["140300"]))[0]

    assert rank(level(raised)) >= rank(level(values))


@PROPERTY
@given(raised_series())
def test_raising_an_hour_never_lowers_the_evaluated_level_while_the_processes_stay(case):
    """``evaluate``'s level is the highest level of the series' processes (§6), each judged on its
    own hours. When the raise leaves every process's span as it was (the hour was already above
    100, stays at or below 100, or lies inside a process), each process sees the same hours with
    one value higher, and the property of the windows applies process by process."""
    values, raised, _ = case
    assume(spans(raised) == spans(values))
    before = evaluate(city_frame(values))["level"]
    after = evaluate(city_frame(raised))["level"]
    assert rank(after) >= rank(before), (before, after)


# --------------------------------------------------------------------------- 2. enough hours


def rule_bound_met(hours: pd.Series, threshold: float, days: int, peak_over: float | None) -> bool:
    """Whether some start hour ``s`` has, in each of the blocks [s+24j, s+24j+23] (j < days), at
    least 20 hours with data and at least one hour above ``threshold``; for red also one hour
    above ``peak_over`` in those blocks. ``hours``: the process's hourly AQI (NaN = no data)."""
    grid = hours.reindex(
        pd.date_range(hours.index[0] - (WINDOW_HOURS - MIN_HOURS) * pd.Timedelta(hours=1),
                      hours.index[-1] + (WINDOW_HOURS - MIN_HOURS) * pd.Timedelta(hours=1), freq="h")
    ).to_numpy(dtype=float)
    span = WINDOW_HOURS * days
    for s in range(0, len(grid) - span + 1):
        blocks = [grid[s + WINDOW_HOURS * j : s + WINDOW_HOURS * (j + 1)] for j in range(days)]
        if all(np.count_nonzero(~np.isnan(b)) >= MIN_HOURS and np.nanmax(b) > threshold for b in blocks):
            if peak_over is None or any(np.nanmax(b) > peak_over for b in blocks):
                return True
    return False


@PROPERTY
@given(city_series())
def test_a_level_never_holds_on_fewer_hours_than_its_rule_needs(values):
    """A level needs at least as many hours as its weakest rule, and no fewer.

    Derivation (warning-rules.md §2, §4, §6). "AQI > X lasting N×24 h" holds when the N windows
    starting at s, s+24, …, s+24(N−1) all have a value > X. These windows are N disjoint blocks of
    24 hours. A window has a value only with at least 20 hours of data (GB 3095-2012, §2), and
    its value is the *mean* AQI of the hours it has, so a value above X needs at least one hour
    above X: with AQI ≤ 500, 19 hours at 185 and one at 500 give 200.75 > 200. A process is judged
    on its own hours only (§6), so every counted hour lies inside the process. Hence a process
    at level L holds, for at least one rule (X, N) of L:

    * at least 20·N hours with data, and at least N hours above X, one in each block
      (yellow: 20 h and 1 h > 200, or 40 h and 2 h > 150; orange: 40 h and 2 h > 200, or 60 h
      and 3 h > 150; red: 60 h and 3 h > 200, one of them > 300);

    and not "24·N hours above X": means, not every hour, are compared with X, and the 20-of-24
    validity lets a window lack 4 hours. :func:`test_the_bound_is_tight` shows both limits are
    reached. The check below is stronger than the counts: it looks for the N blocks themselves.
    """
    result = evaluate(city_frame(values))
    city = build_series(city_frame(values))["140300"] if any(v is not None for v in values) else None
    for process in result["processes"]:
        level = process["level"]
        start, end = pd.Timestamp(process["start"]), pd.Timestamp(process["end"])
        own = city["aqi"].astype(float).loc[start:end]
        data_hours = int(own.notna().sum())
        counts_ok = any(
            data_hours >= MIN_HOURS * rule.days
            and int(own.gt(rule.threshold).sum()) >= rule.days
            and (rule.peak_over is None or bool(own.gt(rule.peak_over).any()))
            for rule in LEVEL_RULES[level]
        )
        assert counts_ok, (level, process["start"], data_hours)
        assert any(rule_bound_met(own, r.threshold, r.days, r.peak_over) for r in LEVEL_RULES[level])


def test_the_bound_is_tight():
    """20 hours of data with a single hour above 200 are enough for yellow; 19 hours are not."""
    enough = [185.0] * 19 + [500.0]  # mean 200.75
    assert evaluate(city_frame([60.0] * 30 + enough + [60.0] * 40))["level"] == "yellow"
    too_few = [185.0] * 18 + [500.0]  # 19 hours: no window has a value
    assert evaluate(city_frame([60.0] * 30 + too_few + [60.0] * 40))["level"] == "none"
    # 2×20 hours with data and one hour above 150 in each block: yellow by "> 150 lasting 48 h".
    block = [148.0] * 19 + [200.0]  # mean 150.6
    gap = [None] * 4
    assert evaluate(city_frame([60.0] * 40 + block + gap + block + [60.0] * 40))["level"] == "yellow"


# --------------------------------------------------------------------------- where 1 fails

_SPEC_GAP = (
    "warning-rules.md §2 + §6: a window with 20–23 hours counts, and a process's hours outside it "
    "count as missing; raising a clean hour above 100 brings clean hours into a process, and the "
    "windows at its edge that held on 20 hours now average in clean hours. Reported to the lead."
)


@pytest.mark.xfail(strict=True, reason=_SPEC_GAP)
def test_raising_a_gap_hour_that_joins_two_processes_never_lowers_the_level():
    # A 1-hour spell, 20 clean hours, 20 hours at 205, 40 clean hours, a 1-hour spell. The 20 hours
    # at 205 are the end of a process: the window [A, A+23] has 20 hours, mean 205 → yellow.
    values = [101.0] + [50.0] * 20 + [205.0] * 20 + [50.0] * 40 + [101.0]
    assert evaluate(city_frame(values))["level"] == "yellow"
    raised = list(values)
    raised[61] = 101.0  # in the middle of the 40 clean hours: the two processes become one
    assert rank(evaluate(city_frame(raised))["level"]) >= rank("yellow")


@pytest.mark.xfail(strict=True, reason=_SPEC_GAP)
def test_raising_the_hour_after_a_process_never_lowers_the_level():
    values = [101.0] + [50.0] * 20 + [202.0] * 20 + [100.0] * 40
    assert evaluate(city_frame(values))["level"] == "yellow"
    raised = list(values)
    raised[41] = 101.0  # the process now ends one hour later: [A, A+23] holds 21 hours, mean 197.2
    assert rank(evaluate(city_frame(raised))["level"]) >= rank("yellow")
