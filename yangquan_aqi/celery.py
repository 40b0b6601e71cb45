"""The Celery application: Redis as broker when REDIS_URL is set, eager tasks otherwise.

Periodic jobs are declared here, once, in code; every one of them is idempotent.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangquan_aqi.settings")

app = Celery("yangquan_aqi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    # Read from the environment, not django.conf.settings: this module is imported while the
    # settings module itself is being imported (yangquan_aqi/__init__.py).
    heartbeat = float(os.environ.get("HEARTBEAT_SECONDS", "60"))
    return {
        "heartbeat": {
            "task": "core.tasks.heartbeat",
            "schedule": heartbeat,
            "options": {"expires": heartbeat},
        },
    }


app.conf.beat_schedule = beat_schedule()
