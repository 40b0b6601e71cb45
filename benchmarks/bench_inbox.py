"""From a forecast file to the approval form in the right approver's inbox, on the real path.

The monitoring centre uploads the worst day of the year through the API (48 hours observed at AQI
250 up to now and the next 24 hours forecast at 320: warning-rules.md §7 calls it red, the
commander's): gunicorn stores the import and writes its outbox event → Redis → a Celery worker
(prefork) evaluates the stored series → the evaluation opens a consultation and drafts the
approval form (附件5) routed to the commander → the office submits it (its one step; here the
service, as the office's page or script would call it) → the form waits in the commander's inbox
(the selector the inbox page reads). Everything runs on the script's own stack (tests/tools/stack.py:
a PostgreSQL cluster, redis-server, gunicorn with production settings, a worker), torn down at
the end.

    .venv/bin/python benchmarks/bench_inbox.py [--repeat 3] [--port 18150]

The plan allows the office an hour to file the form after a level is found (§4.2.2); we aim for
under 5 seconds from the upload to the form in the approver's inbox. Figures: the upload's HTTP
answer, upload → evaluation stored, → form drafted (routed), → in the inbox (after the office's
submit). Last line: ``BENCH inbox ratio=<5 s budget / measured> …`` (best of --repeat).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tools.stack import Stack  # noqa: E402

BUDGET_S = 5.0
PASSWORD = "bench-Password-1"  # noqa: S105 - the throw-away stack's users
TZ = dt.timezone(dt.timedelta(hours=8))


def worst_day_csv(now: dt.datetime, tag: str) -> bytes:
    """48 h observed at 250 up to ``now``, 24 h forecast at 320 from it (a unique source per run)."""
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=48)
    lines = ["area,time,aqi,kind,source"]
    for hour in range(72):
        stamp = start + dt.timedelta(hours=hour)
        kind, value = ("observed", 250) if hour < 48 else ("forecast", 320)
        lines.append(f"阳泉市,{stamp:%Y-%m-%d %H:%M},{value},{kind},bench-{tag}")
    return ("\n".join(lines) + "\n").encode()


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def one_run(stack: Stack, token: str, office, commander, run: int, timeout: float) -> dict:
    import http.client

    from alerts import services
    from alerts.models import ApprovalForm
    from alerts.selectors import forms_awaiting
    from forecasts.models import Evaluation, ForecastImport

    # Nothing in flight from an earlier run: the auto-draft waits while another form is open.
    for form in ApprovalForm.objects.filter(status__in=["draft", "submitted"]):
        services.form_withdraw(actor=office, form_id=form.pk, reason="基准：下一轮")

    body, content_type = multipart(
        f"worst-day-{run}.csv", worst_day_csv(dt.datetime.now(TZ), f"{run}-{uuid.uuid4().hex[:6]}")
    )
    connection = http.client.HTTPConnection("127.0.0.1", stack.web_port, timeout=30)
    started = time.monotonic()
    connection.request(
        "POST",
        "/api/v1/forecasts/imports/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "X-Forwarded-Proto": "https",
            "Authorization": f"Token {token}",
            "Content-Type": content_type,
        },
    )
    response = connection.getresponse()
    answer = json.loads(response.read() or b"{}")
    answered = time.monotonic() - started
    connection.close()
    if response.status != 201:
        raise RuntimeError(f"upload answered {response.status}: {answer}")
    record = ForecastImport.objects.get(pk=answer["id"])

    evaluated = drafted = in_inbox = None
    form = None
    while time.monotonic() - started < timeout:
        elapsed = time.monotonic() - started
        if evaluated is None and Evaluation.objects.filter(source_import=record).exists():
            evaluated = elapsed
        if drafted is None:
            form = ApprovalForm.objects.filter(evaluation__source_import=record).first()
            if form is not None:
                drafted = elapsed
                if form.approver_role != "commander" or form.level != "red":
                    raise RuntimeError(f"drafted {form.level} for {form.approver_role}, expected red for the commander")
                services.form_update(actor=office, form_id=form.pk, weather_trend="静稳天气持续，扩散条件差")
                if not form.primary_pollutant:
                    services.form_update(actor=office, form_id=form.pk, primary_pollutant="PM2.5")
                services.form_submit(actor=office, form_id=form.pk)
        if form is not None and forms_awaiting(commander).filter(pk=form.pk).exists():
            in_inbox = time.monotonic() - started
            break
        time.sleep(0.02)
    if in_inbox is None:
        raise RuntimeError(
            f"no form in the commander's inbox after {timeout} s (evaluated {evaluated}, drafted {drafted})"
        )
    return {"answered": answered, "evaluated": evaluated, "drafted": drafted, "inbox": in_inbox}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=18150)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()

    with Stack(args.port, db_name="yq_inbox", worker_concurrency=2) as stack:
        stack.start_pg()
        stack.start_redis()
        stack.migrate(static=False)
        stack.start_web()
        stack.start_worker()
        stack.django()

        from django.contrib.auth import get_user_model

        from accounts.roles import Role

        users = get_user_model().objects
        users.create_user("b-monitor", password=PASSWORD, role=Role.FORECASTER)
        office = users.create_user("b-office", password=PASSWORD, role=Role.OFFICE)
        commander = users.create_user("b-commander", password=PASSWORD, role=Role.COMMANDER)
        status, raw = stack.http("POST", "/api/v1/auth/token/", body={"username": "b-monitor", "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"token: {status} {raw[:300]!r}")
        token = json.loads(raw)["token"]
        time.sleep(2)  # the worker is up

        runs = [one_run(stack, token, office, commander, run, args.timeout) for run in range(args.repeat)]

    best = min(runs, key=lambda r: r["inbox"])
    print(f"{'':44}{'best':>10}{'worst':>10}{'budget':>10}")
    for key, label in (
        ("answered", "upload answered (HTTP 201)"),
        ("evaluated", "upload → evaluation stored"),
        ("drafted", "upload → form drafted, routed"),
        ("inbox", "upload → in the commander's inbox"),
    ):
        values = [r[key] for r in runs]
        budget = f"{BUDGET_S:>9.1f}s" if key == "inbox" else f"{'—':>10}"
        print(f"{label:44}{min(values):>9.2f}s{max(values):>9.2f}s{budget}")
    print("plan's limit: 1 hour from a level found to the form filed (§4.2.2); our aim: 5 s")
    print(
        f"BENCH inbox ratio={BUDGET_S / best['inbox']:.2f} seconds={best['inbox']:.3f} "
        f"evaluated_s={best['evaluated']:.3f} drafted_s={best['drafted']:.3f} answered_s={best['answered']:.3f} "
        f"runs={len(runs)}"
    )


if __name__ == "__main__":
    main()
