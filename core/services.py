from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name: str, worker: str = "") -> Heartbeat:
    """Idempotent per firing: the row exists once per job; each firing moves it forward."""
    now = timezone.now()
    with transaction.atomic():
        beat, created = Heartbeat.objects.select_for_update().get_or_create(
            name=name, defaults={"last_seen": now, "count": 1, "worker": worker}
        )
        if not created:
            Heartbeat.objects.filter(pk=beat.pk).update(last_seen=now, count=F("count") + 1, worker=worker)
            beat.refresh_from_db()
    return beat
