"""The Celery application: Redis as broker when REDIS_URL is set, eager tasks otherwise.

Periodic jobs are declared here, once, in code; every one of them is idempotent.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yangquan_aqi.settings")

app = Celery("yangquan_aqi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    # Read from the environment, not django.conf.settings: this module is imported while the
    # settings module itself is being imported (yangquan_aqi/__init__.py).
    heartbeat = float(os.environ.get("HEARTBEAT_SECONDS", "60"))
    # The recovery sweeps (outbox, SMS): every 30 s; the fault scripts shorten it.
    sweep = float(os.environ.get("SWEEP_SECONDS", "30"))
    return {
        # 采暖期每日会商 (plan §4.2.1): the task itself checks the season; 08:30 each morning.
        "daily-consultation": {
            "task": "forecasts.tasks.daily_consultation",
            "schedule": crontab(hour=8, minute=30),
        },
        # Transactional outbox: anything not dispatched after commit is picked up here.
        "outbox-sweep": {"task": "core.tasks.sweep_outbox", "schedule": sweep, "options": {"expires": sweep}},
        # SMS deliveries: failed-and-retryable ones whose backoff has passed, and queued ones whose task was lost.
        "sms-retry-sweep": {
            "task": "notifications.tasks.retry_deliveries",
            "schedule": sweep,
            "options": {"expires": sweep},
        },
        # The plan's deadlines (warning-rules.md §9): remind, then escalate; each step sent once.
        "deadline-tick": {"task": "deadlines.tasks.tick_deadlines", "schedule": 60.0, "options": {"expires": 60}},
        # §12: decisions signed in advance come into force at their effective time (backstop of the outbox).
        "warnings-into-force": {"task": "alerts.tasks.bring_into_force", "schedule": 60.0, "options": {"expires": 60}},
        # 收件目录: files dropped into FORECAST_INBOX_DIR are imported within a minute.
        "forecast-inbox-scan": {
            "task": "forecasts.tasks.scan_inbox",
            "schedule": 60.0,
            "options": {"expires": 60},
        },
        # 每日报送 (plan §5.4): at 00:00 the clocks of the reports on the previous day (due 10:00),
        # at 09:00 a reminder to the units that have not filed; both only during a response.
        "response-daily-deadlines": {
            "task": "response.tasks.open_daily_deadlines",
            "schedule": crontab(hour=0, minute=1),
        },
        "response-daily-reminder": {
            "task": "response.tasks.remind_daily_reports",
            "schedule": crontab(hour=9, minute=0),
        },
        "heartbeat": {
            "task": "core.tasks.heartbeat",
            "schedule": heartbeat,
            "options": {"expires": heartbeat},
        },
    }


app.conf.beat_schedule = beat_schedule()
