"""Thin beat tasks of the warnings (declared in yangquan_aqi/celery.py); each is idempotent."""

from __future__ import annotations

from celery import shared_task

from .services import warnings_bring_into_force_due


@shared_task(name="alerts.tasks.bring_into_force")
def bring_into_force() -> int:
    """Every minute: decisions signed in advance whose effective time has passed come into force
    (warning-rules.md §12; a backstop for the delayed outbox event)."""
    return warnings_bring_into_force_due()
