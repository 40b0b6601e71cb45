"""Drafting the approval form's texts from an evaluation: the basis, and the content plan §4.2.3
lists (trend, time, AQI range, degree, primary pollutant, level, response level, start time)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.utils import timezone

from .domain.lifecycle import LEVEL_NAMES, RESPONSE, RESPONSE_NAMES, Action, Level

DEGREE = [(300, "严重污染"), (200, "重度污染"), (150, "中度污染"), (100, "轻度污染"), (50, "良"), (0, "优")]


def degree(aqi: float) -> str:
    for low, name in DEGREE:
        if aqi > low:
            return name
    return "优"


@dataclass(frozen=True)
class DraftTexts:
    basis: str
    content: str
    public_message: str
    effective_at: dt.datetime
    episode_start: dt.datetime | None
    episode_end: dt.datetime | None
    primary_pollutant: str
    aqi_range: str


def _fmt(ts: str | None) -> str:
    if not ts:
        return "—"
    return pd.Timestamp(ts).tz_convert("Asia/Shanghai").strftime("%Y年%m月%d日%H时")


def _primary(result: dict) -> str:
    counts: dict[str, int] = {}
    for window in result.get("windows", []) or []:
        for name in str(window.get("primary_pollutant") or "").split(","):
            if name:
                counts[name] = counts.get(name, 0) + 1
    if counts:
        return max(counts, key=counts.get)
    return "PM2.5"


def draft_texts(*, result: dict, action: str, level: str) -> DraftTexts:
    action = Action(action)
    processes = [p for p in result.get("processes", []) if p.get("level") not in (None, "none")]
    process = max(processes, key=lambda p: p.get("peak_aqi") or 0) if processes else None
    values = [w.get("value") for w in result.get("windows", []) or [] if w.get("value") is not None]
    low = min(values) if values else None
    high = max(values) if values else (process.get("peak_aqi") if process else None)
    aqi_range = f"{round(low)}～{round(high)}" if low is not None and high is not None else ""
    pollutant = _primary(result)
    now = timezone.now()
    start = pd.Timestamp(process["start"]).to_pydatetime() if process else None
    end = pd.Timestamp(process["end"]).to_pydatetime() if process else None
    reasons = "\n".join(f"{i}. {r}" for i, r in enumerate(result.get("reasons", []), start=1))
    basis = f"根据预警评估（评估时间 {_fmt(result.get('now'))}）：\n{reasons}"
    if action == Action.LIFT:
        content = (
            f"经监测和预测，全市空气质量已改善或将改善至优良水平，且预测将持续 36 小时以上。"
            f"建议于 {_fmt(now.isoformat())} 解除重污染天气{LEVEL_NAMES[Level(result.get('active_level', 'none'))]}，"
            f"终止应急响应，各成员单位通知采取响应措施的单位终止响应。"
        )
        public = f"阳泉市重污染天气预警解除：全市空气质量已明显改善，自{_fmt(now.isoformat())}起解除预警，终止应急响应。"
        return DraftTexts(basis, content, public, now, None, None, "", "")
    response = RESPONSE[Level(level)]
    trend = "受不利气象条件影响，预计污染物扩散条件较差，空气质量将持续处于污染水平"
    when = f"{_fmt(process['start'])}至{_fmt(process['end'])}" if process else "未来数日"
    peak = process.get("peak_aqi") if process else high
    degree_text = degree(peak) if peak is not None else "重度污染"
    effective = max(now, start) if start else now
    verb = {Action.ISSUE: "发布", Action.UPGRADE: "升级为", Action.DOWNGRADE: "降级为"}[action]
    content = (
        f"一、气象条件变化趋势：{trend}。\n"
        f"二、重污染天气发生时间：{when}。\n"
        f"三、AQI 范围：{aqi_range or '—'}，污染程度：{degree_text}，首要污染物：{pollutant}。\n"
        f"四、预警等级：{LEVEL_NAMES[Level(level)]}；响应级别：{RESPONSE_NAMES[response]}。\n"
        f"五、响应启动时间：{_fmt(effective.isoformat())}。各成员单位、各县区人民政府及开发区管委会按照{RESPONSE_NAMES[response]}要求立即启动应急响应措施。"
    )
    public = (
        f"阳泉市重污染天气应急指挥部{verb}{LEVEL_NAMES[Level(level)]}：预计{when}全市将出现{degree_text}天气，"
        f"AQI {aqi_range or '—'}，首要污染物 {pollutant}。自{_fmt(effective.isoformat())}起启动{RESPONSE_NAMES[response]}。"
        "请儿童、老年人和呼吸道、心脑血管疾病患者尽量留在室内，一般人群减少户外活动。"
    )
    return DraftTexts(basis, content, public, effective, start, end, pollutant, aqi_range)
