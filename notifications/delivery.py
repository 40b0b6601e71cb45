"""Outgoing messages with a record per recipient (发送记录): create once, send after commit, retry
boundedly, show failures to the office (STYLE.md "Notifications").

- `sms_to_users` / `sms_to_numbers` create one `Delivery` per (subject key, recipient, channel) — the
  unique key makes a repeated call a no-op — and hand the new rows to Celery after commit.
- `delivery_send` (the task `notifications.tasks.send_delivery`) sends one row under a row lock,
  only while it is queued or failed-and-retryable, through the transport `SMS_BACKEND` chooses;
  a failure is recorded with its error and, when retryable, the time of the next attempt
  (exponential backoff, at most `SMS_MAX_ATTEMPTS` attempts). The beat sweep
  `notifications.tasks.retry_deliveries` sends what is due.
- `deliveries_retry_failed` is the office's "retry failed" button; `delivery_receipt` records the
  gateway's delivery receipts.
- Citizens' subscriptions (公众订阅): `subscriber_request` sends a code, `subscriber_confirm` checks it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import secrets
import time
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from kombu.exceptions import OperationalError as BrokerError

from .models import Delivery, SmsSubscriber
from .transports import OutgoingSms, SendResult, get_transport

log = logging.getLogger(__name__)

_PHONE = re.compile(r"^1[3-9]\d{9}$")
#: How long a queued row may wait before the sweep sends it itself (its task was lost or throttled).
STALE_QUEUED = dt.timedelta(minutes=2)
#: How long the sender waits for a slot of the rate limit before leaving the row to the sweep.
THROTTLE_MAX_WAIT = 30.0
SWEEP_BATCH = 500
KEY_LABELS = {
    "warning": "预警信息",
    "duty": "在岗指挥确认",
    "form-submitted": "待审批提醒",
    "subscribe": "订阅验证码",
}


def normalise_phone(raw: str | None) -> str | None:
    """An 11-digit mainland mobile number, or None: spaces, dashes and a +86/0086 prefix go."""
    if not raw:
        return None
    digits = re.sub(r"[\s\-()]", "", str(raw))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix):]
            break
    return digits if _PHONE.match(digits) else None


def describe_key(key: str) -> str:
    """A person's words for a subject key (warning:12 → 预警信息 · 12)."""
    prefix, _, rest = key.partition(":")
    label = KEY_LABELS.get(prefix, prefix)
    return f"{label} · {rest}" if rest else label


# ----------------------------------------------------------------------------- creating rows


def sms_to_users(users: Iterable, *, text: str, key: str) -> int:
    """One SMS per person (to `User.mobile`); a person without a valid number gets a failed row, so
    the office sees who could not be reached. Returns the number of rows created now."""
    entries = []
    for user in users:
        name = user.get_full_name() or user.username
        entries.append((f"user:{user.pk}", user, name, normalise_phone(user.mobile), user.mobile))
    return _create(key, entries, text)


def sms_to_numbers(recipients: Sequence[tuple[str, str]], *, text: str, key: str) -> int:
    """One SMS per (name, phone); the same number twice under one key is sent once."""
    entries = []
    for name, raw in recipients:
        phone = normalise_phone(raw)
        entries.append((f"phone:{phone or str(raw)[:40]}", None, name, phone, raw))
    return _create(key, entries, text)


