"""Scripted, repeatable faults against a production-like stack of the product (tests/tools/stack.py:
its own PostgreSQL cluster and redis-server, gunicorn with DEBUG off, a prefork Celery worker,
Celery beat, the fake SMS gateway). Each scenario prints PASS/FAIL with its figures.

    .venv/bin/python benchmarks/faults.py                 # every scenario, 10,000 subscribers
    .venv/bin/python benchmarks/faults.py --quick         # the CI size (2,000 subscribers, 10 s outage)
    .venv/bin/python benchmarks/faults.py --only kill9,redis --json out.json

Scenarios (in this order, each on the next level change of one warning):
  approvals  100 simultaneous approval requests (real HTTP) for one form, by 100 vice-commanders,
             each with an API token of their own and, as signing needs (accounts/reauth.py), their
             password and a fresh TOTP code in the body → one approval, one publication, one set of
             deliveries, one audit entry; the others 409, no 5xx.
  kill9      kill -9 the whole worker (parent and pool) after ~20 % of a fan-out reached the
             gateway, start it again → every subscriber exactly one message, none missing.
  redis      redis-server stopped for 30 s (restarted empty: its queue is lost) → GET /public/ answers
             200 throughout, an approval through the API succeeds meanwhile, and after Redis is back
             the outbox sweep publishes it: every subscriber one message.
  pg         pg_ctl restart → web and worker recover by themselves (seconds measured); a publication
             after it completes.
  gw500      the gateway answers 500 → bounded retries (counted at the gateway), rows failed with the
             error, shown to the office on /warnings/deliveries/.
  gwhang     the gateway hangs longer than the client's timeout → the same.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tools.fake_gateway import GatewayClient  # noqa: E402
from tests.tools.stack import Stack  # noqa: E402

PASSWORD = "faults-Password-1"  # noqa: S105 - the throw-away stack's users
SCENARIOS = ["approvals", "kill9", "redis", "pg", "gw500", "gwhang"]
RESULTS: dict[str, dict] = {}


def stack_env(quick: bool) -> dict:
    return {
        # Small chunks and batches so a fan-out of a few thousand spans many tasks and gateway calls
        # (the kill must land in the middle); the benchmark uses the production sizes.
        "SMS_TASK_CHUNK": "100",
        "SMS_GATEWAY_BATCH": "50",
        "SMS_GATEWAY_TIMEOUT": "1",
        "SMS_MAX_ATTEMPTS": "3",
        "SMS_RETRY_BASE_SECONDS": "1",
        "SMS_STALE_QUEUED_SECONDS": "5",
        "SWEEP_SECONDS": "2",
        "OUTBOX_RETRY_AFTER_SECONDS": "5",
        "HEARTBEAT_SECONDS": "5",
    }


def report(name: str, ok: bool, **figures) -> bool:
    RESULTS[name] = {"ok": ok, **figures}
    shown = " ".join(f"{k}={v}" for k, v in figures.items())
    print(f"{'PASS' if ok else 'FAIL'} {name} {shown}", flush=True)
    return ok


def wait(condition, timeout: float, step: float = 0.2) -> float | None:
    """Seconds until condition() held, or None after timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(step)
    return None


class Signers:
    """Leaders of one role, each with an API token and a TOTP device: every approval takes the next
    one, so no code is used twice (a code signs once) and 100 approvals can run at the same time."""

    def __init__(self, role: str, count: int, password_hash: str):
        import pyotp
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from accounts.services import api_token_issue

        self.people = []
        for i in range(count):
            user = get_user_model().objects.create(username=f"f-{role}-{i}", password=password_hash, role=role)
            device = TOTPDevice.objects.create(user=user, name="faults", confirmed=True)
            self.people.append(
                (
                    user,
                    api_token_issue(user=user, client="faults")[1],
                    pyotp.TOTP(__import__("base64").b32encode(device.bin_key).decode()),
                )
            )
        self._next = 0
        self._lock = threading.Lock()

    def take(self):
        with self._lock:
            person = self.people[self._next % len(self.people)]
            self._next += 1
        return person


