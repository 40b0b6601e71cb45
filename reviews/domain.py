"""Pure arithmetic of the after-action record (总结评估, plan §6, 附件6, 附件8): hours of a
response, the yearly totals, the levels it went through, and observed AQI around it.

No ORM and no request here; the selectors feed plain values in.

Hours (附件6 备注："表格内时间均精确到小时"): a time is written to its hour by cutting off the
minutes (08:20 → 08时), and a response lasts from the hour of publication to the hour of
lifting: issued 12-01 08:20 and lifted 12-04 17:40 is 12-01 08时 – 12-04 17时, 81 hours. Cutting
off both ends the same way keeps every figure consistent with the two times printed beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from forecasts.domain.rules import LEVEL_NAMES

#: 预警级别 → 响应级别 (plan §4.1, §5.1).
RESPONSE_LEVELS: dict[str, str] = {"yellow": "III", "orange": "II", "red": "I"}
RESPONSE_NAMES: dict[str, str] = {"III": "Ⅲ级", "II": "Ⅱ级", "I": "Ⅰ级"}
LEVEL_RANK: dict[str, int] = {"none": 0, "yellow": 1, "orange": 2, "red": 3}
ACTION_NAMES: dict[str, str] = {"issue": "发布", "upgrade": "升级", "downgrade": "降级", "lift": "解除"}

#: 附件8 prefill: the observed mean AQI this long before the start and after the end.
AROUND = dt.timedelta(hours=72)


def floor_hour(moment: dt.datetime) -> dt.datetime:
    """The hour a time is written as (附件6: 精确到小时): minutes and seconds cut off."""
    return moment.replace(minute=0, second=0, microsecond=0)


def hours_between(start: dt.datetime, end: dt.datetime) -> int:
    """Whole hours from the hour of ``start`` to the hour of ``end`` (never negative)."""
    seconds = (floor_hour(end) - floor_hour(start)).total_seconds()
    return max(int(seconds // 3600), 0)


def hour_text(moment: dt.datetime | None) -> str:
    """``2026年12月01日08时`` (the moment must already be in local time)."""
    if moment is None:
        return ""
    return f"{moment.year}年{moment.month:02d}月{moment.day:02d}日{moment.hour:02d}时"


def duration_text(hours: int | None) -> str:
    """``81小时（3天9小时）``."""
    if hours is None:
        return ""
    days, rest = divmod(hours, 24)
    if days == 0:
        return f"{hours}小时"
    return f"{hours}小时（{days}天{rest}小时）" if rest else f"{hours}小时（{days}天）"


def level_label(level: str) -> str:
    """``Ⅲ级（黄色预警）``."""
    response = RESPONSE_LEVELS.get(level)
    if not response:
        return LEVEL_NAMES.get(level, level)
    return f"{RESPONSE_NAMES[response]}（{LEVEL_NAMES[level]}）"


@dataclass(frozen=True)
class LevelStep:
    """One decision that set the level: the issue, an upgrade or a downgrade."""

    at: dt.datetime
    action: str
    from_level: str
    level: str


def highest_level(steps: Iterable[LevelStep]) -> str:
    levels = [s.level for s in steps]
    return max(levels, key=lambda lv: LEVEL_RANK.get(lv, 0)) if levels else "none"


@dataclass(frozen=True)
class Episode:
    """A warning as a response: its start and end (may be open) and its level steps."""

    start: dt.datetime | None
    end: dt.datetime | None
    steps: tuple[LevelStep, ...]

    @property
    def hours(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return hours_between(self.start, self.end)


def year_totals(episodes: Iterable[Episode], *, year: int, upto: dt.datetime) -> tuple[int, int]:
    """年度累计响应次数 and 年度累计响应时间 (hours): the responses that started in ``year`` no later
    than ``upto`` (the response being summarised, included) and have ended. A response is counted
    in the year it started, with all its hours."""
    count = hours = 0
    for episode in episodes:
        if episode.start is None or episode.end is None:
            continue
        if episode.start.year != year or episode.start > upto:
            continue
        count += 1
        hours += hours_between(episode.start, episode.end)
    return count, hours


# --------------------------------------------------------------------------- AQI around a response


def hourly_aqi(series_by_area: dict[str, pd.DataFrame], *, city_code: str) -> pd.Series:
    """One hourly AQI series for the city: the city's own rows when there are any, else the mean
    of the areas that report that hour."""
    if not series_by_area:
        return pd.Series(dtype="float64")
    if city_code in series_by_area:
        return series_by_area[city_code]["aqi"].astype("float64").dropna()
    joined = pd.concat({code: s["aqi"].astype("float64") for code, s in series_by_area.items()}, axis=1)
    return joined.mean(axis=1, skipna=True).dropna()


@dataclass(frozen=True)
class AqiWindow:
    label: str
    start: dt.datetime
    end: dt.datetime
    mean: float | None
    hours: int


def aqi_windows(aqi: pd.Series, *, start: dt.datetime, end: dt.datetime) -> list[AqiWindow]:
    """Mean observed AQI in the 72 hours before the response, during it, and the 72 hours after
    (half-open intervals on the hours: [start−72h, start), [start, end), [end, end+72h))."""
    start, end = floor_hour(start), floor_hour(end)
    spans = [
        ("响应前72小时", start - AROUND, start),
        ("响应期间", start, end),
        ("响应后72小时", end, end + AROUND),
    ]
    result = []
    for label, lo, hi in spans:
        if len(aqi):
            index = aqi.index
            part = aqi[(index >= pd.Timestamp(lo)) & (index < pd.Timestamp(hi))]
        else:
            part = aqi
        mean = round(float(part.mean()), 1) if len(part) else None
        result.append(AqiWindow(label=label, start=lo, end=hi, mean=mean, hours=int(len(part))))
    return result


def change_percent(before: float | None, after: float | None) -> float | None:
    if before is None or after is None or before == 0:
        return None
    return round((after - before) / before * 100, 1)


def evaluation_text(
    *,
    warning_number: str,
    level: str,
    start: dt.datetime,
    end: dt.datetime | None,
    windows: list[AqiWindow],
    reduction_lines: list[str],
) -> str:
    """The prefill of 附件8 评估内容: the response, AQI around it, and the expected reduction."""
    lines = []
    span = f"{hour_text(start)}至{hour_text(end)}" if end else f"{hour_text(start)}起"
    hours = hours_between(start, end) if end else None
    head = f"本次重污染天气应急响应（预警编号 {warning_number}，最高{level_label(level)}）时段为{span}"
    lines.append(head + (f"，持续{duration_text(hours)}。" if hours is not None else "。"))
    by_label = {w.label: w for w in windows}
    before, during, after = (by_label.get(k) for k in ("响应前72小时", "响应期间", "响应后72小时"))
    parts = []
    for window in (before, during, after):
        if window is None:
            continue
        if window.mean is None:
            parts.append(f"{window.label}无实况数据")
        else:
            parts.append(f"{window.label}全市实况AQI均值为{window.mean:g}（{window.hours}小时）")
    if parts:
        lines.append("空气质量：" + "；".join(parts) + "。")
    if before and during:
        change = change_percent(before.mean, during.mean)
        if change is not None:
            word = "上升" if change > 0 else "下降"
            lines.append(f"响应期间AQI均值较响应前{word}{abs(change):g}%。")
    if during and after:
        change = change_percent(during.mean, after.mean)
        if change is not None:
            word = "上升" if change > 0 else "下降"
            lines.append(f"响应结束后72小时AQI均值较响应期间{word}{abs(change):g}%。")
    if reduction_lines:
        lines.append("减排测算：" + "；".join(reduction_lines) + "。")
    lines.append("评估意见：")
    return "\n".join(lines)