def _create(key: str, entries: list[tuple], text: str) -> int:
    if not text.strip():
        raise ValueError("an SMS needs a text")
    unique: dict[str, tuple] = {}
    for entry in entries:
        unique.setdefault(entry[0], entry)
    if not unique:
        return 0
    now = timezone.now()
    channel = Delivery.Channel.SMS
    created = 0
    with transaction.atomic():
        new_keys: list[str] = []
        for chunk in _chunks(list(unique), 500):
            existing = set(
                Delivery.objects.filter(key=key, channel=channel, recipient_key__in=chunk).values_list("recipient_key", flat=True)
            )
            rows = []
            for recipient_key in chunk:
                if recipient_key in existing:
                    continue
                _, user, name, phone, raw = unique[recipient_key]
                row = Delivery(key=key, channel=channel, recipient_key=recipient_key, user=user, name=name[:100],
                               phone=(phone or str(raw or ""))[:20], text=text)
                if phone is None:
                    row.status = Delivery.Status.FAILED
                    row.retryable = False
                    row.failed_at = now
                    row.last_error = "未登记有效的手机号码" if not raw else f"手机号码无效：{str(raw)[:30]}"
                rows.append(row)
                new_keys.append(recipient_key)
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
            created += len(rows)
        queued: list[int] = []
        for chunk in _chunks(new_keys, 500):
            queued += list(
                Delivery.objects.filter(key=key, channel=channel, recipient_key__in=chunk, status=Delivery.Status.QUEUED)
                .order_by("pk").values_list("pk", flat=True)
            )
        if queued:
            transaction.on_commit(lambda: enqueue_deliveries(queued))
    return created


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def enqueue_deliveries(ids: Iterable[int]) -> None:
    """Hand rows to Celery; a broker that is down only delays them (the beat sweep sends them)."""
    from .tasks import send_delivery

    for pk in ids:
        try:
            send_delivery.delay(pk)
        except (BrokerError, OSError):
            log.warning("delivery %s not enqueued; the sweep will send it", pk, exc_info=True)


# ----------------------------------------------------------------------------- sending


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base, …"""
    return dt.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


class Throttled(Exception):
    pass


def _take_slot() -> None:
    """The city-wide send rate, `SMS_RATE_PER_SECOND`: a bucket of that many tokens per second in
    the shared cache (Redis in production), so every worker draws from the same bucket. Waits for
    the next second when the bucket is empty, for at most THROTTLE_MAX_WAIT seconds."""
    rate = settings.SMS_RATE_PER_SECOND
    if rate <= 0:
        return
    give_up = time.monotonic() + THROTTLE_MAX_WAIT
    while True:
        now = time.time()
        second = int(now)
        bucket = f"sms:rate:{second}"
        cache.add(bucket, 0, timeout=5)
        try:
            used = cache.incr(bucket)
        except ValueError:  # expired between add and incr
            cache.add(bucket, 1, timeout=5)
            used = 1
        if used <= rate:
            return
        if time.monotonic() >= give_up:
            raise Throttled
        time.sleep(max(second + 1 - now, 0.01))


def delivery_send(*, delivery_id: int) -> str:
    """Send one row if it is due; returns what happened (sent, failed, retry, skipped, throttled)."""
    if not _due(Delivery.objects.filter(pk=delivery_id), timezone.now()).exists():
        return "skipped"  # checked before taking a slot of the rate, and again under the lock
    try:
        _take_slot()
    except Throttled:
        return "throttled"
    with transaction.atomic():
        now = timezone.now()
        delivery = _due(Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id), now).first()
        if delivery is None:
            return "skipped"  # sent meanwhile, or another worker holds it
        delivery.attempts += 1
        result = _send(delivery)
        fields = ["attempts", "status", "last_error", "retryable", "next_attempt_at", "updated_at"]
        if result.ok:
            delivery.status = Delivery.Status.SENT
            delivery.provider_id = result.provider_id[:100]
            delivery.sent_at = now
            delivery.last_error = ""
            delivery.next_attempt_at = None
            fields += ["provider_id", "sent_at"]
            outcome = "sent"
        else:
            delivery.status = Delivery.Status.FAILED
            delivery.failed_at = now
            delivery.last_error = f"第 {delivery.attempts} 次：{result.error}"[:2000]
            delivery.retryable = result.retryable and delivery.attempts < settings.SMS_MAX_ATTEMPTS
            delivery.next_attempt_at = now + backoff(delivery.attempts) if delivery.retryable else None
            fields += ["failed_at"]
            outcome = "retry" if delivery.retryable else "failed"
            if not delivery.retryable:
                key = delivery.key
                transaction.on_commit(lambda: _tell_office(key))
        delivery.save(update_fields=fields)
    return outcome


def _due(rows, now: dt.datetime):
    return rows.filter(
        Q(status=Delivery.Status.QUEUED)
        | Q(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__isnull=True)
        | Q(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__lte=now)
    )


def _send(delivery: Delivery) -> SendResult:
    message = OutgoingSms(to=delivery.phone, text=delivery.text, reference=f"yq-delivery-{delivery.pk}", name=delivery.name)
    try:
        return get_transport().send(message)
    except Exception as exc:  # noqa: BLE001 - a broken transport is recorded like a gateway failure
        log.exception("SMS transport failed for delivery %s", delivery.pk)
        return SendResult(ok=False, error=f"发送程序出错：{exc.__class__.__name__}: {exc}", retryable=True)


def _tell_office(key: str) -> None:
    """One in-app notice per subject (per hour) when messages of it failed for good."""
    from accounts.roles import Role

    from .services import notify_roles

    if not cache.add(f"sms:failed-notice:{key}", 1, timeout=3600):
        return
    notify_roles([Role.OFFICE], kind="notifications.delivery.failed", title=f"短信发送失败：{describe_key(key)}",
                 body="部分短信多次发送失败或被网关拒绝，请在“短信发送记录”中查看原因并重试。",
                 link="/warnings/deliveries/?status=failed")


def deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Rows the sweep should send: failed-and-retryable whose time has come, and queued rows whose
    task was lost (broker down) or gave up waiting for the rate limit."""
    now = now or timezone.now()
    retry = Delivery.objects.filter(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__lte=now)
    stale = Delivery.objects.filter(status=Delivery.Status.QUEUED, updated_at__lte=now - STALE_QUEUED)
    return list(retry.values_list("pk", flat=True)[:SWEEP_BATCH]) + list(stale.values_list("pk", flat=True)[:SWEEP_BATCH])


