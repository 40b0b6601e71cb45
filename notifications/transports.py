"""SMS transports behind one interface (STYLE.md "Notifications"): `send(OutgoingSms) -> SendResult`.

`settings.SMS_BACKEND` chooses one: ``console`` (the embedded default: the message goes to the log),
``file`` (one JSON line per message under ``SMS_FILE_DIR``, for a demo or an offline check), ``http``
(the operators' gateway, plan §4.2.4: 移动、联通、电信…及时向公众免费发布预警信息短信). A dotted path
(``package.module.Class``, through a settings override: the environment variable admits only the three
names) selects any other class with the same interface — the tests use it to count what is sent.

The HTTP gateway contract (one POST per message, or per batch — below)::

    POST SMS_GATEWAY_URL
    Authorization: Bearer SMS_GATEWAY_TOKEN
    Content-Type: application/json
    {"to": "13800000000", "text": "...", "reference": "yq-delivery-17", "callback": ".../warnings/sms/receipt/"}

    2xx {"id": "<provider id>"}       accepted; the id comes back in the delivery receipt
    429, 408, 5xx, timeout, refused   retry later (retryable)
    other 4xx                         refused for good (bad number, bad text): not retried

The batch form (``SMS_GATEWAY_BATCH`` > 1: many numbers, one text per call, as the operators' and
cloud SMS gateways accept)::

    {"text": "...", "callback": "...", "messages": [{"to": "138…", "reference": "yq-delivery-17"}, …]}
    2xx {"results": [{"reference": "yq-delivery-17", "id": "<provider id>", "ok": true},
                     {"reference": "yq-delivery-18", "ok": false, "error": "空号", "retryable": false}, …]}
    a non-2xx answer or no answer applies to every number of the call.

``reference`` is stable per delivery and is the gateway's idempotency key: a gateway that honours
it (real gateways' client message ids do) drops the resend after a worker died between the
gateway's answer and our database commit. That key — not anything on our side — is what makes
"exactly one message per recipient" hold across such a crash (benchmarks/README.md, Faults).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger("notifications.sms")


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    text: str
    reference: str
    name: str = ""


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_id: str = ""
    error: str = ""
    retryable: bool = False


class Transport(Protocol):
    def send(self, message: OutgoingSms) -> SendResult: ...


class ConsoleTransport:
    """The embedded default: the message is written to the log (and so to the console)."""

    def send(self, message: OutgoingSms) -> SendResult:
        provider_id = f"console-{uuid.uuid4().hex[:16]}"
        log.info("SMS to %s (%s) [%s]: %s", message.to, message.name or "-", message.reference, message.text)
        return SendResult(ok=True, provider_id=provider_id)


class FileTransport:
    """One JSON line per message in ``SMS_FILE_DIR/sms-YYYYMMDD.jsonl`` (local date)."""

    def __init__(self, directory: Path | str | None = None):
        self.directory = Path(directory or settings.SMS_FILE_DIR)

    def send(self, message: OutgoingSms) -> SendResult:
        provider_id = f"file-{uuid.uuid4().hex[:16]}"
        now = timezone.localtime()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            path = self.directory / f"sms-{now:%Y%m%d}.jsonl"
            line = json.dumps(
                {**asdict(message), "provider_id": provider_id, "at": now.isoformat()}, ensure_ascii=False
            )
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            return SendResult(ok=False, error=f"写入短信文件失败：{exc}", retryable=True)
        return SendResult(ok=True, provider_id=provider_id)


class HttpGatewayTransport:
    """POST JSON to the gateway with a bearer token; see the module docstring for the contract.

    One transport per worker process keeps its connection open (HTTP/1.1 keep-alive): at tens of
    thousands of messages a fan-out would otherwise spend its time opening TCP connections."""

    RETRYABLE_4XX = frozenset({408, 425, 429})

    def __init__(
        self,
        url: str | None = None,
        token: str | None = None,
        timeout: float | None = None,
        callback_url: str | None = None,
        batch_size: int | None = None,
    ):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN if token is None else token
        self.timeout = float(settings.SMS_GATEWAY_TIMEOUT if timeout is None else timeout)
        self.callback_url = (
            callback_url
            if callback_url is not None
            else f"{settings.PUBLIC_BASE_URL}{reverse('notifications:sms-receipt')}"
        )
        #: Numbers per gateway call for one text (1: the one-message form only).
        self.batch_size = max(int(settings.SMS_GATEWAY_BATCH if batch_size is None else batch_size), 1)
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")
        parts = urlsplit(self.url)
        self._scheme, self._netloc = parts.scheme, parts.netloc
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._connection: http.client.HTTPConnection | None = None

    # ------------------------------------------------------------------ one HTTP exchange

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            self._connection = cls(self._netloc, timeout=self.timeout)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _post(self, payload: dict) -> tuple[int | None, bytes, str]:
        """(status, body, error): status None when there was no answer (error says why)."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in (1, 2):
            reused = self._connection is not None
            connection = self._connect()
            try:
                connection.request("POST", self._path, body=body, headers=headers)
                response = connection.getresponse()
                raw = response.read(1 << 24)
                if response.will_close:
                    self.close()
                return response.status, raw, ""
            except TimeoutError:
                self.close()
                return None, b"", f"网关超时（{self.timeout:g} 秒）"
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                # A kept-alive connection the gateway closed meanwhile: once more on a fresh one
                # (safe: the references make a repeated message a no-op at the gateway).
                if reused and attempt == 1:
                    continue
                return None, b"", f"网关连接中断：{exc}"
            except OSError as exc:  # refused, unreachable, reset while reading, and the like
                self.close()
                return None, b"", f"无法连接网关：{exc}"
            except http.client.HTTPException as exc:
                self.close()
                return None, b"", f"网关应答无效：{exc.__class__.__name__}"
        return None, b"", "网关连接中断"  # pragma: no cover - the loop always returns

    def _failure(self, status: int, raw: bytes) -> SendResult:
        retryable = status >= 500 or status in self.RETRYABLE_4XX
        return SendResult(ok=False, error=f"网关返回 HTTP {status}：{_short(raw)}", retryable=retryable)

    # ------------------------------------------------------------------ the interface

    def send(self, message: OutgoingSms) -> SendResult:
        status, raw, error = self._post(
            {"to": message.to, "text": message.text, "reference": message.reference, "callback": self.callback_url}
        )
        if status is None:
            return SendResult(ok=False, error=error, retryable=True)
        if not 200 <= status < 300:
            return self._failure(status, raw)
        provider_id = ""
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
            if isinstance(data, dict):
                provider_id = str(data.get("id") or data.get("message_id") or "")
        except (ValueError, UnicodeDecodeError):
            pass
        return SendResult(ok=True, provider_id=provider_id or message.reference)

    def send_many(self, messages: Sequence[OutgoingSms]) -> list[SendResult]:
        """Messages in the order given, one result each. Messages of one text go ``batch_size`` numbers
        per call (the batch form); with ``batch_size`` 1, one call per message on the kept connection."""
        if self.batch_size <= 1 or len(messages) <= 1:
            return [self.send(m) for m in messages]
        results: dict[int, SendResult] = {}
        by_text: dict[str, list[int]] = {}
        for index, message in enumerate(messages):
            by_text.setdefault(message.text, []).append(index)
        for text, indexes in by_text.items():
            for start in range(0, len(indexes), self.batch_size):
                part = indexes[start : start + self.batch_size]
                for index, result in zip(part, self._send_batch(text, [messages[i] for i in part]), strict=True):
                    results[index] = result
        return [results[i] for i in range(len(messages))]

    def _send_batch(self, text: str, messages: list[OutgoingSms]) -> list[SendResult]:
        status, raw, error = self._post(
            {
                "text": text,
                "callback": self.callback_url,
                "messages": [{"to": m.to, "reference": m.reference} for m in messages],
            }
        )
        if status is None:
            return [SendResult(ok=False, error=error, retryable=True)] * len(messages)
        if not 200 <= status < 300:
            return [self._failure(status, raw)] * len(messages)
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
            answers = {str(r.get("reference")): r for r in data.get("results", []) if isinstance(r, dict)}
        except (ValueError, UnicodeDecodeError, AttributeError):
            answers = {}
        out = []
        for message in messages:
            answer = answers.get(message.reference)
            if answer is None:
                out.append(SendResult(ok=False, error="网关应答中缺少此号码的结果", retryable=True))
            elif answer.get("ok"):
                out.append(SendResult(ok=True, provider_id=str(answer.get("id") or message.reference)))
            else:
                out.append(
                    SendResult(
                        ok=False,
                        error=f"网关拒绝：{str(answer.get('error', ''))[:300]}",
                        retryable=bool(answer.get("retryable", False)),
                    )
                )
        return out


