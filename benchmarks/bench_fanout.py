"""Fan-out: 50,000 confirmed subscribers; one approval publishes the warning and every number must
get exactly one SMS through the real path — the approval service (in this process) → the outbox →
Redis → a Celery worker (prefork, 2 processes: the machine has 2 cores) → publish_form → Delivery
rows → chunk tasks → the HTTP transport → the fake gateway (tests/tools/fake_gateway.py, its own
process), which counts the messages per number.

The stack is the script's own (tests/tools/stack.py): a PostgreSQL cluster and redis-server in a
temporary directory, torn down at the end.

    .venv/bin/python benchmarks/bench_fanout.py                  # 50,000, batches of 500 numbers a call
    .venv/bin/python benchmarks/bench_fanout.py --batch 1        # one gateway call per message
    .venv/bin/python benchmarks/bench_fanout.py --numbers 2000   # the CI size

Target (the issue): under 60 s. Last line: ``BENCH fanout ratio=<60 s / our seconds> …``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tools.fake_gateway import GatewayClient  # noqa: E402
from tests.tools.stack import Stack  # noqa: E402

TARGET_SECONDS = 60.0
PASSWORD = "bench-Password-1"  # noqa: S105 - the throw-away stack's users


def run(numbers: int, batch: int, chunk: int, concurrency: int, port: int, timeout: float) -> dict:
    env = {
        "SMS_GATEWAY_BATCH": str(batch),
        "SMS_TASK_CHUNK": str(chunk),
        "SMS_RATE_PER_SECOND": "20" if batch > 1 else "100000",
        "SMS_GATEWAY_TIMEOUT": "30",
    }
    with Stack(port, db_name="yq_fanout", env=env, worker_concurrency=concurrency) as stack:
        stack.start_pg()
        stack.start_redis()
        stack.migrate(static=False)
        stack.start_gateway()
        stack.start_worker()
        stack.django()

        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from accounts.roles import Role
        from alerts import services
        from notifications.models import Delivery, SmsSubscriber

        users = get_user_model().objects
        office = users.create_user("b-office", password=PASSWORD, role=Role.OFFICE)
        vice = users.create_user("b-vice", password=PASSWORD, role=Role.VICE_COMMANDER)
        phones = [f"138{i:08d}" for i in range(numbers)]
        SmsSubscriber.objects.bulk_create([SmsSubscriber(phone=p, confirmed=True) for p in phones], batch_size=5000)
        gateway = GatewayClient(stack.gateway_port)
        # In force at signature: one signed ahead would wait for its time (warning-rules.md §12).
        start = timezone.now()
        from tests.factories import warning_content  # what the warning says (§11): submit requires it

        form = services.form_draft(
            actor=office,
            action="issue",
            level="orange",
            basis="会商：扇出基准",
            content="扇出基准（benchmarks/bench_fanout.py）",
            effective_at=start,
            episode_end=start + dt.timedelta(days=2),
            public_message="扇出基准：橙色预警。",
            **warning_content(),
        )
        services.form_submit(actor=office, form_id=form.pk)
        time.sleep(3)  # the worker is up and has handled the submission's event
        gateway.reset()

        started = time.monotonic()
        services.form_approve(actor=vice, form_id=form.pk, password=PASSWORD, opinion="同意。")
        at_gateway = None
        rows = Delivery.objects.filter(key=f"warning:{form.pk}")
        while time.monotonic() - started < timeout:
            if at_gateway is None and gateway.stats()["messages"] >= numbers:
                at_gateway = time.monotonic() - started
            if at_gateway is not None and rows.filter(status="sent").count() >= numbers:
                break
            time.sleep(0.25)
        recorded = time.monotonic() - started
        stats = gateway.stats(numbers=True)
        per = stats.pop("per_number")
        missing = sum(1 for p in phones if per.get(p, 0) == 0)
        duplicates = sum(n - 1 for n in per.values() if n > 1)
        sent = rows.filter(status="sent").count()
        return {
            "numbers": numbers,
            "batch": batch,
            "chunk": chunk,
            "concurrency": concurrency,
            "seconds_to_gateway": at_gateway,
            "seconds_recorded": recorded,
            "rows_sent": sent,
            "missing": missing,
            "duplicates": duplicates,
            "gateway_requests": stats["requests"],
            "worker_log": stack.log("worker", 1500) if at_gateway is None else "",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description="SMS fan-out benchmark (see the module docstring).")
    parser.add_argument("--numbers", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=500, help="numbers per gateway call (1: one-message form)")
    parser.add_argument("--chunk", type=int, default=500, help="deliveries per Celery task")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--port", type=int, default=18070, help="base port: PG, Redis, gateway = +0..+2")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    r = run(args.numbers, args.batch, args.chunk, args.concurrency, args.port, args.timeout)
    if r["worker_log"]:
        print(r["worker_log"])
    seconds = r["seconds_to_gateway"]
    if seconds is None:
        print(f"FAIL fanout: {r['rows_sent']} of {r['numbers']} sent within {args.timeout:.0f} s")
        print(
            f"BENCH fanout ratio=0 messages={r['numbers']} seconds=inf msgs_per_s=0 duplicates={r['duplicates']} "
            f"missing={r['missing']}"
        )
        sys.exit(1)
    rate = r["numbers"] / seconds
    print(
        f"fan-out of {r['numbers']} numbers, {r['batch']} per gateway call, {r['chunk']} per task, "
        f"{r['concurrency']} worker processes: all at the gateway after {seconds:.1f} s "
        f"({rate:,.0f} messages/s, {r['gateway_requests']} gateway calls); every row recorded sent after "
        f"{r['seconds_recorded']:.1f} s"
    )
    ok = r["missing"] == 0 and r["duplicates"] == 0 and r["rows_sent"] == r["numbers"]
    print(
        f"BENCH fanout ratio={TARGET_SECONDS / r['seconds_recorded']:.2f} messages={r['numbers']} "
        f"seconds={r['seconds_recorded']:.1f} msgs_per_s={r['numbers'] / r['seconds_recorded']:.0f} "
        f"duplicates={r['duplicates']} missing={r['missing']} batch={r['batch']}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
