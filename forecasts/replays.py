"""Replays (回放): a historical series fed through the system step by step, as drills (附件7)
and demos do. Each step imports the step's observations and, as the forecast, the record of the
following 72 hours (plan §4.1: a 3-day forecast; a drill assumes it was perfect), through the same
import path as any file; every import is then evaluated (forecasts.tasks.evaluate_import) at the
replay's cursor. A replay's data, evaluations and consultations are kept apart from real ones."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction

from audit.services import audit_record

from .domain.readers import ReadResult, read_file
from .imports import ForecastImportRejected, forecast_store
from .models import ForecastImport, Replay

FORECAST_HORIZON = pd.Timedelta(hours=72)
TZ = "Asia/Shanghai"


class ReplayError(Exception):
    """A replay that cannot start or go on (message in Chinese)."""


def _read(path: str) -> ReadResult:
    file = Path(path)
    if not file.is_file():
        raise ReplayError(f"找不到回放数据文件：{path}")
    result = read_file(file)
    if not result.ok:
        raise ForecastImportRejected(result.errors, name=file.name)
    return result


def replay_start(*, path: str, start: dt.date | None = None, end: dt.date | None = None, step: str = Replay.Step.DAY,
                 seconds_per_step: float = 0.0, name: str = "", actor: Any = None) -> Replay:
    result = _read(path)
    times = result.frame["time"]
    first, last = times.min(), times.max()
    begin = pd.Timestamp(start, tz=TZ) if start else first
    finish = pd.Timestamp(end, tz=TZ) + pd.Timedelta(hours=23) if end else last
    begin, finish = max(begin, first), min(finish, last)
    if begin > finish:
        raise ReplayError(f"回放区间不在数据范围内（数据为 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}）。")
    if step not in Replay.Step.values:
        raise ReplayError("步长只能是逐日或逐小时。")
    with transaction.atomic():
        replay = Replay.objects.create(
            name=name or f"回放 {Path(path).name} {begin:%Y-%m-%d}～{finish:%Y-%m-%d}",
            source_file=str(path), step=step, seconds_per_step=max(0.0, float(seconds_per_step)),
            start=begin.to_pydatetime(), end=finish.to_pydatetime(), cursor=None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(actor=actor, action="forecasts.replay.started", target=replay,
                     data={"file": str(path), "start": begin.isoformat(), "end": finish.isoformat(), "step": step})
    return replay


def _step_length(replay: Replay) -> pd.Timedelta:
    return pd.Timedelta(days=1) if replay.step == Replay.Step.DAY else pd.Timedelta(hours=1)


def replay_step(*, replay_id: int) -> ForecastImport | None:
    """Feed the next step; returns its import, or None when the replay is over (then finished)."""
    replay = Replay.objects.get(pk=replay_id)
    if replay.status != Replay.Status.RUNNING:
        return None
    length = _step_length(replay)
    begin = pd.Timestamp(replay.cursor).tz_convert(TZ) if replay.cursor else pd.Timestamp(replay.start).tz_convert(TZ)
    if begin > pd.Timestamp(replay.end).tz_convert(TZ):
        Replay.objects.filter(pk=replay.pk).update(status=Replay.Status.FINISHED)
        return None
    now = begin + length
    result = _read(replay.source_file)
    frame = result.frame
    observed = frame[(frame["time"] >= begin) & (frame["time"] < now)].copy()
    observed["kind"] = "observed"
    ahead = frame[(frame["time"] >= now) & (frame["time"] < now + FORECAST_HORIZON)].copy()
    ahead["kind"] = "forecast"
    ahead["issued_at"] = now
    part = pd.concat([observed, ahead], ignore_index=True)
    with transaction.atomic():
        # The cursor moves first: the import's evaluation (after commit) judges "now" at it.
        Replay.objects.filter(pk=replay.pk).update(cursor=now.to_pydatetime())
        if part.empty:
            return None
        digest = hashlib.sha256(f"{result.file_sha256}:{replay.pk}:{begin.isoformat()}".encode()).hexdigest()
        step_result = replace(result, frame=part.reset_index(drop=True), file_sha256=digest,
                              name=f"{Path(replay.source_file).name}@{begin:%Y-%m-%d %H:%M}")
        outcome = forecast_store(step_result, size=0, channel=ForecastImport.Channel.REPLAY, replay=replay)
    return outcome.import_


def replay_stop(*, replay_id: int, actor: Any = None) -> Replay:
    with transaction.atomic():
        replay = Replay.objects.select_for_update().get(pk=replay_id)
        if replay.status == Replay.Status.RUNNING:
            replay.status = Replay.Status.STOPPED
            replay.save(update_fields=["status"])
            audit_record(actor=actor, action="forecasts.replay.stopped", target=replay)
    return replay