def deliveries_retry_failed(*, actor, key: str | None = None) -> int:
    """The office's "retry failed": every failed row (of one subject, if given) is queued again with
    a fresh attempt budget, after the office has fixed a number or the gateway is back."""
    from audit.services import audit_record

    with transaction.atomic():
        rows = Delivery.objects.select_for_update().filter(status=Delivery.Status.FAILED)
        if key:
            rows = rows.filter(key=key)
        ids = list(rows.values_list("pk", flat=True))
        if not ids:
            return 0
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.QUEUED, retryable=True, attempts=0, next_attempt_at=None, updated_at=timezone.now()
        )
        audit_record(actor=actor, action="notifications.delivery.retried", data={"count": len(ids), "key": key or ""})
        transaction.on_commit(lambda: enqueue_deliveries(ids))
    return len(ids)


def delivery_receipt(*, provider_id: str, status: str, error: str = "", at: dt.datetime | None = None) -> int:
    """A gateway's delivery receipt: delivered, or failed (the handset never got it). Returns the
    number of rows changed; a receipt for an unknown id changes nothing."""
    if not provider_id:
        return 0
    at = at or timezone.now()
    rows = Delivery.objects.filter(provider_id=provider_id)
    if status == "delivered":
        return rows.filter(status__in=[Delivery.Status.SENT, Delivery.Status.FAILED]).update(
            status=Delivery.Status.DELIVERED, delivered_at=at, retryable=False, next_attempt_at=None, updated_at=at
        )
    if status == "failed":
        return rows.filter(status=Delivery.Status.SENT).update(
            status=Delivery.Status.FAILED, failed_at=at, retryable=False,
            last_error=f"送达回执：{error or '未送达'}"[:2000], updated_at=at,
        )
    raise ValueError(f"unknown receipt status {status!r}")


# ----------------------------------------------------------------------------- subscriptions

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODES_PER_PHONE_PER_HOUR = 3


class SubscriptionError(Exception):
    """A refusal for the citizen, in Chinese; it never says whether a number is subscribed."""


