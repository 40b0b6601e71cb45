"""SMS transports behind one interface (STYLE.md "Notifications"): `send(OutgoingSms) -> SendResult`.

`settings.SMS_BACKEND` chooses one: ``console`` (the embedded default: the message goes to the log),
``file`` (one JSON line per message under ``SMS_FILE_DIR``, for a demo or an offline check), ``http``
(the operators' gateway, plan §4.2.4: 移动、联通、电信…及时向公众免费发布预警信息短信). A dotted path
(``package.module.Class``, through a settings override: the environment variable admits only the three
names) selects any other class with the same interface — the tests use it to count what is sent.

The HTTP gateway contract (one POST per message)::

    POST SMS_GATEWAY_URL
    Authorization: Bearer SMS_GATEWAY_TOKEN
    Content-Type: application/json
    {"to": "13800000000", "text": "...", "reference": "yq-delivery-17", "callback": ".../warnings/sms/receipt/"}

    2xx {"id": "<provider id>"}       accepted; the id comes back in the delivery receipt
    429, 408, 5xx, timeout, refused   retry later (retryable)
    other 4xx                         refused for good (bad number, bad text): not retried

``reference`` is stable per delivery, so a gateway that deduplicates drops the rare resend after a
worker died between the gateway's answer and the database commit.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings
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
            line = json.dumps({**asdict(message), "provider_id": provider_id, "at": now.isoformat()}, ensure_ascii=False)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        except OSError as exc:
            return SendResult(ok=False, error=f"写入短信文件失败：{exc}", retryable=True)
        return SendResult(ok=True, provider_id=provider_id)


class HttpGatewayTransport:
    """POST JSON to the gateway with a bearer token; see the module docstring for the contract."""

    RETRYABLE_4XX = frozenset({408, 425, 429})

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float | None = None,
                 callback_url: str | None = None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.token = settings.SMS_GATEWAY_TOKEN if token is None else token
        self.timeout = float(settings.SMS_GATEWAY_TIMEOUT if timeout is None else timeout)
        self.callback_url = callback_url if callback_url is not None else f"{settings.PUBLIC_BASE_URL}/warnings/sms/receipt/"
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("SMS_GATEWAY_URL must be an http(s) URL")

    def send(self, message: OutgoingSms) -> SendResult:
        body = json.dumps({"to": message.to, "text": message.text, "reference": message.reference,
                           "callback": self.callback_url}, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked in __init__
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                raw = response.read(65536)
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail = _short(exc.read(2000))
            retryable = status >= 500 or status in self.RETRYABLE_4XX
            return SendResult(ok=False, error=f"网关返回 HTTP {status}：{detail}", retryable=retryable)
        except TimeoutError:
            return SendResult(ok=False, error=f"网关超时（{self.timeout:g} 秒）", retryable=True)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return SendResult(ok=False, error=f"网关超时（{self.timeout:g} 秒）", retryable=True)
            return SendResult(ok=False, error=f"无法连接网关：{reason}", retryable=True)
        except OSError as exc:  # connection reset while reading, and the like
            return SendResult(ok=False, error=f"网关连接中断：{exc}", retryable=True)
        provider_id = ""
        try:
            data = json.loads(raw.decode("utf-8") or "{}")
            if isinstance(data, dict):
                provider_id = str(data.get("id") or data.get("message_id") or "")
        except (ValueError, UnicodeDecodeError):
            pass
        return SendResult(ok=True, provider_id=provider_id or message.reference)


def _short(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip()[:300]


BACKENDS = {"console": ConsoleTransport, "file": FileTransport, "http": HttpGatewayTransport}


def get_transport() -> Transport:
    """The transport `settings.SMS_BACKEND` names (a fresh instance: settings may change in tests)."""
    backend = settings.SMS_BACKEND
    if backend in BACKENDS:
        return BACKENDS[backend]()
    return _import_transport(backend)()


@cache
def _import_transport(path: str) -> type:
    return import_string(path)
