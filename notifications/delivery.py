"""Outgoing messages with a record per recipient (发送记录): create once, send after commit, retry
boundedly, show failures to the office (STYLE.md "Notifications").

- `sms_to_users` / `sms_to_numbers` create one `Delivery` per (subject key, recipient, channel) — the
  unique key makes a repeated call a no-op — and hand the new rows to Celery after commit, through
  the outbox (``notifications.sms.queued``, whose handler calls notifications.tasks.enqueue_deliveries;
  the rows themselves are the durable record: a queued row whose task was lost is sent by the sweep).
- `deliveries_send` (the task `notifications.tasks.send_deliveries`, one per chunk of
  `SMS_TASK_CHUNK` rows) sends rows under row locks, only while they are queued or
  failed-and-retryable, through the transport `SMS_BACKEND` chooses (the HTTP gateway: many numbers
  per call, on a kept-alive connection);
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
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.roles import Role
from audit.services import audit_record
from core.errors import DomainError
from core.outbox import outbox_emit

from .models import Delivery, SmsSubscriber
from .phones import normalise_phone
from .services import notify_roles
from .transports import OutgoingSms, SendResult, get_transport, send_many

log = logging.getLogger(__name__)

#: How long a queued row may wait before the sweep sends it itself (its task was lost — a worker
#: killed with its tasks reserved, a broker down at enqueue time — or gave up on the rate limit) is
#: ``settings.SMS_STALE_QUEUED_SECONDS``.
#: How long the sender waits for a slot of the rate limit before leaving the row to the sweep.
THROTTLE_MAX_WAIT = 30.0
SWEEP_BATCH = 10_000
KEY_LABELS = {
    "warning": "预警信息",
    "duty": "在岗指挥确认",
    "form-submitted": "待审批提醒",
    "subscribe": "订阅验证码",
}


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
    """Insert the rows that do not exist yet (the unique key decides, in the database: ``ON CONFLICT
    DO NOTHING``, so two publications racing create each row once) and queue the new ones after
    commit. Returns the number of rows created now."""
    if not text.strip():
        raise ValueError("an SMS needs a text")
    unique: dict[str, tuple] = {}
    for entry in entries:
        unique.setdefault(entry[0], entry)
    if not unique:
        return 0
    now = timezone.now()
    channel = Delivery.Channel.SMS
    rows = []
    for recipient_key, (_, user, name, phone, raw) in unique.items():
        status, retryable, failed_at, error = Delivery.Status.QUEUED, True, None, ""
        if phone is None:
            status, retryable, failed_at = Delivery.Status.FAILED, False, now
            error = "未登记有效的手机号码" if not raw else f"手机号码无效：{str(raw)[:30]}"
        rows.append(
            (
                key,
                channel,
                recipient_key,
                user.pk if user else None,
                name[:100],
                (phone or str(raw or ""))[:20],
                text,
                status,
                retryable,
                0,
                error,
                "",
                now,
                now,
                failed_at,
            )
        )
    created = 0
    queued: list[int] = []
    size = INSERT_CHUNK if connection.vendor == "postgresql" else 500
    with transaction.atomic():
        for chunk in chunks(rows, size):
            for pk, status in _insert(chunk):
                created += 1
                if status == Delivery.Status.QUEUED:
                    queued.append(pk)
        if queued:
            outbox_emit("notifications.sms.queued", {"key": key, "first": min(queued), "last": max(queued)})
    return created


#: Rows per INSERT statement.
INSERT_CHUNK = 10_000
_COLUMNS = (
    "key",
    "channel",
    "recipient_key",
    "user_id",
    "name",
    "phone",
    "text",
    "status",
    "retryable",
    "attempts",
    "last_error",
    "provider_id",
    "created_at",
    "updated_at",
    "failed_at",
)


def _insert(rows: list[tuple]) -> list[tuple[int, str]]:
    """``INSERT … ON CONFLICT (key, recipient_key, channel) DO NOTHING RETURNING id, status``: the
    (id, status) of the rows inserted. Django's bulk_create cannot say which rows it inserted when it
    ignores conflicts, and compiling its statement costs seconds at tens of thousands of rows. On
    PostgreSQL the varying columns travel as arrays (``unnest``), a handful of parameters whatever
    the number of rows; elsewhere (SQLite ≥ 3.35) as a multi-row VALUES."""
    ops = connection.ops
    q = ops.quote_name
    table = q(Delivery._meta.db_table)
    conflict = (
        f"ON CONFLICT ({q('key')}, {q('recipient_key')}, {q('channel')}) DO NOTHING RETURNING {q('id')}, {q('status')}"
    )
    if connection.vendor == "postgresql":
        key, channel, text, now = rows[0][0], rows[0][1], rows[0][6], rows[0][12]
        if all(r[0] == key and r[1] == channel and r[6] == text and r[12] == now for r in rows):
            varying = ("recipient_key", "user_id", "name", "phone", "status", "retryable", "last_error", "failed_at")
            casts = ("varchar", "bigint", "varchar", "varchar", "varchar", "boolean", "text", "timestamptz")
            columns = ", ".join(
                q(c)
                for c in ("key", "channel", "text", "attempts", "provider_id", "created_at", "updated_at", *varying)
            )
            arrays = [[r[i] for r in rows] for i in (2, 3, 4, 5, 7, 8, 10, 14)]
            sql = (
                f"INSERT INTO {table} ({columns}) SELECT %s, %s, %s, 0, '', %s, %s, r.* FROM unnest("  # noqa: S608 - placeholders only
                + ", ".join(f"%s::{c}[]" for c in casts)
                + f") AS r {conflict}"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [key, channel, text, now, now, *arrays])
                return [(int(pk), status) for pk, status in cursor.fetchall()]
    columns = ", ".join(q(c) for c in _COLUMNS)
    placeholders = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    params = []
    for row in rows:
        params.extend(row[:12])
        params.extend(ops.adapt_datetimefield_value(v) for v in row[12:])
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([placeholders] * len(rows))} {conflict}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), status) for pk, status in cursor.fetchall()]


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def deliveries_queued_ids(*, key: str, first: int, last: int) -> list[int]:
    """The rows of ``key`` (any key when empty) with ids from ``first`` to ``last`` that are still
    queued, for the outbox handler to hand to the senders (notifications.tasks.enqueue_deliveries)."""
    rows = Delivery.objects.filter(pk__gte=first, pk__lte=last, status=Delivery.Status.QUEUED)
    if key:
        rows = rows.filter(key=key)
    return list(rows.order_by("pk").values_list("pk", flat=True))


# ----------------------------------------------------------------------------- sending


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: base, 2×base, 4×base, …"""
    return dt.timedelta(seconds=settings.SMS_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


class Throttled(Exception):
    pass


def _take_slot() -> None:
    """The city-wide rate of gateway calls, `SMS_RATE_PER_SECOND`: a bucket of that many tokens per
    second in the shared cache (Redis in production), so every worker draws from the same bucket.
    Waits for the next second when the bucket is empty, for at most THROTTLE_MAX_WAIT seconds. A
    call of the batch form (many numbers, one text) takes one token. With the cache unreachable the
    limit is not applied (warnings go out; the gateway's own limit still holds)."""
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
        except ValueError:  # expired between add and incr, or the cache is unreachable
            used = 1 if cache.add(bucket, 1, timeout=5) else 0
        if used <= rate:
            return
        if time.monotonic() >= give_up:
            raise Throttled
        time.sleep(max(second + 1 - now, 0.01))


def delivery_send(*, delivery_id: int) -> str:
    """Send one row if it is due; returns what happened (sent, failed, retry, skipped, throttled)."""
    outcomes = deliveries_send([delivery_id])
    return next((name for name, count in outcomes.items() if count), "skipped")


def deliveries_send(ids: Sequence[int]) -> Counter:
    """Send the rows among ``ids`` that are due; counts what happened to them (sent, failed, retry,
    skipped, throttled). Exactly once per row on our side:

    - each part (one gateway call's worth of rows, at least ``SEND_GROUP``) is claimed under row
      locks (``skip_locked``: a row another worker holds is left to it) and re-checked as due;
    - a row is marked sent only in the transaction that holds its lock, after the gateway accepted
      it; a worker that dies before that commit leaves it queued, and the re-run task (acks_late,
      reject_on_worker_lost) or the sweep sends it again under the same ``reference`` — which the
      gateway honours as its idempotency key, so the phone still gets one message.
    """
    outcomes: Counter = Counter()
    ids = sorted(set(ids))
    now = timezone.now()
    due = list(_due(Delivery.objects.filter(pk__in=ids), now).order_by("pk").values_list("pk", flat=True))
    outcomes["skipped"] += len(ids) - len(due)  # checked before taking slots of the rate, and again under the lock
    if not due:
        return outcomes
    transport = get_transport()
    per_call = max(int(getattr(transport, "batch_size", 1)), 1)
    part_size = max(per_call, SEND_GROUP)
    for index, part in enumerate(chunks(due, part_size)):
        try:
            for _ in range(-(-len(part) // per_call)):
                _take_slot()
        except Throttled:
            outcomes["throttled"] += len(due) - index * part_size
            break
        _send_part(transport, part, outcomes)
    return outcomes


#: Rows claimed per transaction when each call carries one message (the rows stay locked meanwhile).
SEND_GROUP = 50


def _send_part(transport, part: list[int], outcomes: Counter) -> None:
    with transaction.atomic():
        now = timezone.now()
        rows = list(_due(Delivery.objects.select_for_update(skip_locked=True).filter(pk__in=part), now).order_by("pk"))
        outcomes["skipped"] += len(part) - len(rows)  # sent meanwhile, or another worker holds them
        if not rows:
            return
        messages = [OutgoingSms(to=r.phone, text=r.text, reference=f"yq-delivery-{r.pk}", name=r.name) for r in rows]
        try:
            results = send_many(transport, messages)
        except Exception as exc:  # noqa: BLE001 - a broken transport is recorded like a gateway failure
            log.exception("SMS transport failed for deliveries %s…", rows[0].pk)
            results = [
                SendResult(ok=False, error=f"发送程序出错：{exc.__class__.__name__}: {exc}", retryable=True)
            ] * len(rows)
        failed_keys: set[str] = set()
        for delivery, result in zip(rows, results, strict=True):
            delivery.attempts += 1
            delivery.updated_at = now
            if result.ok:
                delivery.status = Delivery.Status.SENT
                delivery.provider_id = result.provider_id[:100]
                delivery.sent_at = now
                delivery.last_error = ""
                delivery.next_attempt_at = None
                outcomes["sent"] += 1
            else:
                delivery.status = Delivery.Status.FAILED
                delivery.failed_at = now
                delivery.last_error = f"第 {delivery.attempts} 次：{result.error}"[:2000]
                delivery.retryable = result.retryable and delivery.attempts < settings.SMS_MAX_ATTEMPTS
                delivery.next_attempt_at = now + backoff(delivery.attempts) if delivery.retryable else None
                outcomes["retry" if delivery.retryable else "failed"] += 1
                if not delivery.retryable:
                    failed_keys.add(delivery.key)
        _record(rows)
        for key in sorted(failed_keys):
            outbox_emit("notifications.delivery.failed", {"key": key})


_RECORDED = ("attempts", "status", "last_error", "retryable", "next_attempt_at", "updated_at", "sent_at", "failed_at")


def _record(rows: list[Delivery]) -> None:
    """Write the outcome of a part: one UPDATE per group of rows with the same outcome (all of a
    batch, usually), and the gateway's ids in one statement. (Django's bulk_update builds a CASE of
    every row for every field — seconds for 500 rows.)"""
    groups: dict[tuple, list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, f) for f in _RECORDED), []).append(row.pk)
    for values, pks in groups.items():
        Delivery.objects.filter(pk__in=pks).update(**dict(zip(_RECORDED, values, strict=True)))
    ids = [(row.pk, row.provider_id) for row in rows if row.provider_id]
    if not ids:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(Delivery._meta.db_table)
            values = ", ".join(["(%s::bigint, %s)"] * len(ids))
            cursor.execute(
                f"UPDATE {table} AS d SET provider_id = v.pid FROM (VALUES {values}) AS v(id, pid) "  # noqa: S608 - placeholders only
                "WHERE d.id = v.id",
                [x for pair in ids for x in pair],
            )
    else:
        Delivery.objects.bulk_update([r for r in rows if r.provider_id], ["provider_id"], batch_size=100)


def _due(rows, now: dt.datetime):
    return rows.filter(
        Q(status=Delivery.Status.QUEUED)
        | Q(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__isnull=True)
        | Q(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__lte=now)
    )


def deliveries_failed_notify(*, key: str) -> None:
    """One in-app notice per subject (per hour) when messages of it failed for good."""
    if not cache.add(f"sms:failed-notice:{key}", 1, timeout=3600):
        return
    notify_roles(
        [Role.OFFICE],
        kind="notifications.delivery.failed",
        title=f"短信发送失败：{describe_key(key)}",
        body="部分短信多次发送失败或被网关拒绝，请在“短信发送记录”中查看原因并重试。",
        link=f"{reverse('notifications:deliveries')}?status=failed",
    )


def deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Rows the sweep should send: failed-and-retryable whose time has come, and queued rows whose
    task was lost (a worker killed with the task reserved, the broker down) or gave up waiting for
    the rate limit. The queued ones are stamped now, so the next sweep does not hand them out again
    while this one's tasks wait in the queue."""
    now = now or timezone.now()
    retry = Delivery.objects.filter(status=Delivery.Status.FAILED, retryable=True, next_attempt_at__lte=now)
    stale_after = dt.timedelta(seconds=settings.SMS_STALE_QUEUED_SECONDS)
    stale = list(
        Delivery.objects.filter(status=Delivery.Status.QUEUED, updated_at__lte=now - stale_after)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if stale:
        Delivery.objects.filter(pk__in=stale, status=Delivery.Status.QUEUED).update(updated_at=now)
    return list(retry.order_by("pk").values_list("pk", flat=True)[:SWEEP_BATCH]) + stale


def deliveries_retry_failed(*, actor, key: str | None = None) -> int:
    """The office's "retry failed": every failed row (of one subject, if given) is queued again with
    a fresh attempt budget, after the office has fixed a number or the gateway is back."""
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
        outbox_emit("notifications.sms.queued", {"key": key or "", "first": min(ids), "last": max(ids)})
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
            status=Delivery.Status.FAILED,
            failed_at=at,
            retryable=False,
            last_error=f"送达回执：{error or '未送达'}"[:2000],
            updated_at=at,
        )
    raise ValueError(f"unknown receipt status {status!r}")


# ----------------------------------------------------------------------------- subscriptions

CODE_TTL = dt.timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
CODES_PER_PHONE_PER_HOUR = 3


class SubscriptionError(DomainError):
    """A refusal for the citizen, in Chinese; it never says whether a number is subscribed."""

    code = "notifications.subscription.refused"


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
        text = (
            f"{settings.SMS_SIGNATURE}验证码 {code}，15 分钟内有效，用于{what}阳泉市重污染天气预警短信。"
            "如非本人操作，请忽略本短信。"
        )
        sms_to_numbers([("", number)], text=text, key=f"subscribe:{subscriber.pk}:{subscriber.codes_sent}")
        # The entry names the row and the request, never the number or the code.
        audit_record(
            actor=None,
            action="notifications.subscriber.code_sent",
            target=subscriber,
            data={"request": action, "codes_sent": subscriber.codes_sent},
        )


def subscriber_confirm(*, phone: str, code: str) -> str:
    """Check the code and carry out the pending action; returns "subscribed" or "unsubscribed"."""
    refusal = "验证码不正确或已过期，请重新获取。"
    number = normalise_phone(phone)
    code = (code or "").strip()
    if number is None or not code.isdigit():
        raise SubscriptionError(refusal)
    with transaction.atomic():
        subscriber = SmsSubscriber.objects.select_for_update().filter(phone=number).first()
        if (
            subscriber is None
            or not subscriber.pending
            or subscriber.code_expires_at is None
            or subscriber.code_expires_at < timezone.now()
            or subscriber.code_attempts >= CODE_MAX_ATTEMPTS
        ):
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
            subscriber.save(
                update_fields=[
                    "confirmed",
                    "confirmed_at",
                    "unsubscribed_at",
                    "pending",
                    "code_hash",
                    "code_expires_at",
                ]
            )
            audit_record(actor=None, action=f"notifications.subscriber.{outcome}", target=subscriber)
    if not ok:
        raise SubscriptionError(refusal)
    return outcome
