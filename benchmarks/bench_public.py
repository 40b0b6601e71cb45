"""The public page (/public/) under a whole city's load, against nginx serving the same HTML as a file.

    .venv/bin/python benchmarks/bench_public.py [--duration 15] [--connections 64,256]
        [--redis-url redis://127.0.0.1:6379/9] [--db-name bench_public] [--port-base 18030]

Runs the production stack as docker-compose.yml describes it, from this machine's packages (there
is no Docker engine here): PostgreSQL and Redis (the local servers; a database of its own, created
and migrated here, the plan loaded), gunicorn with the `web` service's command line, a Celery
worker with the `worker` service's, and nginx with deploy/nginx.conf rendered for local ports and
paths (benchmarks/nginx_local.py), all with the production variables (SECRET_KEY set, DEBUG=0,
DATABASE_URL, REDIS_URL, ALLOWED_HOSTS; SECURE_SSL_REDIRECT=0, as TLS ends at a gateway).
A yellow warning is issued, approved and published through the services and the worker.

Beside it, in the same nginx, a second server serves the page's HTML (fetched from the stack just
before) as a plain static file: the reference. wrk loads each for ``--duration`` seconds at each
connection count, and Django alone (gunicorn, no nginx) as context. During the run of our stack at
each load a new form is approved through the services (upgrade to orange, then downgrade to
yellow); the worker publishes it, and the page is polled through nginx until the new level shows:
the seconds from the approval's commit (and from the publication's start in the worker) to the
page showing it.

Every process is started in its own process group and ended at exit (also on Ctrl-C / SIGTERM);
every load is on 127.0.0.1 and bounded in time. Ends with one line:
``BENCH public ratio=<ours rps / static rps at the highest load> …``
"""
# ruff: noqa: S603, S607, S310, S110, S103 - it starts local programs and loads local URLs only

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.nginx_local import (  # noqa: E402
    LocalNginx,
    nginx_binary,
    port_free,
    render_site,
    static_site,
    stop_group,
    wait_http,
)

VENV_BIN = Path(sys.executable).parent
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
    '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""
PASSWORD = "bench-" + secrets.token_hex(8)
MARKER = 'class="public-level">{}<'


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {text}", flush=True)


