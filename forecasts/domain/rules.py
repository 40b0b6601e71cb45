"""The warning classifier (预警分级) of warning-rules.md, as pure functions over pandas series.

- §4 levels (plan §3.1, 细颗粒物为首要污染物的重污染天气): yellow 黄色 (III级), orange 橙色
  (II级), red 红色 (I级), each "AQI > X lasting N×24 h" on 24-hour windows of any start hour;
- §5 the ozone prompt (臭氧预警提示, plan §3.2) and SO2 alerts per area (plan §3.3);
- §6 processes (重污染过程, plan §4.1, §4.3): spells joined unless 36 clean hours lie between,
  the level applies from the process's start ("从高级别启动预警"), issue 24 hours ahead;
- §7 the recommendation for the warning in force (发布、升级、降级、解除) and §8 its approver.

:func:`evaluate` returns the JSON object of interfaces.md §2.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .areas import CITY, area_by_code
from .readers import TZ, ReadResult
from .series import HOUR, MIN_HOURS, WINDOW_HOURS, build_series, window_values

LEVELS: tuple[str, ...] = ("none", "yellow", "orange", "red")
LEVEL_NAMES: dict[str, str] = {"none": "无预警", "yellow": "黄色", "orange": "橙色", "red": "红色"}
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

#: §6: a spell is an hour with AQI above this; §7: lifting needs hours at or below it.
POLLUTED_AQI = 100
#: §6, §7: hours of AQI ≤ 100 that end a process / lift a warning (plan §4.3, §4.4).
CLEAN_HOURS = 36
#: §6: issue at least this long before a process starts (plan §4.2).
ISSUE_AHEAD = pd.Timedelta(hours=24)
#: §6 urgent: observed AQI above this (严重污染).
SEVERE_AQI = 300
#: §5: hourly SO2 above this (µg/m³) calls for the area's targeted measures (plan §3.3).
SO2_LIMIT = 150


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
    """A rule that held, at the earliest start hour where it held, with its windows."""

    rule: Rule
    start: pd.Timestamp
    values: tuple[float, ...]
    hours: tuple[int, ...] = ()

    @property
    def window_starts(self) -> tuple[pd.Timestamp, ...]:
        return tuple(self.start + i * WINDOW_HOURS * HOUR for i in range(self.rule.days))


@dataclass
class Process:
    """A heavy-pollution process (重污染过程), warning-rules.md §6."""

    start: pd.Timestamp
    end: pd.Timestamp
    level: str
    peak_aqi: float
    matches: list[RuleMatch] = field(default_factory=list)


@dataclass(frozen=True)
class So2Alert:
    """Consecutive hours of an area's forecast hourly SO2 above 150 µg/m³ (plan §3.3)."""

    area_code: str
    area_name: str
    start: pd.Timestamp
    end: pd.Timestamp
    max_so2: float


# --------------------------------------------------------------------------- §2 "lasting"


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


def _first_match(windows: pd.DataFrame, values: pd.Series, rule: Rule) -> RuleMatch | None:
    """Where the rule holds: among the start hours where it holds, the one whose windows have
    the most hours of data (a full 24 hours rather than 20 overhanging the data), earliest first."""
    held = rule_holds(values, rule)
    if not held.any():
        return None
    hours = windows["hours"].astype(float)
    coverage = hours.copy()
    for day in range(1, rule.days):
        coverage = np.fmin(coverage, hours.shift(-day * WINDOW_HOURS))
    start = coverage.where(held).idxmax()
    steps = [start + day * WINDOW_HOURS * HOUR for day in range(rule.days)]
    return RuleMatch(
        rule,
        start,
        tuple(float(values[s]) for s in steps),
        tuple(int(hours[s]) for s in steps),
    )


def family_values(windows: pd.DataFrame, family: str) -> pd.Series:
    """Window values of one rule family (§3); windows of the other family count as no value."""
    return windows["value"].where(windows["family"] == family)


def classify_windows(windows: pd.DataFrame) -> tuple[str, list[RuleMatch]]:
    """The highest level of §4 that holds on these windows, and the rules that decided it."""
    values = family_values(windows, "particulate")
    for level in ("red", "orange", "yellow"):
        matches = [m for rule in LEVEL_RULES[level] if (m := _first_match(windows, values, rule))]
        if matches:
            return level, matches
    return "none", []


def ozone_matches(windows: pd.DataFrame) -> list[RuleMatch]:
    """The ozone-prompt rules (§5) that hold among O3-primary windows."""
    values = family_values(windows, "ozone")
    return [m for rule in OZONE_RULES if (m := _first_match(windows, values, rule))]


# --------------------------------------------------------------------------- §6 processes


