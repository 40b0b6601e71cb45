"""A local fake SMS gateway speaking the HTTP transport's protocol (notifications/transports.py),
for tests, fault scripts and benchmarks.

Protocol (what ``HttpGatewayTransport`` sends)::

    POST /sms   Authorization: Bearer <token>
      one message:  {"to": "138…", "text": "…", "reference": "yq-delivery-17", "callback": "…"}
                    → 200 {"id": "<provider id>"}
      a batch:      {"text": "…", "messages": [{"to": "138…", "reference": "yq-delivery-17"}, …], "callback": "…"}
                    → 200 {"results": [{"reference": "…", "id": "…", "ok": true}, …]}

Like the idempotency keys of real gateways, ``reference`` is honoured: a reference seen before is
answered with the first answer's id and is *not* handed to the handset again (it is counted as a
``resent`` request). ``per_number`` counts the messages handed on, per number — what the citizens'
phones would show.

Faults, settable at any time: ``mode`` ``ok`` | ``500`` (answer HTTP 500) | ``hang`` (sleep
``hang_seconds`` — longer than the client's timeout — then answer); ``fail_first`` = N answers 500
to the next N requests, then works. Every request, failed or not, is counted (``requests``).

In-process::

    with FakeGateway(token="t") as gw:   # port 0 = any free port
        ... gw.url, gw.stats(), gw.set_mode("500"), gw.reset()

As a process (for a Celery worker or gunicorn in another process)::

    python tests/tools/fake_gateway.py --port 18092 --token t

controlled over HTTP: ``GET /_stats`` (JSON of stats(); ``?numbers=1`` adds per_number),
``POST /_control`` {"mode": "500", "fail_first": 3, "hang_seconds": 5, "latency": 0.05, "reset": true}.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256


class FakeGateway:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, token: str = "", hang_seconds: float = 5.0):
        self.token = token
        self.lock = threading.Lock()
        self.mode = "ok"
        self.fail_first = 0
        self.hang_seconds = hang_seconds
        self.latency = 0.0  # seconds each accepted call takes (a real gateway's round trip)
        self.reset()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the transport reuses its connection
            # Headers and body leave in two writes: with Nagle on, the body would wait for the
            # client's delayed ACK (40 ms a request on a kept-alive connection).
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict) -> None:
                payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout)

            def do_GET(self):  # noqa: N802 - http.server's naming
                url = urlsplit(self.path)
                if url.path != "/_stats":
                    self._answer(404, {"error": "not found"})
                    return
                numbers = parse_qs(url.query).get("numbers", ["0"])[0] == "1"
                self._answer(200, gateway.stats(numbers=numbers))

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw.decode("utf-8") or "{}")
                except (ValueError, UnicodeDecodeError):
                    self._answer(400, {"error": "bad json"})
                    return
                if urlsplit(self.path).path == "/_control":
                    gateway.control(body)
                    self._answer(200, gateway.stats())
                    return
                status, answer = gateway.handle(body, self.headers.get("Authorization", ""))
                self._answer(status, answer)

        self.server = _Server((host, port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://{host}:{self.port}/sms"
        self.thread: threading.Thread | None = None

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        with self.lock:
            self.requests = 0  # every POST /sms, whatever the answer
            self.failed_requests = 0  # answered 500 (mode 500 or fail_first)
            self.hung_requests = 0
            self.accepted: dict[str, str] = {}  # reference → provider id
            self.per_number: Counter[str] = Counter()
            self.resent = 0  # references seen again (deduplicated, not handed on)
            self.messages = 0  # handed on to handsets

    def control(self, body: dict) -> None:
        if body.get("reset"):
            self.reset()
        with self.lock:
            if "mode" in body:
                if body["mode"] not in ("ok", "500", "hang"):
                    raise ValueError(f"unknown mode {body['mode']!r}")
                self.mode = body["mode"]
            if "fail_first" in body:
                self.fail_first = int(body["fail_first"])
            if "hang_seconds" in body:
                self.hang_seconds = float(body["hang_seconds"])
            if "latency" in body:
                self.latency = float(body["latency"])

    def set_mode(self, mode: str, *, fail_first: int | None = None) -> None:
        change: dict = {"mode": mode}
        if fail_first is not None:
            change["fail_first"] = fail_first
        self.control(change)

    def stats(self, numbers: bool = False) -> dict:
        with self.lock:
            out = {
                "requests": self.requests,
                "failed_requests": self.failed_requests,
                "hung_requests": self.hung_requests,
                "messages": self.messages,
                "resent": self.resent,
                "numbers": len(self.per_number),
                "duplicates": sum(n - 1 for n in self.per_number.values() if n > 1),
                "mode": self.mode,
                "latency": self.latency,
            }
            if numbers:
                out["per_number"] = dict(self.per_number)
            return out

    # ------------------------------------------------------------------ the protocol

    def handle(self, body: dict, authorization: str) -> tuple[int, dict]:
        with self.lock:
            self.requests += 1
            mode = self.mode
            if self.fail_first > 0:
                self.fail_first -= 1
                mode = "500"
            hang = self.hang_seconds
            latency = self.latency
            if mode == "500":
                self.failed_requests += 1
            elif mode == "hang":
                self.hung_requests += 1
        if mode == "500":
            return 500, {"error": "gateway internal error (fake)"}
        if mode == "hang":
            time.sleep(hang)
            return 503, {"error": "too late (fake)"}
        if latency:
            time.sleep(latency)
        if self.token and authorization != f"Bearer {self.token}":
            return 401, {"error": "bad token"}
        text = body.get("text", "")
        if not isinstance(text, str) or not text:
            return 400, {"error": "text required"}
        if "messages" in body:
            results = [self._accept(m.get("to", ""), m.get("reference", "")) for m in body["messages"]]
            return 200, {"results": results}
        result = self._accept(body.get("to", ""), body.get("reference", ""))
        if not result["ok"]:
            return 400, {"error": result["error"]}
        return 200, {"id": result["id"]}

    def _accept(self, to: str, reference: str) -> dict:
        if not (isinstance(to, str) and len(to) == 11 and to.isdigit()):
            return {"reference": reference, "ok": False, "error": f"invalid number {to!r}", "retryable": False}
        with self.lock:
            if reference and reference in self.accepted:
                self.resent += 1
                return {"reference": reference, "id": self.accepted[reference], "ok": True}
            provider_id = f"fake-{len(self.accepted) + 1}"
            if reference:
                self.accepted[reference] = provider_id
            self.per_number[to] += 1
            self.messages += 1
        return {"reference": reference, "id": provider_id, "ok": True}

    # ------------------------------------------------------------------ running

    def start(self) -> FakeGateway:
        self.thread = threading.Thread(target=self.server.serve_forever, name="fake-gateway", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeGateway:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class GatewayClient:
    """Drive a fake gateway running in another process through its control endpoints."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.base = f"http://{host}:{port}"
        self.url = f"{self.base}/sms"

    def _call(self, method: str, path: str, body: dict | None = None) -> dict:
        import urllib.request

        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - local
            self.base + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())

    def stats(self, numbers: bool = False) -> dict:
        return self._call("GET", "/_stats" + ("?numbers=1" if numbers else ""))

    def control(self, **change) -> dict:
        return self._call("POST", "/_control", change)

    def reset(self) -> dict:
        return self.control(reset=True, mode="ok", fail_first=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18092)
    parser.add_argument("--token", default="")
    parser.add_argument("--hang-seconds", type=float, default=5.0)
    args = parser.parse_args()
    gateway = FakeGateway(args.host, args.port, token=args.token, hang_seconds=args.hang_seconds)
    print(f"fake SMS gateway on {gateway.url}", flush=True)
    try:
        gateway.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        gateway.server.server_close()


if __name__ == "__main__":
    main()
