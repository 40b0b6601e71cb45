from __future__ import annotations

import socket

from celery import shared_task
from django.utils import timezone

from .outbox import dispatch_outbox_event, sweep_outbox
from .services import heartbeat_record

__all__ = ["dispatch_outbox_event", "heartbeat", "ping", "sweep_outbox"]  # the outbox's tasks live with it


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Fired by beat (yangquan_aqi/celery.py): shows on /healthz/ that scheduled jobs run."""
    heartbeat_record(name="heartbeat", worker=socket.gethostname())


@shared_task(name="core.tasks.ping", ignore_result=False)  # its caller waits for the result
def ping(token: str) -> dict:
    """Round trip through the broker to a worker and back: the deep health check."""
    return {"token": token, "worker": socket.gethostname(), "at": timezone.now().isoformat()}