def _code_digest(phone: str, code: str) -> str:
    return salted_hmac("notifications.sms-subscriber", f"{phone}:{code}", algorithm="sha256").hexdigest()


def subscriber_request(*, phone: str, action: str) -> None:
    """Send a confirmation code for subscribing or unsubscribing. The answer to the person is the
    same whatever the number's state (no enumeration); an unsubscribe request for a number that is
    not subscribed sends nothing, and a number gets at most a few codes an hour."""
    if action not in (SmsSubscriber.Pending.SUBSCRIBE, SmsSubscriber.Pending.UNSUBSCRIBE):
        raise SubscriptionError("操作无效。")
    number = normalise_phone(phone)
    if number is None:
        raise SubscriptionError("请填写正确的 11 位手机号码。")
    bucket = f"sms:sub:phone:{salted_hmac('sms-sub-rate', number).hexdigest()[:24]}"
    with transaction.atomic():
        if action == SmsSubscriber.Pending.SUBSCRIBE:
            subscriber, _ = SmsSubscriber.objects.get_or_create(phone=number)
            subscriber = SmsSubscriber.objects.select_for_update().get(pk=subscriber.pk)
        else:
            subscriber = SmsSubscriber.objects.select_for_update().filter(phone=number).first()
            if subscriber is None or not subscriber.active:
                return
        cache.add(bucket, 0, timeout=3600)
        if cache.incr(bucket) > CODES_PER_PHONE_PER_HOUR:
            return
        code = f"{secrets.randbelow(10**6):06d}"
        subscriber.pending = action
        subscriber.code_hash = _code_digest(number, code)
        subscriber.code_expires_at = timezone.now() + CODE_TTL
        subscriber.code_attempts = 0
        subscriber.codes_sent += 1
        subscriber.save(update_fields=["pending", "code_hash", "code_expires_at", "code_attempts", "codes_sent"])
        what = "订阅" if action == SmsSubscriber.Pending.SUBSCRIBE else "退订"
        text = (f"{settings.SMS_SIGNATURE}验证码 {code}，15 分钟内有效，用于{what}阳泉市重污染天气预警短信。"
                "如非本人操作，请忽略本短信。")
        sms_to_numbers([("", number)], text=text, key=f"subscribe:{subscriber.pk}:{subscriber.codes_sent}")


def subscriber_confirm(*, phone: str, code: str) -> str:
    """Check the code and carry out the pending action; returns "subscribed" or "unsubscribed"."""
    from audit.services import audit_record

    refusal = "验证码不正确或已过期，请重新获取。"
    number = normalise_phone(phone)
    code = (code or "").strip()
    if number is None or not code.isdigit():
        raise SubscriptionError(refusal)
    with transaction.atomic():
        subscriber = SmsSubscriber.objects.select_for_update().filter(phone=number).first()
        if (subscriber is None or not subscriber.pending or subscriber.code_expires_at is None
                or subscriber.code_expires_at < timezone.now() or subscriber.code_attempts >= CODE_MAX_ATTEMPTS):
            ok = False
        else:
            ok = hmac.compare_digest(subscriber.code_hash, _code_digest(number, code))
            if not ok:
                subscriber.code_attempts += 1
                subscriber.save(update_fields=["code_attempts"])
        if ok:
            now = timezone.now()
            action = subscriber.pending
            if action == SmsSubscriber.Pending.SUBSCRIBE:
                subscriber.confirmed = True
                subscriber.confirmed_at = now
                subscriber.unsubscribed_at = None
                outcome = "subscribed"
            else:
                subscriber.unsubscribed_at = now
                outcome = "unsubscribed"
            subscriber.pending = ""
            subscriber.code_hash = ""
            subscriber.code_expires_at = None
            subscriber.save(update_fields=["confirmed", "confirmed_at", "unsubscribed_at", "pending", "code_hash",
                                           "code_expires_at"])
            audit_record(actor=None, action=f"notifications.subscriber.{outcome}", target=subscriber)
    if not ok:
        raise SubscriptionError(refusal)
    return outcome