class World:
    """The people, subscribers and the warning the scenarios move through its levels."""

    def __init__(self, stack: Stack, subscribers: int):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from accounts.roles import Role
        from notifications.models import SmsSubscriber

        self.stack = stack
        self.gateway = GatewayClient(stack.gateway_port)
        user_model = get_user_model()
        self.office = user_model.objects.create_user("f-office", password=PASSWORD, role=Role.OFFICE)
        password_hash = make_password(PASSWORD)  # hashed once for all the signers (the hasher is slow on purpose)
        self.signers = {
            Role.VICE_COMMANDER: Signers(Role.VICE_COMMANDER, 120, password_hash),
            Role.COMMANDER: Signers(Role.COMMANDER, 20, password_hash),
        }
        self.tokens = {role: signers.people[0][1] for role, signers in self.signers.items()}
        now = time.time()
        SmsSubscriber.objects.bulk_create(
            [SmsSubscriber(phone=f"139{i:08d}", confirmed=True) for i in range(subscribers)], batch_size=5000
        )
        self.subscribers = subscribers
        self.phones = {f"139{i:08d}" for i in range(subscribers)}
        print(f"seeded {subscribers} subscribers in {time.time() - now:.1f} s", flush=True)

    def set_subscribers(self, count: int) -> None:
        """Only the first ``count`` subscribers stay subscribed (the gateway-fault scenarios need few)."""
        from django.utils import timezone

        from notifications.models import SmsSubscriber

        phones = sorted(self.phones)[:count]
        SmsSubscriber.objects.exclude(phone__in=phones).update(unsubscribed_at=timezone.now())
        self.phones = set(phones)

    def next_form(self, level: str | None):
        """Draft and submit the form that moves the warning to ``level`` (None: lift; issue when no
        warning is in force) through the services; returns (form, the signers of its approver role)."""
        from django.utils import timezone

        from alerts import services
        from alerts.domain.lifecycle import RANK, Level
        from alerts.models import Warning

        active = Warning.objects.filter(status=Warning.Status.ACTIVE).first()
        if active is None:
            action, level = "issue", level or "yellow"
        elif level is None:
            action = "lift"
        elif RANK[Level(level)] > RANK[Level(active.level)]:
            action = "upgrade"
        elif RANK[Level(level)] < RANK[Level(active.level)]:
            action = "downgrade"
        else:
            raise ValueError(f"the warning is already {level}")
        # In force at signature: one signed ahead would wait for its time (warning-rules.md §12).
        start = timezone.now()
        from tests.factories import warning_content  # what the warning says (§11): submit requires it

        form = services.form_draft(
            actor=self.office,
            action=action,
            level=level,
            basis="会商：故障演练",
            content="故障演练（benchmarks/faults.py）",
            effective_at=start,
            episode_end=start + dt.timedelta(days=2),
            public_message=f"故障演练：{action} {level or ''}。",
            **warning_content(action),
        )
        form = services.form_submit(actor=self.office, form_id=form.pk)
        return form, self.signers[form.approver_role]

    def settle(self) -> None:
        """Wait until every publication so far is done (nothing queued), so a scenario starts clean."""
        from core.models import OutboxEvent
        from notifications.models import Delivery

        wait(
            lambda: (
                not OutboxEvent.objects.filter(done_at__isnull=True).exists()
                and not Delivery.objects.filter(status="queued").exists()
                and not Delivery.objects.filter(status="failed", retryable=True).exists()
            ),
            120,
        )

    def approve_http(self, form, signers: Signers) -> tuple[int, bytes]:
        """The next signer approves by the API: their token, password and a fresh code."""
        _user, token, totp = signers.take()
        return self.stack.http(
            "POST",
            f"/api/v1/warnings/{form.warning_id}/approve/",
            body={"password": PASSWORD, "otp": totp.now(), "comment": "同意（演练）"},
            headers={"Authorization": f"Token {token}"},
        )

    def deliveries(self, form):
        from notifications.models import Delivery

        return Delivery.objects.filter(key=f"warning:{form.pk}")

    def all_sent(self, form) -> bool:
        rows = self.deliveries(form)
        return (
            rows.count() >= len(self.phones)
            and not rows.filter(status="queued").exists()
            and not rows.filter(status="failed", retryable=True).exists()
        )

    def gateway_check(self, form) -> dict:
        """Per-number counts at the gateway against the subscribers of this publication."""
        stats = self.gateway.stats(numbers=True)
        per = stats.pop("per_number")
        missing = sum(1 for p in self.phones if per.get(p, 0) == 0)
        duplicates = sum(per.get(p, 0) - 1 for p in self.phones if per.get(p, 0) > 1)
        return {
            "missing": missing,
            "duplicates": duplicates,
            "gateway_messages": stats["messages"],
            "gateway_requests": stats["requests"],
            "resent_deduplicated": stats["resent"],
        }


# ----------------------------------------------------------------------------- scenarios


def _active():
    from alerts.models import Warning

    return Warning.objects.filter(status=Warning.Status.ACTIVE).first()