def _short(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()[:300]


BACKENDS = {"console": ConsoleTransport, "file": FileTransport, "http": HttpGatewayTransport}


def get_transport() -> Transport:
    """The transport `settings.SMS_BACKEND` names. The HTTP one is kept per process and per
    configuration (its connection stays open between tasks); the others are fresh instances."""
    backend = settings.SMS_BACKEND
    if backend == "http":
        config = (
            settings.SMS_GATEWAY_URL,
            settings.SMS_GATEWAY_TOKEN,
            float(settings.SMS_GATEWAY_TIMEOUT),
            int(settings.SMS_GATEWAY_BATCH),
            settings.PUBLIC_BASE_URL,
            os.getpid(),
        )
        transport = _HTTP.get(config)
        if transport is None:
            for old in _HTTP.values():
                old.close()
            _HTTP.clear()
            transport = _HTTP[config] = HttpGatewayTransport()
        return transport
    if backend in BACKENDS:
        return BACKENDS[backend]()
    return _import_transport(backend)()


_HTTP: dict[tuple, HttpGatewayTransport] = {}


def send_many(transport: Transport, messages: Sequence[OutgoingSms]) -> list[SendResult]:
    """Every message through ``transport``: its own ``send_many`` when it has one (the batch form of
    the HTTP gateway), else one ``send`` each."""
    batch = getattr(transport, "send_many", None)
    if batch is not None:
        return batch(messages)
    return [transport.send(m) for m in messages]


@cache
def _import_transport(path: str) -> type:
    return import_string(path)
