"""A whole production-like stack of the product in temporary directories, for fault scripts,
fan-out benchmarks and the tests that run them: its OWN PostgreSQL cluster (initdb + pg_ctl, so
restarting it disturbs nobody), its OWN redis-server, the fake SMS gateway, gunicorn (SECRET_KEY
set, DEBUG off), a Celery worker (prefork) and Celery beat — each a process this module starts,
can kill -9 / stop / restart, and stops at the end.

    with Stack(base_port=18090) as stack:
        stack.start_pg(); stack.start_redis(); stack.migrate(); stack.start_gateway()
        stack.start_web(); stack.start_worker(); stack.start_beat()
        stack.django()            # this process now talks to the stack's database (ORM, services)

Ports: PostgreSQL base, Redis base+1, gateway base+2, gunicorn base+3.
"""

from __future__ import annotations

import contextlib
import glob
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin")
    return found[-1]


def _terminate(signum, frame):
    raise SystemExit(f"terminated by signal {signum}")


def wait_port(port: int, timeout: float = 30.0, host: str = "127.0.0.1") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


class Stack:
    def __init__(
        self,
        base_port: int = 18090,
        *,
        db_name: str = "yq_faults",
        env: dict | None = None,
        worker_concurrency: int = 2,
        web_workers: int = 2,
        web_threads: int = 8,
    ):
        self.pg_port, self.redis_port, self.gateway_port, self.web_port = (base_port + i for i in range(4))
        self.db_name = db_name
        self.dir = Path(tempfile.mkdtemp(prefix="yq-stack-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self._args: dict[str, list[str]] = {}
        self.supervised: set[str] = set()
        self.restarts: dict[str, int] = {}
        self._supervisor: threading.Thread | None = None
        self._closing = False
        self.worker_concurrency = worker_concurrency
        self.web_workers, self.web_threads = web_workers, web_threads
        self.gateway_token = "fake-gateway-token"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))},
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/{db_name}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECRET_KEY": "faults-stack-secret-key-" + "x" * 40,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CELERY_QUEUE": "yangquan",
            "SMS_BACKEND": "http",
            "SMS_GATEWAY_URL": f"http://127.0.0.1:{self.gateway_port}/sms",
            "SMS_GATEWAY_TOKEN": self.gateway_token,
            "SMS_RATE_PER_SECOND": "1000",
            "FORECAST_INBOX_DIR": str(self.dir / "inbox"),
            # Production serves hashed static files (whitenoise's manifest): collected once, shared by runs.
            "STATIC_ROOT": os.environ.get("STACK_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "yq-stack-static")),
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)

    # ------------------------------------------------------------------ processes

    def _spawn(self, name: str, args: list[str], env: dict | None = None, user: str | None = None) -> subprocess.Popen:
        log = (self.dir / f"{name}.log").open("ab")
        kwargs = {}
        if user:
            entry = pwd.getpwnam(user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid}
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )
        self.procs[name] = proc
        self._args[name] = args
        return proc

    def supervise(self, *names: str) -> None:
        """Restart these processes when they exit by themselves, a second later — what the
        deployment's restart policy does (docker-compose.yml: ``restart: unless-stopped``). A process
        this class kills or stops on purpose is not restarted; ``restarts`` counts the others."""
        self.supervised.update(names)
        if self._supervisor is None:
            self._supervisor = threading.Thread(target=self._watch, name="stack-supervisor", daemon=True)
            self._supervisor.start()

    def _watch(self) -> None:
        while not self._closing:
            for name in list(self.supervised):
                proc = self.procs.get(name)
                if proc is not None and proc.poll() is not None and self.procs.get(name) is proc:
                    time.sleep(1)
                    if self._closing or self.procs.get(name) is not proc:
                        continue
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    self._spawn(name, self._args[name])
            time.sleep(0.5)

    def log(self, name: str, tail: int = 3000) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace")[-tail:] if path.exists() else ""

    def kill9(self, name: str) -> None:
        """SIGKILL the process and its whole group (a prefork worker's pool processes too)."""
        proc = self.procs.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop(self, name: str, timeout: float = 20) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)

    # ------------------------------------------------------------------ PostgreSQL (own cluster)

    def _pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        user = "postgres" if os.geteuid() == 0 else None
        kwargs = {}
        if user:
            entry = pwd.getpwnam(user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid}
        return subprocess.run(list(args), check=check, capture_output=True, text=True, cwd=self.dir, **kwargs)

    def start_pg(self) -> None:
        data = self.dir / "pg"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        if not data.exists():
            self._pg(
                _pg_bin("initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        self._pg_ctl("start")
        self._pg(
            _pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", self.db_name, check=False
        )

    def _pg_ctl(self, command: str, *extra: str) -> float:
        started = time.monotonic()
        options = (
            f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -k {self.dir} -c max_connections=200 "
            "-c shared_buffers=128MB"
        )
        self._pg(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.dir / "pg"),
            "-l",
            str(self.dir / "pg.log"),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            command,
            *extra,
        )
        return time.monotonic() - started

    def restart_pg(self) -> float:
        """pg_ctl restart -m fast: every connection is cut; returns the seconds it took."""
        return self._pg_ctl("restart", "-m", "fast")

    def stop_pg(self) -> None:
        if (self.dir / "pg" / "postmaster.pid").exists():
            self._pg(_pg_bin("pg_ctl"), "-D", str(self.dir / "pg"), "-m", "immediate", "-w", "stop", check=False)

    # ------------------------------------------------------------------ Redis (own server)

    def start_redis(self) -> None:
        self._spawn(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
        )
        wait_port(self.redis_port)

    def stop_redis(self) -> None:
        self.stop("redis")

    # ------------------------------------------------------------------ the product

    def manage(self, *args: str, timeout: float = 600) -> str:
        out = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if out.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
        return out.stdout

    def migrate(self, static: bool = True) -> None:
        """Migrations and the plan's data; the static files (for gunicorn) collected meanwhile."""
        collect = (
            subprocess.Popen(
                [PYTHON, "manage.py", "collectstatic", "--noinput"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            if static
            else None
        )
        self.manage("migrate", "--noinput")
        self.manage("load_plan")
        if collect is not None and collect.wait(300):
            raise RuntimeError(f"collectstatic failed: {collect.stderr.read()[-2000:]!r}")

    def start_gateway(self) -> None:
        self._spawn(
            "gateway",
            [
                PYTHON,
                str(ROOT / "tests" / "tools" / "fake_gateway.py"),
                "--port",
                str(self.gateway_port),
                "--token",
                self.gateway_token,
                "--hang-seconds",
                "5",
            ],
        )
        wait_port(self.gateway_port)

    def start_web(self) -> None:
        self._spawn(
            "web",
            [
                str(BIN / "gunicorn"),
                "yangquan_aqi.wsgi",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                str(self.web_workers),
                "-k",
                "gthread",
                "--threads",
                str(self.web_threads),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
        )
        wait_port(self.web_port)

    def start_worker(self, name: str = "worker") -> None:
        self._spawn(
            name,
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "yangquan_aqi",
                "worker",
                "--pool=prefork",
                "-c",
                str(self.worker_concurrency),
                "--loglevel=INFO",
                "-Q",
                self.env["CELERY_QUEUE"],
                "-n",
                f"{name}-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )

    def start_beat(self) -> None:
        self._spawn(
            "beat",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "yangquan_aqi",
                "beat",
                "--loglevel=INFO",
                "-s",
                str(self.dir / "beat-schedule"),
            ],
        )

    def django(self) -> None:
        """Point this process's Django at the stack (call before importing models)."""
        for key in (
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "SECURE_SSL_REDIRECT",
            "ALLOWED_HOSTS",
            "CELERY_QUEUE",
            "SMS_BACKEND",
            "SMS_GATEWAY_URL",
            "SMS_GATEWAY_TOKEN",
            "SMS_RATE_PER_SECOND",
            "FORECAST_INBOX_DIR",
            *[k for k in self.env if k.startswith(("SMS_", "SWEEP", "OUTBOX_", "CELERY_"))],
        ):
            os.environ[key] = self.env[key]
        os.environ["DJANGO_SETTINGS_MODULE"] = "yangquan_aqi.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    # ------------------------------------------------------------------ HTTP against gunicorn

    def http(
        self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None, timeout: float = 30
    ) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.web_port, timeout=timeout)
        try:
            all_headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", **(headers or {})}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                all_headers["Content-Type"] = "application/json"
            connection.request(method, path, body=data, headers=all_headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    # ------------------------------------------------------------------ the end

    def close(self) -> None:
        self._closing = True
        for name in list(self.procs)[::-1]:
            self.stop(name, timeout=10)
        self.stop_pg()
        if not os.environ.get("KEEP_STACK"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Stack:
        # A SIGTERM (timeout, CI cancelling) unwinds through __exit__, so nothing is left running.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _terminate)
        return self

    def __exit__(self, *exc) -> None:
        self.close()