def _higher_or_lift() -> str | None:
    """The next level up from the warning in force (yellow when none), or None (lift) at red."""
    active = _active()
    if active is None:
        return "yellow"
    return {"yellow": "orange", "orange": "red"}.get(active.level)


def scenario_approvals(world: World, n: int = 100) -> bool:
    from alerts.models import ApprovalForm
    from audit.models import AuditEntry
    from core.models import OutboxEvent

    world.settle()
    world.gateway.reset()
    form, signers = world.next_form("yellow" if not _active() else None)
    barrier = threading.Barrier(n)

    def one(_):
        barrier.wait()
        status, _body = world.approve_http(form, signers)
        return status

    started = time.monotonic()
    with ThreadPoolExecutor(n) as pool:
        statuses = Counter(pool.map(one, range(n)))
    elapsed = time.monotonic() - started
    form.refresh_from_db()
    done = wait(lambda: world.all_sent(form), 120)
    approvals = AuditEntry.objects.filter(action="alerts.form.approved", target_id=str(form.pk)).count()
    publications = OutboxEvent.objects.filter(topic="alerts.warning.publish", payload__form_id=form.pk)
    published = AuditEntry.objects.filter(action="alerts.warning.published", target_id=str(form.pk)).count()
    check = world.gateway_check(form)
    ok = (
        form.status == ApprovalForm.Status.APPROVED
        and statuses.get(200) == 1
        and approvals == 1
        and publications.count() == 1
        and publications.filter(done_at__isnull=False).count() == 1
        and published == 1
        and not any(s >= 500 for s in statuses)
        and set(statuses) <= {200, 409, 400}
        and done is not None
        and world.deliveries(form).count() == len(world.phones)
        and check["missing"] == 0
        and check["duplicates"] == 0
    )
    return report(
        "approvals",
        ok,
        requests=n,
        statuses=dict(statuses),
        seconds=round(elapsed, 2),
        approved_audit=approvals,
        publish_events=publications.count(),
        published_audit=published,
        deliveries=world.deliveries(form).count(),
        **check,
    )


