"""Outbox handlers of the forecasts (core/outbox.py): a stored file is evaluated, a consultation
calls its people, a replay takes its next step. Each is idempotent."""

from __future__ import annotations

from core.outbox import handles

from .replays import replay_step
from .services import consultation_notify, evaluation_for_import


@handles("forecasts.import.evaluate", stage="evaluation")
def import_evaluate(payload: dict) -> None:
    """Classify the stored series as of the import (warning-rules.md); one evaluation per import.
    An evaluation that calls for action opens a consultation and asks for the form's draft.

    Payload {"import_id"}; emitted by the import, in the transaction that stored its rows."""
    evaluation_for_import(import_id=int(payload["import_id"]))


@handles("forecasts.consultation.opened", stage="consultation")
def consultation_opened(payload: dict) -> None:
    """Ask the office and the forecasters into the consultation (the evaluation's advice, the
    daily consultation of the heating season, a real-time one); one notice per person.

    Payload {"consultation_id"}; emitted by the evaluation, the daily beat job or the office."""
    consultation_notify(consultation_id=int(payload["consultation_id"]))


@handles("forecasts.replay.advance", stage="drills")
def replay_advance(payload: dict) -> None:
    """Take the replay's next step (its import is evaluated like any other) and emit the one after;
    a step already taken is not taken again.

    Payload {"replay_id", "cursor"}; emitted by the start of a replay and by each step."""
    replay_step(replay_id=int(payload["replay_id"]), cursor=payload.get("cursor"), advance=True)
