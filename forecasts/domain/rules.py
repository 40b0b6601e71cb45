"""The warning classifier (预警分级) of warning-rules.md, edition 2, as pure functions over pandas.

- §2 windows on the **whole series**: every 24-hour window of any start hour, clean hours next to
  a process included (a window is a window, whichever process its hours belong to);
- §4 levels (plan §3.1, 细颗粒物为首要污染物的重污染天气): yellow 黄色 (III级), orange 橙色
  (II级), red 红色 (I级), each "AQI > X lasting N×24 h" on those windows;
- §5 the ozone prompt (臭氧预警提示, plan §3.2) and SO2 alerts per area (plan §3.3);
- §6 processes (重污染过程, plan §4.1, §4.3): spells joined unless 36 hours clean *or without
  data* lie between; a process's level is the highest level of the runs that touch it, from the
  process's start ("从高级别启动预警"); ``urgent``;
- §7 now, the current process, its reached and remaining levels, and the proposal for the warning
  in force (发布、升级、降级、解除), every process with its own ``issue_by``; §8 its approver;
- §11 what the warning says (trend left to the consultation; time, AQI range, degree, primary
  pollutant, level, areas).

:func:`evaluate` returns the JSON object of interfaces.md §2 (extended).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .aqi import edition_for
from .areas import AREAS, CITY, area_by_code
from .categories import degree_text
from .readers import TZ, ReadResult
from .series import HOUR, MIN_HOURS, PRIMARY_ORDER, WINDOW_HOURS, build_series, window_values

LEVELS: tuple[str, ...] = ("none", "yellow", "orange", "red")
#: The name of each warning level (预警级别): the one map of level names, which alerts, forecasts,
#: reviews and the dashboard import.
LEVEL_NAMES: dict[str, str] = {"none": "无预警", "yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
#: The colour alone, as the rules' sentences say it ("达到黄色预警条件"): the name without 预警.
COLOUR_NAMES: dict[str, str] = {
    level: name if level == "none" else name.removesuffix("预警") for level, name in LEVEL_NAMES.items()
}
RESPONSE_LEVELS: dict[str, str | None] = {
    "none": None,
    "yellow": "III",
    "orange": "II",
    "red": "I",
}
#: §7: a level may be lowered once the first 36 hours stay at or below T(L).
DOWNGRADE_THRESHOLDS: dict[str, float] = {"red": 300, "orange": 200, "yellow": 150}
APPROVER_NAMES: dict[str, str] = {"vice_commander": "副总指挥", "commander": "总指挥"}
RECOMMENDATION_NAMES: dict[str, str] = {
    "issue": "发布",
    "upgrade": "升级",
    "downgrade": "降级",
    "lift": "解除",
    "maintain": "维持",
    "none": "无需发布",
}
KIND_NAMES: dict[str, str] = {"observed": "实测", "forecast": "预报"}

#: §6: a spell is an hour with AQI above this; §7: lifting needs hours at or below it.
POLLUTED_AQI = 100
#: §6, §7: hours (clean or without data) that split processes; clean hours that lift (plan §4.3, §4.4).
CLEAN_HOURS = 36
#: §7: issue at least this long before a process starts (plan §4.2).
ISSUE_AHEAD = pd.Timedelta(hours=24)
#: §6 urgent: observed AQI above this (严重污染) ...
SEVERE_AQI = 300
#: ... and the window starting now above this (no clear improvement within 24 hours).
URGENT_AHEAD_AQI = 200
#: §5: hourly SO2 above this (µg/m³) calls for the area's targeted measures (plan §3.3).
SO2_LIMIT = 150
#: §3: the reason given when a file names no pollutant at all.
UNKNOWN_POLLUTANT_REASON = "首要污染物未提供，按颗粒物规则判定"


@dataclass(frozen=True)
class Rule:
    """ "AQI > threshold lasting days×24 h", and for red, one of those windows > peak_over."""

    threshold: float
    days: int
    peak_over: float | None = None

    def describe(self) -> str:
        text = f"AQI > {self.threshold:g} 持续 {self.days * 24} 小时"
        if self.peak_over is not None:
            text += f"，且其中一个窗口 AQI > {self.peak_over:g}"
        return text

    @property
    def span_hours(self) -> int:
        return self.days * WINDOW_HOURS


#: §4, highest first.
LEVEL_RULES: dict[str, tuple[Rule, ...]] = {
    "red": (Rule(200, 3, peak_over=300),),
    "orange": (Rule(200, 2), Rule(150, 3)),
    "yellow": (Rule(200, 1), Rule(150, 2)),
}
#: §5 ozone prompt (臭氧预警提示).
OZONE_RULES: tuple[Rule, ...] = (Rule(200, 1), Rule(150, 2), Rule(100, 3))


@dataclass(frozen=True)
class RuleMatch:
    """A run (§2): the N windows at ``start``, ``start+24``, … of a rule that held, with their
    values and hours of data, and the observed and forecast hours of its span."""

    rule: Rule
    start: pd.Timestamp
    values: tuple[float, ...]
    hours: tuple[int, ...] = ()
    kinds: tuple[tuple[str, int, pd.Timestamp, pd.Timestamp], ...] = ()

    @property
    def window_starts(self) -> tuple[pd.Timestamp, ...]:
        return tuple(self.start + i * WINDOW_HOURS * HOUR for i in range(self.rule.days))

    @property
    def end(self) -> pd.Timestamp:
        return self.start + (self.rule.span_hours - 1) * HOUR


@dataclass
class Process:
    """A heavy-pollution process (重污染过程), warning-rules.md §6."""

    start: pd.Timestamp
    end: pd.Timestamp
    level: str
    peak_aqi: float
    matches: list[RuleMatch] = field(default_factory=list)

    @property
    def issue_by(self) -> pd.Timestamp:
        return self.start - ISSUE_AHEAD


@dataclass(frozen=True)
class So2Alert:
    """Consecutive hours of an area's forecast hourly SO2 above 150 µg/m³ (plan §3.3)."""

    area_code: str
    area_name: str
    start: pd.Timestamp
    end: pd.Timestamp
    max_so2: float


