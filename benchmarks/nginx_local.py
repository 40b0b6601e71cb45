"""The production nginx configuration (deploy/nginx.conf), rendered for local ports and paths, and a
throwaway nginx running it: used by benchmarks/bench_public.py and tests/test_public_cache.py, so
both measure and check the file docker-compose mounts, not a copy of it.

docker-compose mounts deploy/nginx.conf as /etc/nginx/conf.d/default.conf of the nginx image, whose
nginx.conf includes it inside ``http {}``; ``main_conf`` is that outer file (the image's settings:
worker_processes auto, 1024 connections a worker, sendfile, keepalive 65 s, an access log) with
every path in a temporary folder, ``daemon off`` and a pid file of its own.
"""
# ruff: noqa: S603, S310 - it starts the local nginx and polls local URLs only

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_CONF = ROOT / "deploy" / "nginx.conf"

#: What deploy/nginx.conf says → what it becomes locally. Each must be found, so a change in the
#: production file's shape stops the benchmark instead of silently measuring something else.
_SUBSTITUTIONS = ("listen 80;", "http://web:8000", "/srv/static/", "/srv/media/", "/var/cache/nginx/public")


class NginxUnavailable(RuntimeError):
    pass


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


def render_site(
    *, listen: int, upstream: str, static_root: Path, media_root: Path, cache_dir: Path, conf: Path = PRODUCTION_CONF
) -> str:
    """deploy/nginx.conf with its port, upstream and paths replaced by local ones."""
    text = conf.read_text(encoding="utf-8")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{listen};",
        "http://web:8000": f"http://{upstream}",
        "/srv/static/": f"{static_root}/",
        "/srv/media/": f"{media_root}/",
        "/var/cache/nginx/public": str(cache_dir),
    }
    for old in _SUBSTITUTIONS:
        if old not in text:
            raise ValueError(f"{conf}: '{old}' not found; update benchmarks/nginx_local.py to the new shape")
        text = text.replace(old, replacements[old])
    return text


def static_site(*, listen: int, root: Path, page: str = "public.html") -> str:
    """The reference: the same page's HTML as a plain file, served by the same nginx."""
    return f"""server {{
    listen 127.0.0.1:{listen};
    server_name _;
    root {root};
    location = /public/ {{
        default_type "text/html; charset=utf-8";
        try_files /{page} =404;
    }}
}}
"""


def main_conf(workdir: Path, sites: list[Path], *, access_log: bool = True) -> str:
    """The nginx image's nginx.conf, with every path under ``workdir``."""
    log = f"access_log {workdir}/access.log main buffer=64k flush=1s;" if access_log else "access_log off;"
    includes = "\n    ".join(f"include {site};" for site in sites)
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes auto;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent "$http_referer" '
                    '"$http_user_agent" "$http_x_forwarded_for"';
    {log}
    sendfile on;
    keepalive_timeout 65;
    client_body_temp_path {workdir}/client_body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    {includes}
}}
"""


def wait_http(url: str, *, seconds: float = 20.0, expect: int | None = 200, headers: dict | None = None) -> None:
    """Wait until ``url`` answers (with ``expect``, when given)."""
    deadline = time.monotonic() + seconds
    last: Exception | str = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=2) as response:
                if expect is None or response.status == expect:
                    return
                last = f"status {response.status}"
        except Exception as exc:  # noqa: BLE001 - not up yet
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {seconds} s: {last}")


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class LocalNginx:
    """A foreground nginx in its own process group; ``stop()`` ends it (and its workers)."""

    def __init__(self, workdir: Path, sites: dict[str, str], *, access_log: bool = True):
        binary = nginx_binary()
        if binary is None:
            raise NginxUnavailable("nginx is not installed (apt-get install nginx)")
        self.binary = binary
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, text in sites.items():
            path = workdir / f"{name}.conf"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        self.conf = workdir / "nginx.conf"
        self.conf.write_text(main_conf(workdir, paths, access_log=access_log), encoding="utf-8")
        self.process: subprocess.Popen | None = None

    def test(self) -> None:
        result = subprocess.run(
            [
                self.binary,
                "-t",
                "-q",
                "-p",
                str(self.workdir),
                "-c",
                str(self.conf),
                "-e",
                str(self.workdir / "error.log"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {result.stderr}")

    def start(self) -> LocalNginx:
        self.test()
        self.process = subprocess.Popen(
            [self.binary, "-p", str(self.workdir), "-c", str(self.conf), "-e", str(self.workdir / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def stop(self) -> None:
        stop_group(self.process)
        self.process = None

    def error_log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""


def stop_group(process: subprocess.Popen | None, *, grace: float = 5.0) -> None:
    """SIGTERM the process group of ``process`` (started with start_new_session), SIGKILL after ``grace``."""
    if process is None:
        return
    try:
        # The group too when its leader has gone: workers it left behind.
        os.killpg(process.pid, signal.SIGTERM if process.poll() is None else signal.SIGKILL)
    except ProcessLookupError:
        return
    if process.returncode is not None:
        return
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=grace)
