from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .imports import inbox_scan
from .services import consultation_open_daily, in_heating_season


@shared_task(name="forecasts.tasks.daily_consultation")
def daily_consultation() -> int | None:
    """Beat: during the heating season (setting HEATING_SEASON, by default 1 Nov – 31 Mar) open the
    day's consultation, once."""
    today = timezone.localdate()
    if not in_heating_season(today):
        return None
    consultation, _ = consultation_open_daily(day=today)
    return consultation.pk


@shared_task(name="forecasts.tasks.scan_inbox", ignore_result=False)
def scan_inbox(settle_seconds: float = 2.0) -> list[dict]:
    """Beat, every minute: import the files dropped into FORECAST_INBOX_DIR (收件目录).
    Idempotent and safe when two scans overlap (files are claimed by an atomic rename)."""
    return [item.as_dict() for item in inbox_scan(directory=settings.FORECAST_INBOX_DIR, settle_seconds=settle_seconds)]
