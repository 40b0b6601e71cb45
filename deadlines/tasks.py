from __future__ import annotations

from celery import shared_task

from .services import deadlines_tick


@shared_task(name="deadlines.tasks.tick_deadlines")
def tick_deadlines() -> dict:
    """Beat, every minute: remind and escalate the plan's deadlines (deadlines/services.py); idempotent."""
    return deadlines_tick()