def find_processes(series: pd.DataFrame) -> list[Process]:
    """Every process of a series (warning-rules.md §6), with or without a level.

    A spell is a run of hours with AQI > 100; spells belong to one process unless the gap
    between them holds at least 36 consecutive hours with AQI ≤ 100. A missing hour belongs to
    no spell and is not a clean hour either (it cannot show that the lifting condition held).
    """
    if series.empty:
        return []
    aqi = series["aqi"].astype(float)
    polluted = aqi.gt(POLLUTED_AQI)
    if not polluted.any():
        return []
    clean = aqi.le(POLLUTED_AQI)
    run_id = clean.ne(clean.shift()).cumsum()
    run_length = clean.astype(int).groupby(run_id).transform("sum")
    long_clean = clean & run_length.ge(CLEAN_HOURS)
    segment = (long_clean & ~long_clean.shift(fill_value=False)).cumsum()
    hours = pd.Series(series.index[polluted.to_numpy()], index=series.index[polluted.to_numpy()])
    spans = hours.groupby(segment[polluted].to_numpy()).agg(["min", "max"])

    processes = []
    for start, end in spans.itertuples(index=False):
        # The process's own hours only: hours outside it count as missing (§6).
        level, matches = classify_windows(window_values(series.loc[start:end]))
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


def is_urgent(series: pd.DataFrame, now: pd.Timestamp) -> bool:
    """§6 urgent (plan §4.2, "当监测空气质量已达到严重污染，且预测未来24小时内不会有明显改善"):
    the observed hours of the 24 hours before ``now`` (at least 20 of them) average AQI > 300,
    and the 24 hours from ``now`` on (at least 20 with data) average AQI > 300 as well."""
    if series.empty:
        return False
    aqi = series["aqi"].astype(float)
    before = aqi.loc[now - WINDOW_HOURS * HOUR : now - HOUR]
    observed = before[series.loc[before.index, "kind"].eq("observed")].dropna()
    if len(observed) < MIN_HOURS or not observed.mean() > SEVERE_AQI:
        return False
    ahead = aqi.loc[now : now + (WINDOW_HOURS - 1) * HOUR].dropna()
    return len(ahead) >= MIN_HOURS and ahead.mean() > SEVERE_AQI


def lift_start(series: pd.DataFrame, now: pd.Timestamp) -> pd.Timestamp | None:
    """§7 lift: the first hour within the next 24 hours from which the hourly AQI stays ≤ 100
    for at least 36 consecutive hours (plan §4.4 "改善达到优良级别，且预测将持续36小时以上")."""
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


def recommend(active_level: str, forecast_level: str, series: pd.DataFrame, now: pd.Timestamp) -> tuple[str, str]:
    """§7: (recommendation, proposed level) for the warning in force and the forecast level."""
    if active_level == "none":
        return ("issue", forecast_level) if forecast_level != "none" else ("none", "none")
    if _rank(forecast_level) > _rank(active_level):
        return "upgrade", forecast_level
    if lift_start(series, now) is not None:
        return "lift", "none"
    if (
        active_level != "yellow"
        and _rank(forecast_level) < _rank(active_level)
        and stays_below(series, now, DOWNGRADE_THRESHOLDS[active_level])
    ):
        return "downgrade", max(forecast_level, "yellow", key=_rank)
    return "maintain", active_level


