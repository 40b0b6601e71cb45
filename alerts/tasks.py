from __future__ import annotations

from celery import shared_task

from .outbox import outbox_handle, outbox_pending


@shared_task(name="alerts.tasks.dispatch_outbox_event", bind=True, max_retries=5, default_retry_delay=20, acks_late=True)
def dispatch_outbox_event(self, event_id: int) -> bool:
    try:
        return outbox_handle(event_id)
    except Exception as exc:  # noqa: BLE001 - bounded retries; the sweep picks up what remains
        raise self.retry(exc=exc) from exc


@shared_task(name="alerts.tasks.sweep_outbox")
def sweep_outbox() -> int:
    """Beat: re-dispatch events left behind (a process died between commit and enqueue)."""
    count = 0
    for event_id in outbox_pending().values_list("pk", flat=True)[:500]:
        dispatch_outbox_event.delay(event_id)
        count += 1
    return count


@shared_task(name="alerts.tasks.draft_form_from_evaluation")
def draft_form_from_evaluation(evaluation_id: int) -> int | None:
    from .services import form_draft_from_evaluation

    form = form_draft_from_evaluation(evaluation_id=evaluation_id)
    return form.pk if form else None


@shared_task(name="alerts.tasks.tick_deadlines")
def tick_deadlines() -> dict:
    """Beat, every minute: remind and escalate the plan's deadlines (alerts/deadlines.py); idempotent."""
    from .deadlines import deadlines_tick

    return deadlines_tick()