class Stack:
    """Everything started here, ended by ``close()``."""

    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="bench_public_"))
        os.chmod(self.tmp, 0o755)
        self.processes: list[subprocess.Popen] = []
        self.nginx: LocalNginx | None = None
        base = args.port_base
        self.port_nginx, self.port_web, self.port_static = base, base + 1, base + 2
        server = urllib.parse.urlsplit(args.database_server)
        self.db_server = server
        self.database_url = f"{args.database_server.rstrip('/')}/{args.db_name}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": args.redis_url,
            "SMS_BACKEND": "file",
            "SMS_FILE_DIR": str(self.tmp / "sms"),
            "TRUST_X_FORWARDED_FOR": "1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(self.tmp / "staticfiles"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "FORECAST_INBOX_DIR": str(self.tmp / "inbox"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "yangquan_aqi.settings",
        }

    # --------------------------------------------------------------------- processes

    def run(self, argv: list[str], *, timeout: float, what: str) -> str:
        result = subprocess.run(argv, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(
                f"{what} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
            )
        return result.stdout

    def start(self, argv: list[str], *, name: str) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.processes.append(process)
        return process

    def close(self) -> None:
        if self.nginx is not None:
            self.nginx.stop()
        for process in reversed(self.processes):
            stop_group(process)
        if not self.args.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --------------------------------------------------------------------- the stack

    def compose_commands(self) -> dict[str, list[str]]:
        import yaml

        compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
        return {name: list(compose["services"][name]["command"]) for name in ("web", "worker")}

    def database(self) -> None:
        host, port = self.db_server.hostname or "127.0.0.1", str(self.db_server.port or 5432)
        user = self.db_server.username or "postgres"
        common = ["-h", host, "-p", port, "-U", user]
        pg_env = {**os.environ, **({"PGPASSWORD": self.db_server.password} if self.db_server.password else {})}
        subprocess.run(["dropdb", *common, "--if-exists", self.args.db_name], check=True, env=pg_env, timeout=60)
        subprocess.run(["createdb", *common, self.args.db_name], check=True, env=pg_env, timeout=60)
        python = str(VENV_BIN / "python")
        self.run([python, "manage.py", "migrate", "--noinput"], timeout=600, what="migrate")
        self.run([python, "manage.py", "load_plan"], timeout=300, what="load_plan")
        self.run([python, "manage.py", "collectstatic", "--noinput"], timeout=600, what="collectstatic")

    def drop_database(self) -> None:
        host, port = self.db_server.hostname or "127.0.0.1", str(self.db_server.port or 5432)
        subprocess.run(
            [
                "dropdb",
                "-h",
                host,
                "-p",
                port,
                "-U",
                self.db_server.username or "postgres",
                "--if-exists",
                "--force",
                self.args.db_name,
            ],
            timeout=60,
            capture_output=True,
        )

    def clear_redis_cache(self) -> None:
        import redis

        client = redis.Redis.from_url(self.args.redis_url)
        keys = list(client.scan_iter("yq:*", count=1000))
        if keys:
            client.delete(*keys)

    def start_services(self) -> None:
        commands = self.compose_commands()
        web = commands["web"]
        web[0] = str(VENV_BIN / web[0])
        web[web.index("--bind") + 1] = f"127.0.0.1:{self.port_web}"
        if self.args.workers:
            web[web.index("--workers") + 1] = str(self.args.workers)
        self.web_argv = web
        self.start(web, name="gunicorn")
        worker = commands["worker"]
        worker[0] = str(VENV_BIN / worker[0])
        worker = [a for a in worker if not a.startswith("--loglevel")] + ["--loglevel=INFO"]
        self.worker_argv = worker
        self.start(worker, name="celery")
        wait_http(f"http://127.0.0.1:{self.port_web}/healthz/", seconds=60)

        (self.tmp / "reference").mkdir()
        sites = {
            "production": render_site(
                listen=self.port_nginx,
                upstream=f"127.0.0.1:{self.port_web}",
                static_root=self.tmp / "staticfiles",
                media_root=self.tmp / "media",
                cache_dir=self.tmp / "nginx-cache",
            ),
            "reference": static_site(listen=self.port_static, root=self.tmp / "reference"),
        }
        self.nginx = LocalNginx(self.tmp / "nginx", sites).start()
        wait_http(f"http://127.0.0.1:{self.port_nginx}/healthz/", seconds=30)

    # --------------------------------------------------------------------- URLs

    @property
    def url_ours(self) -> str:
        return f"http://127.0.0.1:{self.port_nginx}/public/"

    @property
    def url_django(self) -> str:
        return f"http://127.0.0.1:{self.port_web}/public/"

    @property
    def url_static(self) -> str:
        return f"http://127.0.0.1:{self.port_static}/public/"

    def django_requests(self) -> int:
        """Requests for /public/ that reached gunicorn so far (its access log)."""
        path = self.tmp / "gunicorn.log"
        return sum(1 for line in path.read_text(errors="replace").splitlines() if '"GET /public/' in line)

    def refresh_reference(self) -> int:
        """The page as the stack serves it now, written as the reference's static file."""
        body = fetch(self.url_ours)
        (self.tmp / "reference" / "public.html").write_bytes(body)
        if fetch(self.url_static) != body:
            raise RuntimeError("the static reference does not serve the page's bytes")
        return len(body)


def fetch(url: str, headers: dict | None = None) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
        return response.read()


# ------------------------------------------------------------------------- the warning


class Warnings:
    """Forms through the services, in this process, on the benchmark's database."""

    def __init__(self, stack: Stack):
        os.environ.update(stack.env)
        import django

        django.setup()
        from django.contrib.auth import get_user_model

        from accounts.roles import Role

        users = get_user_model().objects
        self.office = users.create_user(username="bench-office", password=PASSWORD, role=Role.OFFICE)
        self.vice = users.create_user(username="bench-vice", password=PASSWORD, role=Role.VICE_COMMANDER)

    def decide(self, action: str, level: str | None) -> float:
        """Draft, submit and approve a form; the time.time() of the approval's commit."""
        from django.utils import timezone

        from alerts import services
        from tests.factories import warning_content  # what the warning says (§11): submit requires it

        now = timezone.now()
        form = services.form_draft(
            actor=self.office,
            action=action,
            level=level,
            basis="基准测试：会商认为未来 72 小时 AQI 持续大于 200",
            content="基准测试",
            effective_at=now,
            episode_end=now + dt.timedelta(days=3) if action == "issue" else None,
            public_message="",
            **warning_content(
                action,
                **(
                    {"primary_pollutant": "PM2.5", "aqi_low": 210, "aqi_high": 280, "degree": ""}
                    if action == "issue"
                    else {}
                ),
            ),
        )
        services.form_submit(actor=self.office, form_id=form.pk)
        services.form_approve(actor=self.vice, form_id=form.pk, password=PASSWORD, opinion="同意。")
        self.form_id = form.pk
        return time.time()

    def publication_started(self) -> float | None:
        """When the worker started the publish handler of the last form (outbox dispatched_at)."""
        from core.models import OutboxEvent

        event = (
            OutboxEvent.objects.filter(topic="alerts.warning.publish", payload__form_id=self.form_id)
            .values("dispatched_at")
            .first()
        )
        return event["dispatched_at"].timestamp() if event and event["dispatched_at"] else None


def wait_for_level(url: str, level_name: str, *, seconds: float) -> float:
    """Poll ``url`` (a new connection each time, like a new visitor) until the level shows."""
    marker = MARKER.format(level_name).encode()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if marker in fetch(url):
                return time.time()
        except Exception:  # noqa: BLE001 - under load a probe may time out; try again
            pass
        time.sleep(0.01)
    raise TimeoutError(f"{level_name} did not show on {url} within {seconds} s")


# ------------------------------------------------------------------------- wrk


def wrk(url: str, *, connections: int, duration: int, threads: int, script: Path, during=None) -> dict:
    argv = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "2s",
        "-s",
        str(script),
        url,
    ]
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        if during is not None:
            during()
        out, _ = process.communicate(timeout=duration + 30)
    finally:
        stop_group(process)
    line = next((ln for ln in out.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary:\n{out}")
    data = json.loads(line[len("WRKJSON ") :])
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["p50_ms"], data["p90_ms"], data["p99_ms"] = (data[k] / 1000 for k in ("p50_us", "p90_us", "p99_us"))
    # wrk leaves answers slower than its timeout (2 s) out of the percentiles (and counts them as
    # timeout errors): a percentile they reach is "over 2 s", not the figure of the faster rest.
    slow = data["timeout"] / data["requests"] if data["requests"] else 1.0
    for key, share in (("p50_ms", 0.5), ("p90_ms", 0.1), ("p99_ms", 0.01)):
        if slow >= share:
            data[key] = float("inf")
    data["bytes_per_response"] = data["bytes"] / data["requests"] if data["requests"] else 0
    return data


def group_cpu(group: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def combine(parts: list[dict]) -> dict:
    """Several runs of one target as one: requests over the summed time, the mean p50, the worst p90
    and p99, all errors; nginx's CPU time per request."""
    requests = sum(p["requests"] for p in parts)
    seconds = sum(p["duration_us"] for p in parts) / 1e6
    result = {
        "runs": len(parts),
        "requests": requests,
        "rps": requests / seconds,
        "rps_each": [p["rps"] for p in parts],
        "p50_ms": sum(p["p50_ms"] for p in parts) / len(parts),
        "p90_ms": max(p["p90_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "bytes_per_response": sum(p["bytes"] for p in parts) / requests if requests else 0,
        "nginx_us_per_request": 1e6 * sum(p["nginx_cpu_s"] for p in parts) / requests if requests else 0,
        "web_us_per_request": 1e6 * sum(p["web_cpu_s"] for p in parts) / requests if requests else 0,
    }
    if "reached_django" in parts[0]:
        result["reached_django"] = sum(p["reached_django"] for p in parts)
    return result


# ------------------------------------------------------------------------- report


COLUMNS = (
    ("static", "static file (ref)"),
    ("ours", "ours: nginx+gunicorn"),
    ("django", "Django alone"),
    ("publishing", "ours, publishing"),
)


def ms(value: float) -> str:
    return "> 2000" if value == float("inf") else f"{value:.2f}"


def table(connections: int, duration: int, results: dict) -> str:
    rows = [
        ("requests/s", lambda r: f"{r['rps']:,.0f}"),
        ("requests/s of each run", lambda r: " ".join(f"{x:,.0f}" for x in r["rps_each"])),
        ("p50 latency (ms)", lambda r: ms(r["p50_ms"])),
        ("p90 latency (ms)", lambda r: ms(r["p90_ms"])),
        ("p99 latency (ms)", lambda r: ms(r["p99_ms"])),
        ("errors (socket + non-2xx/3xx)", lambda r: f"{r['errors']:,}"),
        ("requests", lambda r: f"{r['requests']:,}"),
        ("bytes per response", lambda r: f"{r['bytes_per_response']:,.0f}"),
        ("requests reaching Django", lambda r: f"{r['reached_django']:,}" if "reached_django" in r else "—"),
        ("nginx CPU µs per request", lambda r: f"{r['nginx_us_per_request']:.1f}"),
        ("gunicorn CPU µs per request", lambda r: f"{r['web_us_per_request']:.1f}"),
        ("rps over the static file's", lambda r: f"{r['rps'] / results['static']['rps']:.3f}"),
    ]
    head = f"{connections} connections, {duration} s a run"
    lines = [f"{head:<30}" + "".join(f"{title:>22}" for _, title in COLUMNS)]
    for label, cell in rows:
        lines.append(f"{label:<30}" + "".join(f"{cell(results[key]):>22}" for key, _ in COLUMNS))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per run (15)")
    parser.add_argument("--connections", default="64,256", help="connection counts (64,256)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2, one a core)")
    parser.add_argument(
        "--rounds", type=int, default=2, help="runs of the reference and of ours at each load, alternating (2: A B B A)"
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (default: docker-compose's)")
    parser.add_argument(
        "--port-base", type=int, default=18030, help="nginx, gunicorn, reference: this and the next two"
    )
    parser.add_argument(
        "--database-server", default=os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument(
        "--db-name", default="bench_public", help="scratch database, dropped and made anew (bench_public)"
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database of its own (cache and Celery broker)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and the database")
    args = parser.parse_args()
    loads = [int(c) for c in args.connections.split(",")]

    missing = [
        tool
        for tool, path in (
            ("nginx", nginx_binary()),
            ("wrk", shutil.which("wrk")),
            ("createdb", shutil.which("createdb")),
        )
        if not path
    ]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install nginx wrk postgresql-client)", file=sys.stderr)
        return 2
    busy = [p for p in range(args.port_base, args.port_base + 3) if not port_free(p)]
    if busy:
        print(f"ports in use: {busy}", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    stack = Stack(args)
    results: dict[int, dict] = {}
    staleness: list[dict] = []
    try:
        log(
            f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
            f"{os.cpu_count()} cores; database {args.db_name}; Redis {args.redis_url}"
        )
        stack.database()
        stack.clear_redis_cache()
        stack.start_services()
        log(f"gunicorn: {shlex.join(stack.web_argv)}")
        log(f"worker:   {shlex.join(stack.worker_argv)}")
        log(
            f"nginx:    deploy/nginx.conf on :{stack.port_nginx} → :{stack.port_web}; reference on :{stack.port_static}"
        )

        warnings = Warnings(stack)
        warnings.decide("issue", "yellow")
        wait_for_level(stack.url_ours, "黄色预警", seconds=60)
        size = stack.refresh_reference()
        if fetch(stack.url_django) != fetch(stack.url_ours):
            raise RuntimeError("nginx and gunicorn serve different pages")
        log(f"published a yellow warning; the page is {size:,} bytes")
        script = stack.tmp / "summary.lua"
        script.write_text(WRK_SCRIPT, encoding="utf-8")

        transitions = [("upgrade", "orange", "橙色预警"), ("downgrade", "yellow", "黄色预警")]
        nginx_group = stack.nginx.process.pid
        web_group = stack.processes[0].pid
        for index, connections in enumerate(loads):
            size = stack.refresh_reference()
            log(f"{connections} connections: reference page {size:,} bytes")
            rounds: dict[str, list[dict]] = {"static": [], "ours": [], "django": [], "publishing": []}
            # The reference and ours alternate (A B B A …) so that what else the machine does falls on both.
            plan = []
            for number in range(args.rounds):
                pair = [("static", stack.url_static), ("ours", stack.url_ours)]
                plan += pair if number % 2 == 0 else pair[::-1]
            plan += [("django", stack.url_django), ("publishing", stack.url_ours)]
            for key, url in plan:
                # 2 s warm-up (connections, caches), then the measured run.
                wrk(url, connections=connections, duration=2, threads=args.threads, script=script)
                before = stack.django_requests()
                cpu_before = {"nginx": group_cpu(nginx_group), "web": group_cpu(web_group)}
                during = None
                if key == "publishing":
                    action, level, name = transitions[index % len(transitions)]

                    def during(action=action, level=level, name=name, connections=connections):
                        time.sleep(args.duration * 0.4)
                        committed = warnings.decide(action, level)
                        visible = wait_for_level(stack.url_ours, name, seconds=30)
                        started = warnings.publication_started()
                        staleness.append(
                            {
                                "connections": connections,
                                "change": f"{action} → {level}",
                                "from_commit_s": visible - committed,
                                "from_publication_s": (visible - started) if started else None,
                                "worker_pickup_s": (started - committed) if started else None,
                            }
                        )

                result = wrk(
                    url,
                    connections=connections,
                    duration=args.duration,
                    threads=args.threads,
                    script=script,
                    during=during,
                )
                result["nginx_cpu_s"] = group_cpu(nginx_group) - cpu_before["nginx"]
                result["web_cpu_s"] = group_cpu(web_group) - cpu_before["web"]
                time.sleep(0.5)  # the access log's last lines
                if key != "static":
                    result["reached_django"] = stack.django_requests() - before
                rounds[key].append(result)
                log(
                    f"  {key:<10} {result['rps']:>10,.0f} req/s  p50 {ms(result['p50_ms'])} ms  "
                    f"p99 {ms(result['p99_ms'])} ms  errors {result['errors']}"
                )
            run = {key: combine(parts) for key, parts in rounds.items()}
            results[connections] = run
    except KeyboardInterrupt:
        log("interrupted; stopping everything")
        return 130
    finally:
        stack.close()
        if not args.keep:
            stack.drop_database()

    print()
    print(
        f"Public page /public/ — wrk {args.threads} threads, {args.duration} s per run, load average now "
        f"{os.getloadavg()[0]:.2f}; gunicorn {stack.web_argv[stack.web_argv.index('--workers') + 1]} workers"
    )
    for connections in loads:
        print()
        print(table(connections, args.duration, results[connections]))
    print()
    print(
        "Columns: the same page as a static file; our stack (nginx with deploy/nginx.conf, gunicorn); gunicorn "
        "alone; our stack again while a form is approved and published (worker), the page polled until it shows."
    )
    print("Staleness: a form approved while our stack is under load, until the page through nginx shows it")
    for record in staleness:
        started = record["from_publication_s"]
        pickup = record["worker_pickup_s"]
        print(
            f"  {record['connections']:>4} connections, {record['change']:<18} from the approval's commit "
            f"{record['from_commit_s']:.3f} s; from the publication's start in the worker "
            f"{started:.3f} s (the worker picked it up after {pickup:.3f} s)"
            if started is not None
            else f"  {record['connections']} connections, {record['change']}: {record['from_commit_s']:.3f} s from commit"
        )

    top = max(loads)
    ours, ref = results[top]["ours"], results[top]["static"]
    figures = [f"ratio={ours['rps'] / ref['rps']:.3f}"]
    for connections in loads:
        for key in ("ours", "static", "django", "publishing"):
            r = results[connections][key]
            figures.append(
                f"{key}_rps_{connections}={r['rps']:.0f} {key}_p50_ms_{connections}={r['p50_ms']:.2f} "
                f"{key}_p99_ms_{connections}={r['p99_ms']:.2f} {key}_errors_{connections}={r['errors']}"
            )
    worst = max((r["from_commit_s"] for r in staleness), default=float("nan"))
    worst_pub = max(
        (r["from_publication_s"] for r in staleness if r["from_publication_s"] is not None), default=float("nan")
    )
    figures.append(f"staleness_s={worst:.3f} staleness_from_publication_s={worst_pub:.3f}")
    print(f"BENCH public {' '.join(figures)}".replace("=inf", "=>2000"))  # wrk's timeout: over 2 s
    return 0


if __name__ == "__main__":
    sys.exit(main())
