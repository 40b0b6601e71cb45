"""Thin beat tasks of the response (declared in yangquan_aqi/celery.py); each is idempotent."""

from __future__ import annotations

from celery import shared_task

from .services import daily_deadlines_open, daily_reports_remind


@shared_task(name="response.tasks.open_daily_deadlines")
def open_daily_deadlines() -> int:
    """00:00 each day of a response: the clocks of the reports on the previous day (due 10:00)."""
    return daily_deadlines_open()


@shared_task(name="response.tasks.remind_daily_reports")
def remind_daily_reports() -> int:
    """09:00 during a response: remind the units that have not filed yet."""
    return daily_reports_remind()
