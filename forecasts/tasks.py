from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Evaluation, ForecastImport
from .services import consultation_open_daily, evaluation_run, in_heating_season


@shared_task(name="forecasts.tasks.evaluate_import", bind=True, max_retries=3, default_retry_delay=30)
def evaluate_import(self, import_id: int) -> int | None:
    """Every import triggers an evaluation (idempotent: one per import)."""
    existing = Evaluation.objects.filter(source_import_id=import_id).values_list("pk", flat=True).first()
    if existing:
        return existing
    source = ForecastImport.objects.select_related("replay").get(pk=import_id)
    return evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=source, replay=source.replay).pk


@shared_task(name="forecasts.tasks.daily_consultation")
def daily_consultation() -> int | None:
    """Beat: during the heating season (15 Nov – 15 Mar) open the day's consultation, once."""
    today = timezone.localdate()
    if not in_heating_season(today):
        return None
    consultation, _ = consultation_open_daily(day=today)
    return consultation.pk


@shared_task(name="forecasts.tasks.scan_inbox", ignore_result=False)
def scan_inbox(settle_seconds: float = 2.0) -> list[dict]:
    """Beat, every minute: import the files dropped into FORECAST_INBOX_DIR (收件目录).
    Idempotent and safe when two scans overlap (files are claimed by an atomic rename)."""
    from django.conf import settings

    from .imports import inbox_scan

    return [item.as_dict() for item in inbox_scan(directory=settings.FORECAST_INBOX_DIR, settle_seconds=settle_seconds)]


@shared_task(name="forecasts.tasks.replay_advance")
def replay_advance(replay_id: int) -> int | None:
    """One replay step, then the next one after the replay's interval (with a broker)."""
    from .models import Replay
    from .replays import replay_step

    replay_step(replay_id=replay_id)
    replay = Replay.objects.get(pk=replay_id)
    if replay.status == Replay.Status.RUNNING:
        replay_advance.apply_async(args=[replay_id], countdown=replay.seconds_per_step)
    return replay.pk
