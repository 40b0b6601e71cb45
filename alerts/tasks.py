from __future__ import annotations

from celery import shared_task


@shared_task(name="alerts.tasks.tick_deadlines")
def tick_deadlines() -> dict:
    """Beat, every minute: remind and escalate the plan's deadlines (alerts/deadlines.py); idempotent."""
    from .deadlines import deadlines_tick

    return deadlines_tick()
