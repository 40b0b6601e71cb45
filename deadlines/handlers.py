"""Outbox handlers of the deadline engine (core/outbox.py): the clocks that the forecasts' steps
start (warning-rules.md §9). Each is idempotent: a clock is keyed (deadlines/keys.py)."""

from __future__ import annotations

from core.outbox import handles
from forecasts.models import Consultation, Evaluation

from .services import form_clock_for_consultation, issue_by_clocks_for_evaluation


@handles("deadlines.form_clock.consultation", stage="form")
def consultation_form_clock(payload: dict) -> None:
    """Start the office's 1-hour clock to file the form (附件5) when the consultation concluded a
    decision (issue, upgrade, downgrade or lift against the level in force); met by the form's
    submission.

    Payload {"consultation_id", "level_in_force"}; emitted by the consultation's conclusion."""
    consultation = Consultation.objects.get(pk=int(payload["consultation_id"]))
    form_clock_for_consultation(consultation=consultation, level_in_force=payload.get("level_in_force") or "none")


@handles("deadlines.issue_by.evaluation", stage="evaluation")
def evaluation_issue_by(payload: dict) -> None:
    """Start the ``issue_by`` clock of the process the evaluation says needs a warning (its start
    − 24 h, keyed by the start), and cancel those of processes it no longer finds; met by the
    publication of an issue.

    Payload {"evaluation_id"}; emitted by every evaluation outside a drill."""
    issue_by_clocks_for_evaluation(evaluation=Evaluation.objects.get(pk=int(payload["evaluation_id"])))