def approver_for(recommendation: str, active_level: str, proposed_level: str) -> str | None:
    """§8: the commander (总指挥) for anything that involves red, otherwise the vice-commander
    (副总指挥); nobody when nothing is to be approved."""
    if recommendation in ("maintain", "none"):
        return None
    if "red" in (active_level, proposed_level):
        return "commander"
    return "vice_commander"


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
    ``forecast_level`` (the level of the series from ``now`` on), ``proposed_level``,
    ``ozone_windows``, ``windows`` (the windows that decided each process) and, per process,
    ``response_level``, ``rules`` and ``windows``.
    """
    active_level = normalise_level(active_level)
    series_by_area = _as_series(data)
    city = series_by_area.get(CITY.code)
    if now is None:
        firsts = [s.index[0] for s in series_by_area.values() if not s.empty]
        now = min(firsts) if firsts else None
    now_hour = _hour(now) if now is not None else None
    reasons: list[str] = []

    processes = find_processes(city) if city is not None else []
    levelled = [p for p in processes if p.level != "none"]
    level = max((p.level for p in levelled), key=_rank, default="none")

    city_windows = window_values(city) if city is not None else None
    ozone = ozone_matches(city_windows) if city_windows is not None else []
    alerts = so2_alerts(series_by_area)

    if city is None or now_hour is None:
        forecast_level, urgent = "none", False
        future = None
    else:
        future = city.loc[now_hour:]
        forecast_level = max((p.level for p in find_processes(future)), key=_rank, default="none")
        urgent = is_urgent(city, now_hour)
    if future is not None and now_hour is not None:
        recommendation, proposed = recommend(active_level, forecast_level, future, now_hour)
    else:
        recommendation, proposed = (
            ("none", "none")
            if active_level == "none"
            else (
                "maintain",
                active_level,
            )
        )
    approver = approver_for(recommendation, active_level, proposed)
    issue_by = levelled[0].start - ISSUE_AHEAD if levelled else None

    # --- reasons ---------------------------------------------------------------------
    if city is None:
        reasons.append(f"文件中没有{CITY.name}（{CITY.code}）的数据：预警级别按全市数据确定，未判定预警级别")
    for process in processes:
        reasons.extend(_process_reasons(process))
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
    if issue_by is not None:
        reasons.append(
            f"应提前 24 小时以上发布预警：最迟于 {_clock(issue_by)} 发布（过程自 {_clock(levelled[0].start)} 开始）"
        )
    if urgent:
        reasons.append(
            "监测空气质量已达严重污染（前 24 小时实测 AQI 均值 > 300），且预测未来 24 小时"
            "不会明显改善：应尽早启动相应级别预警（预案 4.2）"
        )
    reasons.append(_recommendation_sentence(recommendation, active_level, forecast_level, proposed, future, now_hour))
    if approver is not None:
        reasons.append(f"审批：{APPROVER_NAMES[approver]}（预案 4.2.2、4.4）")

    windows = [
        {**window, "process": index, "level": process.level}
        for index, process in enumerate(levelled)
        for window in _match_windows(process.matches)
    ]
    return {
        "level": level,
        "response_level": RESPONSE_LEVELS[level],
        "processes": [_process_json(p) for p in levelled],
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
        "approver": approver,
        "reasons": reasons,
        "now": _iso(now_hour) if now_hour is not None else None,
        "active_level": active_level,
        "forecast_level": forecast_level,
        "proposed_level": proposed,
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
        text += f"（其中有窗口仅 {min(short)} 小时数据，按已有小时计算）"
    return text


def _process_reasons(process: Process) -> list[str]:
    head = (
        f"污染过程 {_clock(process.start)} 至 {_clock(process.end)}（AQI > {POLLUTED_AQI}，"
        f"峰值 {_number_text(process.peak_aqi)}）"
    )
    if process.level == "none":
        return [head + "：未达到预警条件"]
    name = LEVEL_NAMES[process.level]
    sentences = [f"{name}预警条件成立：" + _match_sentence(m) for m in process.matches]
    sentences.append(
        head + f"：按一次过程从高级别启动，{name}预警（{RESPONSE_LEVELS[process.level]}级响应）"
        f"自 {_clock(process.start)} 起适用"
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


def _process_json(process: Process) -> dict[str, Any]:
    return {
        "level": process.level,
        "start": _iso(process.start),
        "end": _iso(process.end),
        "peak_aqi": _json_number(process.peak_aqi),
        "response_level": RESPONSE_LEVELS[process.level],
        "rules": [m.rule.describe() for m in process.matches],
        "windows": _match_windows(process.matches),
    }


def _recommendation_sentence(
    recommendation: str,
    active: str,
    forecast: str,
    proposed: str,
    future: pd.DataFrame | None,
    now: pd.Timestamp | None,
) -> str:
    since = f"自 {_clock(now)} 起" if now is not None else ""
    if recommendation == "none":
        return f"当前无预警，{since}预测未达到预警条件：无需发布"
    if recommendation == "issue":
        return f"当前无预警，{since}预测达到{LEVEL_NAMES[forecast]}预警条件：建议发布{LEVEL_NAMES[forecast]}预警"
    if recommendation == "upgrade":
        return (
            f"当前为{LEVEL_NAMES[active]}预警，{since}预测达到更高的{LEVEL_NAMES[forecast]}"
            f"预警条件：建议尽早升级为{LEVEL_NAMES[proposed]}预警（预案 4.3）"
        )
    if recommendation == "lift":
        start = lift_start(future, now) if future is not None and now is not None else None
        when = f"自 {_clock(start)} 起" if start is not None else ""
        return (
            f"当前为{LEVEL_NAMES[active]}预警，预测{when} AQI ≤ {POLLUTED_AQI} 持续 "
            f"{CLEAN_HOURS} 小时以上：建议解除预警（预案 4.4）"
        )
    if recommendation == "downgrade":
        return (
            f"当前为{LEVEL_NAMES[active]}预警，{since}未来 {CLEAN_HOURS} 小时 AQI 均 ≤ "
            f"{DOWNGRADE_THRESHOLDS[active]:g}，预测级别为{LEVEL_NAMES[forecast]}：建议降为"
            f"{LEVEL_NAMES[proposed]}预警（预案 4.3）"
        )
    return (
        f"当前为{LEVEL_NAMES[active]}预警，{since}预测级别为{LEVEL_NAMES[forecast]}，"
        f"未达到升级、降级或解除条件：建议维持{LEVEL_NAMES[active]}预警"
    )


__all__ = [
    "LEVELS",
    "LEVEL_RULES",
    "OZONE_RULES",
    "Process",
    "Rule",
    "RuleMatch",
    "So2Alert",
    "approver_for",
    "classify_windows",
    "evaluate",
    "find_processes",
    "is_urgent",
    "lift_start",
    "normalise_level",
    "ozone_matches",
    "recommend",
    "rule_holds",
    "so2_alerts",
    "stays_below",
]