# --------------------------------------------------------------------------- §2 runs


def rule_holds(values: pd.Series, rule: Rule) -> pd.Series:
    """For each start hour ``s`` of a window series (contiguous hourly index), whether the
    windows starting at ``s``, ``s+24``, … ``s+24(N−1)`` all have value > X (and, for red, one
    of them > 300). A window without value (NaN) breaks the run."""
    above = values.gt(rule.threshold)
    held = above.copy()
    peak = values.gt(rule.peak_over) if rule.peak_over is not None else None
    any_peak = peak.copy() if peak is not None else None
    for day in range(1, rule.days):
        shift = -day * WINDOW_HOURS
        held &= above.shift(shift, fill_value=False)
        if peak is not None and any_peak is not None:
            any_peak |= peak.shift(shift, fill_value=False)
    if any_peak is not None:
        held &= any_peak
    return held


def family_values(windows: pd.DataFrame, family: str) -> pd.Series:
    """Window values of one rule family (§3); windows of the other family count as no value."""
    return windows["value"].where(windows["family"] == family)


class Runs:
    """Every run of every rule on one series' windows (§2), for the queries of §6 and §7:
    "the highest level among the runs whose start lies in [a, b]" in O(1) per rule (prefix sums
    over the start hours where the rule holds)."""

    def __init__(self, series: pd.DataFrame, windows: pd.DataFrame, rules: Mapping[str, tuple[Rule, ...]], family: str):
        self.series = series
        self.windows = windows
        self.rules = rules
        self.index = windows.index
        values = family_values(windows, family)
        hours = windows["hours"].to_numpy(dtype=float)
        self.values = values.to_numpy(dtype=float)
        self.hours = hours
        self._held: dict[Rule, np.ndarray] = {}
        self._prefix: dict[Rule, np.ndarray] = {}
        self._coverage: dict[Rule, np.ndarray] = {}
        for level_rules in rules.values():
            for rule in level_rules:
                held = rule_holds(values, rule).to_numpy(dtype=bool)
                self._held[rule] = held
                self._prefix[rule] = np.concatenate([[0], np.cumsum(held)])
                coverage = hours.copy()
                for day in range(1, rule.days):
                    shifted = np.full_like(hours, np.nan)
                    shift = day * WINDOW_HOURS
                    if shift < len(hours):
                        shifted[:-shift] = hours[shift:]
                    coverage = np.fmin(coverage, shifted)
                self._coverage[rule] = coverage

    def _positions(self, first: pd.Timestamp, last: pd.Timestamp) -> tuple[int, int]:
        """Positions [i, j) of the start hours from ``first`` to ``last`` (inclusive)."""
        if len(self.index) == 0 or last < first:
            return 0, 0
        i = int(self.index.searchsorted(first, side="left"))
        j = int(self.index.searchsorted(last, side="right"))
        return i, max(i, j)

    def held_between(self, rule: Rule, first: pd.Timestamp, last: pd.Timestamp) -> bool:
        i, j = self._positions(first, last)
        prefix = self._prefix[rule]
        return bool(prefix[j] - prefix[i] > 0)

    def match_between(
        self, rule: Rule, first: pd.Timestamp, last: pd.Timestamp, prefer_from: pd.Timestamp | None = None
    ) -> RuleMatch | None:
        """The run of ``rule`` starting in [first, last] that a reader is shown as the one that
        decided: the most hours of data in its windows (a full 24 hours rather than 20 at an edge
        of the data), then one starting at or after ``prefer_from`` (the process's first hour:
        "from the process's start"), then the earliest."""
        i, j = self._positions(first, last)
        if j <= i:
            return None
        held = self._held[rule][i:j]
        if not held.any():
            return None
        score = self._coverage[rule][i:j] * 2
        if prefer_from is not None:
            score = score + (self.index[i:j] >= prefer_from)
        score = np.where(held, score, -1.0)
        at = i + int(np.argmax(score))  # first maximum: the earliest
        start = self.index[at]
        steps = [at + day * WINDOW_HOURS for day in range(rule.days)]
        return RuleMatch(
            rule,
            start,
            tuple(float(self.values[s]) for s in steps),
            tuple(int(self.hours[s]) for s in steps),
            _kinds(self.series, start, start + (rule.span_hours - 1) * HOUR),
        )

    def level_between(
        self,
        span_start: pd.Timestamp,
        span_end: pd.Timestamp,
        *,
        starts_from: pd.Timestamp | None = None,
        ends_from: pd.Timestamp | None = None,
    ) -> tuple[str, list[RuleMatch]]:
        """The highest level whose runs touch the hours [span_start, span_end] (a window holds
        one of them, §6); ``starts_from``: only runs whose first window starts at or after it;
        ``ends_from``: only runs whose last window holds an hour at or after it (§7)."""
        for level in ("red", "orange", "yellow"):
            matches = []
            for rule in self.rules.get(level, ()):
                first = span_start - (rule.span_hours - 1) * HOUR
                if starts_from is not None:
                    first = max(first, starts_from)
                if ends_from is not None:
                    first = max(first, ends_from - (rule.span_hours - 1) * HOUR)
                match = self.match_between(rule, first, span_end, prefer_from=max(span_start, first))
                if match is not None:
                    matches.append(match)
            if matches:
                return level, matches
        return "none", []

    def any_matches(self, level: str) -> list[RuleMatch]:
        """The runs of a level's rules anywhere on the series (one per rule)."""
        if len(self.index) == 0:
            return []
        first, last = self.index[0], self.index[-1]
        return [m for rule in self.rules[level] if (m := self.match_between(rule, first, last))]


