"""Replays (回放): a historical series fed through the system step by step, as drills (附件7)
and demos do. Each step imports the step's observations and, as the forecast, the record of the
following 72 hours (plan §4.1: a 3-day forecast; a drill assumes it was perfect), through the same
import path as any file; every import is then evaluated (the outbox topic forecasts.import.evaluate)
at the replay's cursor. A replay's data, evaluations and consultations are kept apart from real ones.

A replay run by the system (the page, the command with a worker) goes step by step through the
outbox (``forecasts.replay.advance``): each step emits the next, after the replay's interval, in
its own transaction; a step already taken is not taken again."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction

from audit.services import audit_record
from core.errors import DomainError
from core.outbox import outbox_emit

from .domain.readers import ReadResult, read_file
from .imports import ForecastImportRejected, forecast_store
from .models import ForecastImport, Replay

FORECAST_HORIZON = pd.Timedelta(hours=72)
TZ = "Asia/Shanghai"


class ReplayError(DomainError):
    """A replay that cannot start or go on (message in Chinese)."""

    code = "forecasts.replay.refused"


def _read(path: str) -> ReadResult:
    file = Path(path)
    if not file.is_file():
        raise ReplayError(f"找不到回放数据文件：{path}")
    result = read_file(file)
    if not result.ok:
        raise ForecastImportRejected(result.errors, name=file.name)
    return result


def replay_start(
    *,
    path: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    step: str = Replay.Step.DAY,
    seconds_per_step: float = 0.0,
    name: str = "",
    actor: Any = None,
    advance: bool = False,
) -> Replay:
    """Create the replay; with ``advance`` its steps then run by themselves (through the outbox),
    otherwise the caller feeds them with :func:`replay_step`."""
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
            source_file=str(path),
            step=step,
            seconds_per_step=max(0.0, float(seconds_per_step)),
            start=begin.to_pydatetime(),
            end=finish.to_pydatetime(),
            cursor=None,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit_record(
            actor=actor,
            action="forecasts.replay.started",
            target=replay,
            data={"file": str(path), "start": begin.isoformat(), "end": finish.isoformat(), "step": step},
        )
        if advance:
            outbox_emit("forecasts.replay.advance", {"replay_id": replay.pk, "cursor": None})
    return replay


def _step_length(replay: Replay) -> pd.Timedelta:
    return pd.Timedelta(days=1) if replay.step == Replay.Step.DAY else pd.Timedelta(hours=1)


#: ``replay_step(cursor=ANY_CURSOR)``: take the next step wherever the replay stands.
ANY_CURSOR = object()


def _same_instant(cursor: dt.datetime | None, expected: str | None) -> bool:
    if cursor is None or expected is None:
        return cursor is None and expected is None
    return cursor == dt.datetime.fromisoformat(expected)


def replay_step(*, replay_id: int, cursor: Any = ANY_CURSOR, advance: bool = False) -> ForecastImport | None:
    """Feed the next step; returns its import, or None when the replay is over (then finished),
    not running, or the step had no rows.

    ``cursor`` (ISO time or None for the first step): take the step only if the replay still
    stands there, so a step handed out twice is taken once. ``advance``: emit the next step, after
    the replay's interval, in the step's transaction."""
    replay = Replay.objects.get(pk=replay_id)
    if replay.status != Replay.Status.RUNNING:
        return None
    result = _read(replay.source_file)  # the slow part, before the row is locked
    with transaction.atomic():
        replay = Replay.objects.select_for_update().get(pk=replay_id)
        if replay.status != Replay.Status.RUNNING:
            return None
        if cursor is not ANY_CURSOR and not _same_instant(replay.cursor, cursor):
            return None  # this step was taken already
        length = _step_length(replay)
        begin = pd.Timestamp(replay.cursor or replay.start).tz_convert(TZ)
        if begin > pd.Timestamp(replay.end).tz_convert(TZ):
            replay.status = Replay.Status.FINISHED
            replay.save(update_fields=["status"])
            audit_record(
                actor=None,
                action="forecasts.replay.finished",
                target=replay,
                before={"status": Replay.Status.RUNNING},
                after={"status": replay.status},
            )
            return None
        now = begin + length
        frame = result.frame
        observed = frame[(frame["time"] >= begin) & (frame["time"] < now)].copy()
        observed["kind"] = "observed"
        ahead = frame[(frame["time"] >= now) & (frame["time"] < now + FORECAST_HORIZON)].copy()
        ahead["kind"] = "forecast"
        ahead["issued_at"] = now
        part = pd.concat([observed, ahead], ignore_index=True)
        # The cursor moves first: the import's evaluation (after commit) judges "now" at it.
        before = {"cursor": replay.cursor.isoformat() if replay.cursor else None}
        replay.cursor = now.to_pydatetime()
        replay.save(update_fields=["cursor"])
        audit_record(
            actor=None,
            action="forecasts.replay.stepped",
            target=replay,
            before=before,
            after={"cursor": now.isoformat()},
            data={"rows": len(part)},
        )
        imported = None
        if not part.empty:
            digest = hashlib.sha256(f"{result.file_sha256}:{replay.pk}:{begin.isoformat()}".encode()).hexdigest()
            step_result = replace(
                result,
                frame=part.reset_index(drop=True),
                file_sha256=digest,
                name=f"{Path(replay.source_file).name}@{begin:%Y-%m-%d %H:%M}",
            )
            imported = forecast_store(step_result, size=0, channel=ForecastImport.Channel.REPLAY, replay=replay).import_
        if advance:
            outbox_emit(
                "forecasts.replay.advance",
                {"replay_id": replay.pk, "cursor": now.isoformat()},
                countdown=replay.seconds_per_step,
            )
    return imported


def replay_stop(*, replay_id: int, actor: Any = None) -> Replay:
    with transaction.atomic():
        replay = Replay.objects.select_for_update().get(pk=replay_id)
        if replay.status == Replay.Status.RUNNING:
            replay.status = Replay.Status.STOPPED
            replay.save(update_fields=["status"])
            audit_record(actor=actor, action="forecasts.replay.stopped", target=replay)
    return replay