def scenario_kill9(world: World) -> bool:
    world.settle()
    world.gateway.reset()
    world.gateway.control(latency=0.03)  # a real gateway's round trip: the fan-out lasts long enough to be cut
    form, signers = world.next_form(_higher_or_lift())
    status, body = world.approve_http(form, signers)
    target = max(len(world.phones) // 5, 1)
    reached = wait(lambda: world.gateway.stats()["messages"] >= target, 60, step=0.02)
    at_kill = world.gateway.stats()["messages"]
    world.stack.kill9("worker")
    killed_at = time.monotonic()
    sent_rows_at_kill = world.deliveries(form).filter(status="sent").count()
    time.sleep(1)
    world.stack.start_worker()
    done = wait(lambda: world.all_sent(form), 180)
    world.gateway.control(latency=0)
    check = world.gateway_check(form)
    ok = (
        status == 200
        and reached is not None
        and 0 < at_kill < len(world.phones)
        and done is not None
        and check["missing"] == 0
        and check["duplicates"] == 0
    )
    return report(
        "kill9",
        ok,
        subscribers=len(world.phones),
        gateway_messages_at_kill=at_kill,
        rows_sent_at_kill=sent_rows_at_kill,
        seconds_to_complete_after_kill=round(time.monotonic() - killed_at, 1) if done is not None else None,
        **check,
    )


def scenario_redis(world: World, outage: float) -> bool:
    from alerts.models import ApprovalForm

    world.settle()
    world.gateway.reset()
    form, signers = world.next_form(_higher_or_lift())
    world.stack.stop_redis()
    down_at = time.monotonic()
    statuses: Counter = Counter()
    latencies: list[float] = []
    approval = None
    while time.monotonic() - down_at < outage:
        started = time.monotonic()
        try:
            status, _ = world.stack.http("GET", "/public/", timeout=10)
        except OSError:
            status = "error"
        latencies.append(time.monotonic() - started)
        statuses[status] += 1
        if approval is None and time.monotonic() - down_at > 2:
            started = time.monotonic()
            code, body = world.approve_http(form, signers)
            approval = {
                "status": code,
                "seconds": round(time.monotonic() - started, 2),
                "detail": body[:200].decode(errors="replace") if code != 200 else "",
            }
        time.sleep(0.25)
    form.refresh_from_db()
    approved_during_outage = form.status == ApprovalForm.Status.APPROVED
    world.stack.start_redis()
    done = wait(lambda: world.all_sent(form), 120)
    check = world.gateway_check(form)
    ok = (
        set(statuses) == {200}
        and approval is not None
        and approval["status"] == 200
        and approved_during_outage
        and done is not None
        and check["missing"] == 0
        and check["duplicates"] == 0
    )
    return report(
        "redis",
        ok,
        worker_restarts_by_supervisor=world.stack.restarts.get("worker", 0),
        beat_restarts_by_supervisor=world.stack.restarts.get("beat", 0),
        outage_seconds=outage,
        public_requests=sum(statuses.values()),
        public_statuses=dict(statuses),
        public_max_ms=round(max(latencies) * 1000),
        approval=approval,
        approved_during_outage=approved_during_outage,
        seconds_to_publish_after_redis_back=round(done, 1) if done is not None else None,
        **check,
    )


def scenario_pg(world: World) -> bool:
    world.settle()
    world.gateway.reset()
    token = world.tokens["commander"]
    probe = []

    def me() -> int | str:
        try:
            return world.stack.http("GET", "/api/v1/auth/me/", headers={"Authorization": f"Token {token}"}, timeout=10)[
                0
            ]
        except OSError:
            return "error"

    before = me()
    started = time.monotonic()
    restart_seconds = world.stack.restart_pg()
    failures = 0
    recovered = None
    while time.monotonic() - started < 60:
        status = me()
        probe.append(status)
        if status == 200:
            recovered = time.monotonic() - started
            break
        failures += 1
        time.sleep(0.2)
    from django.db import connection

    connection.close()  # this script's own connection died with the restart too
    # The worker must recover too: a publication after the restart goes through it.
    form, approver_signers = world.next_form(None)
    status, _ = world.approve_http(form, approver_signers)
    done = wait(lambda: world.all_sent(form), 120)
    check = world.gateway_check(form)
    ok = (
        before == 200
        and recovered is not None
        and status == 200
        and done is not None
        and check["missing"] == 0
        and check["duplicates"] == 0
    )
    return report(
        "pg",
        ok,
        restart_seconds=round(restart_seconds, 2),
        web_failed_requests=failures,
        web_recovered_seconds_after_restart_began=round(recovered, 2) if recovered is not None else None,
        worker_publication_seconds=round(done, 1) if done is not None else None,
        **check,
    )


def _gateway_fault(world: World, name: str, mode: str, level: str) -> bool:
    from django.conf import settings

    from notifications.models import Delivery

    world.settle()
    if _active():  # the scenario issues a warning of its own: lift the one in force first
        lift, lift_signers = world.next_form(None)
        world.approve_http(lift, lift_signers)
        world.settle()
    world.gateway.reset()
    world.gateway.control(mode=mode, hang_seconds=float(settings.SMS_GATEWAY_TIMEOUT) + 2)
    form, signers = world.next_form(level)
    started = time.monotonic()
    status, _ = world.approve_http(form, signers)
    rows = world.deliveries(form)
    attempts = settings.SMS_MAX_ATTEMPTS
    settled = wait(
        lambda: (
            rows.count() == len(world.phones)
            and rows.filter(status="failed", retryable=False).count() == len(world.phones)
        ),
        120,
        step=0.5,
    )
    stats = world.gateway.stats()
    world.gateway.control(mode="ok")
    calls_per_attempt = -(-len(world.phones) // settings.SMS_GATEWAY_BATCH)
    errors = Counter(r.split("：", 1)[-1][:40] for r in rows.values_list("last_error", flat=True))
    want = "HTTP 500" if mode == "500" else "超时"
    page_status, page = world.stack.http(
        "GET", "/warnings/deliveries/?status=failed", headers={"Cookie": world.office_cookie}
    )
    page_text = page.decode("utf-8", "replace")
    shown = page_status == 200 and want in page_text and "发送失败" in page_text
    counted = stats["failed_requests"] if mode == "500" else stats["hung_requests"]
    ok = (
        status == 200
        and settled is not None
        and counted == calls_per_attempt * attempts
        and all(want in e for e in errors)
        and rows.filter(attempts=attempts).count() == len(world.phones)
        and Delivery.objects.filter(pk__in=rows, sent_at__isnull=False).count() == 0
        and shown
    )
    return report(
        name,
        ok,
        recipients=len(world.phones),
        max_attempts=attempts,
        gateway_requests=stats["requests"],
        expected_requests=calls_per_attempt * attempts,
        seconds_to_settle=round(settled, 1) if settled is not None else None,
        errors=dict(errors),
        office_page_status=page_status,
        office_page_shows_failures=shown,
        elapsed=round(time.monotonic() - started, 1),
    )


def office_cookie(world: World) -> str:
    """A real session of the office user (as a login with the second factor creates it), for the
    office's page."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The office is a second-factor role (accounts/twofactor.py): a session as after password and
    # TOTP code, i.e. with its confirmed device recorded.
    device = TOTPDevice.objects.create(user=world.office, name="faults", confirmed=True)
    session = SessionStore()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_KEY] = str(world.office.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = world.office.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


# ----------------------------------------------------------------------------- main


def run(args) -> int:
    only = [s for s in (args.only.split(",") if args.only else SCENARIOS)]
    subscribers = args.subscribers or (2000 if args.quick else 10000)
    outage = args.outage or (10.0 if args.quick else 30.0)
    started = time.monotonic()
    with Stack(args.port, env=stack_env(args.quick)) as stack:
        stack.start_pg()
        stack.start_redis()
        stack.migrate()
        stack.start_gateway()
        stack.start_web()
        stack.start_worker()
        stack.start_beat()
        stack.supervise("worker", "beat", "web")
        stack.django()
        world = World(stack, subscribers)
        world.office_cookie = office_cookie(world)
        print(f"stack ready in {time.monotonic() - started:.1f} s ({stack.dir})", flush=True)
        try:
            if "approvals" in only:
                scenario_approvals(world)
            if "kill9" in only:
                scenario_kill9(world)
            if "redis" in only:
                scenario_redis(world, outage)
            if "pg" in only:
                scenario_pg(world)
            if "gw500" in only or "gwhang" in only:
                world.set_subscribers(100)
            if "gw500" in only:
                _gateway_fault(world, "gw500", "500", "yellow")
            if "gwhang" in only:
                _gateway_fault(world, "gwhang", "hang", "yellow")
        except Exception as exc:  # noqa: BLE001 - report, with the logs, and fail
            import traceback

            traceback.print_exc()
            RESULTS["error"] = {"ok": False, "error": f"{exc.__class__.__name__}: {exc}"}
            for name in ("web", "worker", "beat"):
                print(f"--- {name} log ---\n{stack.log(name)}", flush=True)
        failed = [name for name, r in RESULTS.items() if not r["ok"]]
        if failed:
            for name in ("worker", "beat", "web"):
                print(f"--- {name} log (tail) ---\n{stack.log(name, 4000)}", flush=True)
    total = time.monotonic() - started
    print(f"{'PASS' if not failed else 'FAIL'} faults total_seconds={total:.1f} failed={failed}", flush=True)
    ran = [name for name in RESULTS if name != "error"]
    figures = {
        "approvals_ok": RESULTS.get("approvals", {}).get("statuses", {}).get(200),
        "kill9_duplicates": RESULTS.get("kill9", {}).get("duplicates"),
        "kill9_missing": RESULTS.get("kill9", {}).get("missing"),
        "kill9_resent_deduplicated": RESULTS.get("kill9", {}).get("resent_deduplicated"),
        "redis_public_max_ms": RESULTS.get("redis", {}).get("public_max_ms"),
        "redis_publish_after_s": RESULTS.get("redis", {}).get("seconds_to_publish_after_redis_back"),
        "pg_web_recovered_s": RESULTS.get("pg", {}).get("web_recovered_seconds_after_restart_began"),
        "gw500_requests": RESULTS.get("gw500", {}).get("gateway_requests"),
        "gwhang_requests": RESULTS.get("gwhang", {}).get("gateway_requests"),
    }
    shown = " ".join(f"{k}={v}" for k, v in figures.items() if v is not None)
    # The reference is the script's own: every scenario that ran passing (ratio 1).
    passed = len(ran) - len([n for n in failed if n != "error"])
    print(
        f"BENCH faults ratio={passed / max(len(ran), 1):.2f} passed={passed} scenarios={len(ran)} "
        f"subscribers={subscribers} outage_s={outage:g} {shown} total_s={total:.1f}",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"results": RESULTS, "seconds": total}, ensure_ascii=False, indent=1))
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description="Scripted faults (see the module docstring).")
    parser.add_argument("--quick", action="store_true", help="CI size: 2,000 subscribers, a 10 s Redis outage")
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(SCENARIOS)}")
    parser.add_argument("--subscribers", type=int, default=0)
    parser.add_argument("--outage", type=float, default=0.0, help="seconds Redis stays down")
    parser.add_argument("--port", type=int, default=18090, help="base port: PG, Redis, gateway, web = +0..+3")
    parser.add_argument("--json", default="")
    sys.exit(run(parser.parse_args()))


if __name__ == "__main__":
    main()