def _kinds(
    series: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[tuple[str, int, pd.Timestamp, pd.Timestamp], ...]:
    """The observed and forecast hours (with data) of a span: (kind, hours, first, last)."""
    part = series.loc[start:end]
    part = part[part["aqi"].notna()]
    out = []
    for kind in ("observed", "forecast"):
        hours = part.index[part["kind"].to_numpy() == kind]
        if len(hours):
            out.append((kind, len(hours), hours[0], hours[-1]))
    return tuple(out)


def classify_windows(windows: pd.DataFrame, series: pd.DataFrame | None = None) -> tuple[str, list[RuleMatch]]:
    """The highest level of §4 that holds anywhere on these windows, and the runs that decided it."""
    runs = Runs(series if series is not None else _empty_series(), windows, LEVEL_RULES, "particulate")
    for level in ("red", "orange", "yellow"):
        matches = runs.any_matches(level)
        if matches:
            return level, matches
    return "none", []


def ozone_matches(windows: pd.DataFrame, series: pd.DataFrame | None = None) -> list[RuleMatch]:
    """The ozone-prompt rules (§5) that hold among O3-primary windows."""
    runs = Runs(series if series is not None else _empty_series(), windows, {"ozone": OZONE_RULES}, "ozone")
    return runs.any_matches("ozone")


def _empty_series() -> pd.DataFrame:
    return pd.DataFrame(
        {"aqi": pd.Series(dtype=float), "kind": pd.Series(dtype=object)}, index=pd.DatetimeIndex([], tz=TZ)
    )


# --------------------------------------------------------------------------- §6 processes


def process_spans(series: pd.DataFrame) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """The (start, end) of every process (§6): spells of hours with AQI > 100, joined when the
    gap between two of them (hours clean or without data) is shorter than 36 hours."""
    if series.empty:
        return []
    polluted = np.flatnonzero(series["aqi"].astype(float).gt(POLLUTED_AQI).to_numpy())
    if len(polluted) == 0:
        return []
    gaps = np.diff(polluted) - 1
    breaks = np.flatnonzero(gaps >= CLEAN_HOURS)
    firsts = np.concatenate([[polluted[0]], polluted[breaks + 1]])
    lasts = np.concatenate([polluted[breaks], [polluted[-1]]])
    index = series.index
    return [(index[a], index[b]) for a, b in zip(firsts, lasts, strict=True)]


def find_processes(series: pd.DataFrame, runs: Runs | None = None) -> list[Process]:
    """Every process of a series (warning-rules.md §6), with or without a level: each one's
    level is the highest of the runs (on the whole series' windows) that touch it."""
    spans = process_spans(series)
    if not spans:
        return []
    if runs is None:
        runs = Runs(series, window_values(series), LEVEL_RULES, "particulate")
    aqi = series["aqi"].astype(float)
    processes = []
    for start, end in spans:
        level, matches = runs.level_between(start, end)
        processes.append(Process(start, end, level, float(aqi.loc[start:end].max()), matches))
    return processes


# --------------------------------------------------------------------------- §5 SO2


def so2_alerts(series_by_area: Mapping[str, pd.DataFrame]) -> list[So2Alert]:
    """SO2 alerts of every area (§5): runs of forecast hours with SO2 > 150 µg/m³."""
    alerts: list[So2Alert] = []
    for code, series in series_by_area.items():
        if series.empty:
            continue
        so2 = series["so2"].astype(float)
        over = so2.gt(SO2_LIMIT) & series["kind"].eq("forecast") & ~series["daily"]
        if not over.any():
            continue
        run_id = over.ne(over.shift()).cumsum()
        hits = pd.DataFrame({"time": series.index, "so2": so2.to_numpy(), "run": run_id})[over.to_numpy()]
        name = _area_name(code)
        for _, run in hits.groupby("run", sort=True):
            alerts.append(So2Alert(code, name, run["time"].iloc[0], run["time"].iloc[-1], run["so2"].max()))
    return alerts


def _area_name(code: str) -> str:
    try:
        return area_by_code(code).name
    except KeyError:
        return code


# --------------------------------------------------------------------------- §6 urgent, §7


def is_urgent(series: pd.DataFrame, now: pd.Timestamp, windows: pd.DataFrame | None = None) -> bool:
    """§6 urgent (plan §4.2, "当监测空气质量已达到严重污染，且预测未来24小时内不会有明显改善"):
    the observed hours among the 24 hours before ``now`` (at least 20 of them, as a daily mean
    needs) average AQI > 300, and the window starting at ``now`` has a value > 200."""
    if series.empty:
        return False
    aqi = series["aqi"].astype(float)
    before = aqi.loc[now - WINDOW_HOURS * HOUR : now - HOUR]
    observed = before[series.loc[before.index, "kind"].eq("observed")].dropna()
    if len(observed) < MIN_HOURS or not observed.mean() > SEVERE_AQI:
        return False
    if windows is None:
        windows = window_values(series)
    if now not in windows.index:
        return False
    value = family_values(windows, "particulate").loc[now]
    return bool(pd.notna(value) and value > URGENT_AHEAD_AQI)


def lift_start(series: pd.DataFrame, now: pd.Timestamp) -> pd.Timestamp | None:
    """§7 lift: the first hour within the next 24 hours from which the hourly AQI stays ≤ 100
    for at least 36 consecutive hours of data (plan §4.4 "改善达到优良级别，且预测将持续36小时以上");
    an hour without data breaks the run."""
    aqi = series["aqi"].astype(float).loc[now:]
    if aqi.empty:
        return None
    clean = aqi.le(POLLUTED_AQI)
    full = clean.astype(float).rolling(CLEAN_HOURS).sum().eq(CLEAN_HOURS)
    starts = full.shift(-(CLEAN_HOURS - 1), fill_value=False)
    starts = starts.loc[: now + (WINDOW_HOURS - 1) * HOUR]
    return starts.idxmax() if starts.any() else None


def stays_below(series: pd.DataFrame, now: pd.Timestamp, threshold: float) -> bool:
    """§7 downgrade: the first 36 hours from ``now`` all have data and AQI ≤ ``threshold``."""
    aqi = series["aqi"].astype(float).loc[now : now + (CLEAN_HOURS - 1) * HOUR]
    return len(aqi) == CLEAN_HOURS and bool(aqi.notna().all()) and bool(aqi.le(threshold).all())


def _rank(level: str) -> int:
    return LEVELS.index(level)


def _higher(*levels: str) -> str:
    return max(levels, key=_rank, default="none")


@dataclass
class Situation:
    """§7 at ``now``: the current process (None when no process holds or follows now), the
    levels its runs reached (R) and still ahead (A), and the processes after it."""

    now: pd.Timestamp
    past: list[Process]
    current: Process | None
    reached: str
    reached_matches: list[RuleMatch]
    remaining: str
    following: list[Process]

    @property
    def current_holds_now(self) -> bool:
        return self.current is not None and self.current.start <= self.now <= self.current.end

    def target(self) -> tuple[Process, str] | None:
        """§7 with no warning in force: P, the first process, current or next, whose level is not
        none (the current one counted at its reached level R), and that level."""
        if self.current is not None and self.reached != "none":
            return self.current, self.reached
        for process in self.following:
            if process.level != "none":
                return process, process.level
        return None


def situation(processes: list[Process], runs: Runs, now: pd.Timestamp) -> Situation:
    """Place ``now`` among the processes (§7) and compute R and A of the current one."""
    past = [p for p in processes if p.end < now]
    ahead = [p for p in processes if p.end >= now]
    if not ahead:
        return Situation(now, past, None, "none", [], "none", [])
    current, following = ahead[0], ahead[1:]
    reached, reached_matches = runs.level_between(current.start, current.end, ends_from=now)
    remaining, _ = runs.level_between(current.start, current.end, starts_from=now)
    return Situation(now, past, current, reached, reached_matches, remaining, following)


def recommend(active_level: str, where: Situation, series: pd.DataFrame) -> tuple[str, str | None, Process | None]:
    """§7: (recommendation, proposed level, the process it is about)."""
    now = where.now
    if active_level == "none":
        target = where.target()
        if target is None:
            return "none", None, None
        return "issue", target[1], target[0]
    if lift_start(series, now) is not None:
        return "lift", None, None
    if _rank(where.reached) > _rank(active_level):
        return "upgrade", where.reached, where.current
    if (
        active_level != "yellow"
        and _rank(where.remaining) < _rank(active_level)
        and stays_below(series, now, DOWNGRADE_THRESHOLDS[active_level])
    ):
        return "downgrade", _higher(where.remaining, "yellow"), where.current
    return "maintain", active_level, where.current


def approver_for(recommendation: str, active_level: str, proposed_level: str | None) -> str | None:
    """§8: the commander (总指挥) for anything that involves red, otherwise the vice-commander
    (副总指挥); nobody when nothing is to be approved."""
    if recommendation in ("maintain", "none"):
        return None
    if "red" in (active_level, proposed_level):
        return "commander"
    return "vice_commander"


# --------------------------------------------------------------------------- §11 content


def day_values(
    series: pd.DataFrame, windows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> list[tuple[dt.date, float, float]]:
    """The natural days from ``start``'s to ``end``'s (§11): each day's AQI (§2, the window from
    00:00) as (day, low end, high end); a day whose window has no value is left out. The high
    end is the window's value (ranges at their upper end); the low end takes the ranges' low ends
    (the same value where no range was given, or when the window is judged on concentrations)."""
    out = []
    for midnight in pd.date_range(start.normalize(), end.normalize(), freq="D"):
        if midnight not in windows.index:
            continue
        row = windows.loc[midnight]
        high = row["value"]
        if pd.isna(high):
            continue
        high = float(high)
        low = high
        if row["mode"] != "concentration":
            hours = series.loc[midnight : midnight + (WINDOW_HOURS - 1) * HOUR]
            present = hours["aqi"].notna()
            lows = hours.loc[present, "aqi_low"].astype(float) if "aqi_low" in hours else hours.loc[present, "aqi"]
            if len(lows):
                low = min(high, float(lows.fillna(hours.loc[present, "aqi"]).mean()))
        out.append((midnight.date(), low, high))
    return out


def _aqi_integer(value: float) -> int:
    """A day's AQI stated as an integer, rounded up as HJ 633 rounds (as the forecast page's day
    table shows it)."""
    return int(math.ceil(round(value, 6)))


def primary_of_hours(series: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> str | None:
    """The most frequent primary pollutant (§3) of the polluted hours from ``start`` to ``end``
    (ties: PM2.5 first); None when no hour names one (the office enters it, §11)."""
    part = series.loc[start:end]
    part = part[part["aqi"].astype(float).gt(POLLUTED_AQI)]
    counts = dict.fromkeys(PRIMARY_ORDER, 0)
    for text in part["primary_pollutant"].dropna():
        for name in str(text).split(","):
            if name in counts:
                counts[name] += 1
    best = max(PRIMARY_ORDER, key=lambda name: counts[name])  # first maximum: the tie order
    return best if counts[best] else None


def affected_areas(
    series_by_area: Mapping[str, pd.DataFrame], start: pd.Timestamp, end: pd.Timestamp
) -> list[dict[str, str]]:
    """§11 (plan §5.5): the county-level areas whose own series are polluted (an hour > 100)
    during the process; the whole city when only the city's series is given, or no area's is."""
    areas = []
    for area in AREAS:
        if area.code == CITY.code or area.code not in series_by_area:
            continue
        aqi = series_by_area[area.code]["aqi"].astype(float).loc[start:end]
        if aqi.gt(POLLUTED_AQI).any():
            areas.append({"code": area.code, "name": area.name})
    return areas or [{"code": CITY.code, "name": CITY.name}]


def warning_content(
    process: Process, level: str, series_by_area: Mapping[str, pd.DataFrame], windows: pd.DataFrame
) -> dict[str, Any]:
    """What the warning says (§11) about one process at one level; the weather trend comes from
    the consultation (附件4) and the effective start defaults to publication (None)."""
    city = series_by_area[CITY.code]
    days = day_values(city, windows, process.start, process.end)
    low = _aqi_integer(min(d[1] for d in days)) if days else None
    high = _aqi_integer(max(d[2] for d in days)) if days else None
    return {
        "process_start": _iso(process.start),
        "process_end": _iso(process.end),
        "aqi_low": low,
        "aqi_high": high,
        "aqi_range": ("" if low is None or high is None else str(high) if low == high else f"{low}～{high}"),
        "degree": degree_text(low, high, str(edition_for(pd.Series([process.start])).iloc[0])),
        "primary_pollutant": primary_of_hours(city, process.start, process.end),
        "level": level,
        "response_level": RESPONSE_LEVELS[level],
        "effective_start": None,
        "areas": affected_areas(series_by_area, process.start, process.end),
        "weather_trend": None,
        "days": [
            {"date": day.isoformat(), "aqi_low": _aqi_integer(lo), "aqi_high": _aqi_integer(hi)} for day, lo, hi in days
        ],
    }


def names_no_pollutant(series: pd.DataFrame) -> bool:
    """§3: the series gives neither concentrations nor a primary pollutant for any hour."""
    concentrations = [c for c in ("pm25", "pm10", "so2", "no2", "o3", "co", "o3_8h") if c in series]
    has_conc = bool(series[concentrations].notna().to_numpy().any()) if concentrations else False
    return not has_conc and not series["primary_pollutant"].notna().any()


# --------------------------------------------------------------------------- evaluate


def evaluate(
    data: Any,
    *,
    active_level: str = "none",
    now: pd.Timestamp | dt.datetime | str | None = None,
) -> dict[str, Any]:
    """Classify forecasts by warning-rules.md and return the object of interfaces.md §2.

    ``data``: a canonical frame (:attr:`ReadResult.frame`), a :class:`ReadResult`, a list of
    either, or the ``{area_code: series}`` of :func:`build_series`. ``active_level``: the
    warning in force. ``now``: the evaluation time (default: the first hour of the data),
    taken at the start of its hour.

    Beside the keys of interfaces.md §2 the object has ``now``, ``active_level``,
    ``forecast_level`` (the highest level of the current process from now, R, and the next
    processes), ``current_process``, ``reached_level``, ``remaining_level``, ``next_processes``,
    ``issue_due_now``, ``warning_content`` (§11), ``ozone_windows``, ``windows`` (the windows that
    decided each process) and, per process, ``response_level``, ``timing``, ``issue_by``, ``rules``
    and ``windows``.
    """
    active_level = normalise_level(active_level)
    series_by_area = _as_series(data)
    city = series_by_area.get(CITY.code)
    if now is None:
        firsts = [s.index[0] for s in series_by_area.values() if not s.empty]
        now = min(firsts) if firsts else None
    now_hour = _hour(now) if now is not None else None
    reasons: list[str] = []

    if city is not None:
        city_windows = window_values(city)
        runs = Runs(city, city_windows, LEVEL_RULES, "particulate")
        processes = find_processes(city, runs)
        ozone = Runs(city, city_windows, {"ozone": OZONE_RULES}, "ozone").any_matches("ozone")
    else:
        city_windows, runs, processes, ozone = None, None, [], []
    levelled = [p for p in processes if p.level != "none"]
    level = _higher(*(p.level for p in levelled))
    alerts = so2_alerts(series_by_area)

    where: Situation | None = None
    about: Process | None = None
    if city is None or now_hour is None or runs is None:
        urgent = False
        recommendation, proposed = ("none", None) if active_level == "none" else ("maintain", active_level)
        forecast_level = "none"
    else:
        where = situation(processes, runs, now_hour)
        urgent = is_urgent(city, now_hour, city_windows)
        recommendation, proposed, about = recommend(active_level, where, city)
        forecast_level = _higher(where.reached, *(p.level for p in where.following))
    approver = approver_for(recommendation, active_level, proposed)

    lift_at = lift_start(city, now_hour) if recommendation == "lift" and city is not None else None
    issue_target: Process | None = None
    if recommendation == "issue":
        issue_target = about
    elif recommendation == "lift" and where is not None:
        # The warning in force ends; the next process with a level needs a warning of its own.
        candidates = (
            [where.current] if where.current is not None and not where.current_holds_now else []
        ) + where.following
        issue_target = next((p for p in candidates if p.level != "none" and p.start > now_hour), None)
    issue_by = issue_target.issue_by if issue_target is not None else None
    issue_due_now = bool(recommendation == "issue" and issue_by is not None and (issue_by <= now_hour or urgent))

    content = None
    if about is not None and proposed is not None and city_windows is not None:
        content = warning_content(about, proposed, series_by_area, city_windows)

    # --- reasons ---------------------------------------------------------------------
    if city is None:
        reasons.append(f"文件中没有{CITY.name}（{CITY.code}）的数据：预警级别按全市数据确定，未判定预警级别")
    elif names_no_pollutant(city):
        reasons.append(
            UNKNOWN_POLLUTANT_REASON + "（文件既未给出污染物浓度，也未给出首要污染物；发布时由办公室填写首要污染物）"
        )
    for process in processes:
        reasons.extend(_process_reasons(process, where))
    if city is not None and not levelled:
        reasons.append("未达到黄色及以上预警条件（细颗粒物等颗粒物为首要污染物的 24 小时窗口）")
    if city_windows is not None:
        excluded = int(city_windows["dust_excluded"].sum())
        if excluded:
            reasons.append(f"{excluded} 个 24 小时窗口以沙尘天气为主，不纳入本预案（预案 1.4）")
    for match in ozone:
        reasons.append("臭氧预警提示条件成立（臭氧为首要污染物）：" + _match_sentence(match))
    for alert in alerts:
        reasons.append(
            f"{alert.area_name}二氧化硫小时浓度超过 {SO2_LIMIT} 微克/立方米："
            f"{_clock(alert.start)} 至 {_clock(alert.end)}，最高 {_number_text(alert.max_so2)}"
            " 微克/立方米，应采取针对性应急管控措施（预案 3.3）"
        )
    if where is not None:
        reasons.extend(_situation_reasons(where))
    if urgent:
        reasons.append(
            "监测空气质量已达严重污染（前 24 小时实测 AQI 均值 > 300），且自当前时刻起的 24 小时窗口"
            " AQI > 200、未来 24 小时不会明显改善：应立即按当前过程级别启动（或升级）预警，不受提前 24 小时限制（预案 4.2）"
        )
    if issue_target is not None and issue_by is not None:
        due = "，应立即起草审批表" if issue_due_now else ""
        reasons.append(
            f"应提前 24 小时以上发布预警：最迟于 {_clock(issue_by)} 发布"
            f"（过程自 {_clock(issue_target.start)} 开始{due}）"
        )
    reasons.append(_recommendation_sentence(recommendation, active_level, forecast_level, proposed, where, lift_at))
    if approver is not None:
        reasons.append(f"审批：{APPROVER_NAMES[approver]}（预案 4.2.2、4.4）")

    windows = [
        {**window, "process": index, "level": process.level}
        for index, process in enumerate(levelled)
        for window in _match_windows(process.matches)
    ]
    timing = _timings(processes, where)
    return {
        "level": level,
        "response_level": RESPONSE_LEVELS[level],
        "processes": [_process_json(p, timing.get(id(p), "past")) for p in levelled],
        "ozone_prompt": bool(ozone),
        "so2_alerts": [
            {
                "area": a.area_name,
                "start": _iso(a.start),
                "end": _iso(a.end),
                "max_so2": _json_number(a.max_so2),
                "area_code": a.area_code,
            }
            for a in alerts
        ],
        "issue_by": _iso(issue_by) if issue_by is not None else None,
        "urgent": bool(urgent),
        "recommendation": recommendation,
        "proposed_level": proposed,
        "lift_at": _iso(lift_at) if lift_at is not None else None,
        "approver": approver,
        "reasons": reasons,
        "now": _iso(now_hour) if now_hour is not None else None,
        "active_level": active_level,
        "forecast_level": forecast_level,
        "current_process": (
            _process_json(where.current, timing.get(id(where.current), "current"))
            if where is not None and where.current is not None
            else None
        ),
        "reached_level": where.reached if where is not None else "none",
        "remaining_level": where.remaining if where is not None else "none",
        "next_processes": (
            [_process_json(p, "next") for p in where.following if p.level != "none"] if where is not None else []
        ),
        "issue_due_now": issue_due_now,
        "warning_content": content,
        "windows": windows,
        "ozone_windows": _match_windows(ozone),
    }


def normalise_level(level: str | None) -> str:
    """``none``/``yellow``/``orange``/``red``; also 黄色/橙色/红色, III/II/I; else ValueError."""
    if level is None:
        return "none"
    text = str(level).strip()
    aliases = {
        "": "none",
        "无": "none",
        "无预警": "none",
        "黄色": "yellow",
        "橙色": "orange",
        "红色": "red",
        "iii": "yellow",
        "ii": "orange",
        "i": "red",
    }
    key = text.casefold()
    if key in LEVELS:
        return key
    if key in aliases:
        return aliases[key]
    raise ValueError(f"未知的预警级别「{level}」（应为 none、yellow、orange 或 red）")


def _as_series(data: Any) -> dict[str, pd.DataFrame]:
    if isinstance(data, Mapping):
        return {str(code): series for code, series in data.items()}
    if isinstance(data, ReadResult | pd.DataFrame):
        data = [data]
    frames = []
    for item in data if isinstance(data, Iterable) else [data]:
        if isinstance(item, ReadResult):
            if item.errors:
                raise ValueError(f"{item.name} 有错误，不能用于判定")
            frames.append(item.frame)
        elif isinstance(item, pd.DataFrame):
            frames.append(item)
        else:
            raise TypeError(f"无法判定的数据：{type(item).__name__}")
    frames = [f for f in frames if not f.empty]
    if not frames:
        return {}
    return build_series(pd.concat(frames, ignore_index=True))


def _hour(moment: pd.Timestamp | dt.datetime | str) -> pd.Timestamp:
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize(TZ) if stamp.tzinfo is None else stamp.tz_convert(TZ)
    return stamp.floor("h")


def _iso(stamp: pd.Timestamp) -> str:
    return pd.Timestamp(stamp).tz_convert(TZ).isoformat()


def _clock(stamp: pd.Timestamp) -> str:
    return pd.Timestamp(stamp).tz_convert(TZ).strftime("%Y-%m-%d %H:%M")


def _json_number(value: float) -> int | float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None  # type: ignore[return-value]
    value = float(value)
    return int(value) if value.is_integer() else round(value, 1)


def _number_text(value: float) -> str:
    number = _json_number(value)
    return str(number)


def _kinds_sentence(match: RuleMatch) -> str:
    """Which hours of a run were observed and which forecast (§7: both count alike)."""
    parts = [
        f"{KIND_NAMES.get(kind, kind)} {hours} 小时（{_clock(first)} 至 {_clock(last)}）"
        for kind, hours, first, last in match.kinds
    ]
    return "；其中" + "，".join(parts) if parts else ""


def _match_sentence(match: RuleMatch) -> str:
    values = "、".join(_number_text(v) for v in match.values)
    rule = match.rule
    if rule.days == 1:
        text = f"{_clock(match.start)} 起的 24 小时窗口 AQI > {rule.threshold:g}（{values}）"
    else:
        text = f"自 {_clock(match.start)} 起连续 {rule.days} 个 24 小时窗口 AQI 均 > {rule.threshold:g}（{values}）"
    if rule.peak_over is not None:
        text += f"，其中有窗口 AQI > {rule.peak_over:g}"
    short = [h for h in match.hours if h < WINDOW_HOURS]
    if short:
        text += f"（其中有窗口仅 {min(short)} 小时有数据，按已有小时计算）"
    return text + _kinds_sentence(match)


def _timings(processes: list[Process], where: Situation | None) -> dict[int, str]:
    """past / current / next of every process, relative to now (§7)."""
    if where is None:
        return {}
    timing = {id(p): "past" for p in where.past}
    if where.current is not None:
        timing[id(where.current)] = "current"
    timing.update({id(p): "next" for p in where.following})
    return timing


_TIMING_NAMES = {"past": "已结束的过程", "current": "当前过程", "next": "后续过程"}


def _process_reasons(process: Process, where: Situation | None) -> list[str]:
    head = (
        f"污染过程 {_clock(process.start)} 至 {_clock(process.end)}（AQI > {POLLUTED_AQI}，"
        f"峰值 {_number_text(process.peak_aqi)}）"
    )
    if where is not None:
        timing = _timings([process], where).get(id(process), "past")
        head = f"{_TIMING_NAMES[timing]}：{head}"
    if process.level == "none":
        return [head + "：未达到预警条件"]
    name = COLOUR_NAMES[process.level]
    sentences = [f"{name}预警条件成立：" + _match_sentence(m) for m in process.matches]
    sentences.append(
        head + f"：按一次过程从高级别启动，{name}预警（{RESPONSE_LEVELS[process.level]}级响应）"
        f"自 {_clock(process.start)} 起适用"
    )
    return sentences


def _situation_reasons(where: Situation) -> list[str]:
    """Now, the current process, R and A, and the next processes (§7)."""
    now = _clock(where.now)
    if where.current is None:
        return [f"判定时刻 {now} 之后没有污染过程"]
    current = where.current
    place = "处于" if where.current_holds_now else "之后的第一个"
    sentences = [
        f"判定时刻 {now} {place}污染过程 {_clock(current.start)} 至 {_clock(current.end)}："
        f"已达到级别为{COLOUR_NAMES[where.reached]}（末窗口在判定时刻及以后的判定），"
        f"余下级别为{COLOUR_NAMES[where.remaining]}（判定时刻及以后开始的判定）"
    ]
    if where.reached != "none" and where.reached_matches:
        sentences.append(
            f"当前过程{COLOUR_NAMES[where.reached]}级别的依据：" + _match_sentence(where.reached_matches[0])
        )
    for process in where.following:
        if process.level == "none":
            continue
        sentences.append(
            f"后续污染过程 {_clock(process.start)} 起达到{COLOUR_NAMES[process.level]}预警条件，"
            f"需单独发布预警，最迟于 {_clock(process.issue_by)} 发布"
        )
    return sentences


def _match_windows(matches: list[RuleMatch]) -> list[dict[str, Any]]:
    seen: dict[pd.Timestamp, dict[str, Any]] = {}
    for match in matches:
        for start, value in zip(match.window_starts, match.values, strict=True):
            seen.setdefault(
                start,
                {
                    "start": _iso(start),
                    "end": _iso(start + (WINDOW_HOURS - 1) * HOUR),
                    "value": _json_number(value),
                    "rule": match.rule.describe(),
                },
            )
    return [seen[key] for key in sorted(seen)]


def _process_json(process: Process, timing: str) -> dict[str, Any]:
    return {
        "level": process.level,
        "start": _iso(process.start),
        "end": _iso(process.end),
        "peak_aqi": _json_number(process.peak_aqi),
        "issue_by": _iso(process.issue_by),
        "timing": timing,
        "response_level": RESPONSE_LEVELS[process.level],
        "rules": [m.rule.describe() for m in process.matches],
        "windows": _match_windows(process.matches),
    }


def _recommendation_sentence(
    recommendation: str,
    active: str,
    forecast: str,
    proposed: str | None,
    where: Situation | None,
    lift_at: pd.Timestamp | None,
) -> str:
    since = f"自 {_clock(where.now)} 起" if where is not None else ""
    if recommendation == "none":
        return f"当前无预警，{since}当前及后续过程均未达到预警条件：无需发布"
    if recommendation == "issue" and proposed is not None:
        return f"当前无预警，{since}污染过程达到{COLOUR_NAMES[proposed]}预警条件：建议发布{COLOUR_NAMES[proposed]}预警"
    if recommendation == "upgrade" and proposed is not None:
        return (
            f"当前为{COLOUR_NAMES[active]}预警，当前过程已达到更高的{COLOUR_NAMES[proposed]}"
            f"预警条件：建议立即升级为{COLOUR_NAMES[proposed]}预警（预案 4.3）"
        )
    if recommendation == "lift":
        when = f"自 {_clock(lift_at)} 起" if lift_at is not None else ""
        return (
            f"当前为{COLOUR_NAMES[active]}预警，预测{when} AQI ≤ {POLLUTED_AQI} 持续 "
            f"{CLEAN_HOURS} 小时以上：建议解除预警，解除时间 {_clock(lift_at) if lift_at is not None else '—'}（预案 4.4）"
        )
    if recommendation == "downgrade" and proposed is not None and where is not None:
        return (
            f"当前为{COLOUR_NAMES[active]}预警，{since}未来 {CLEAN_HOURS} 小时 AQI 均 ≤ "
            f"{DOWNGRADE_THRESHOLDS[active]:g}，当前过程余下级别为{COLOUR_NAMES[where.remaining]}：建议降为"
            f"{COLOUR_NAMES[proposed]}预警（预案 4.3）"
        )
    return (
        f"当前为{COLOUR_NAMES[active]}预警，{since}预测级别为{COLOUR_NAMES[forecast]}，"
        f"未达到升级、降级或解除条件：建议维持{COLOUR_NAMES[active]}预警"
    )


__all__ = [
    "LEVELS",
    "LEVEL_RULES",
    "OZONE_RULES",
    "Process",
    "Rule",
    "RuleMatch",
    "Runs",
    "Situation",
    "So2Alert",
    "approver_for",
    "classify_windows",
    "evaluate",
    "find_processes",
    "is_urgent",
    "lift_start",
    "normalise_level",
    "ozone_matches",
    "process_spans",
    "recommend",
    "rule_holds",
    "situation",
    "so2_alerts",
    "stays_below",
    "warning_content",
]
