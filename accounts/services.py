from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from command.models import Area, MemberUnit
from core.errors import NOT_YOURS, DomainError

from .models import ApiToken, User
from .roles import Role

DEMO_PASSWORD = "demo"  # noqa: S105 - interfaces.md §3; demo accounts exist only on the embedded default


class DemoNotAllowedError(DomainError):
    """Demo accounts are made on the embedded default only (interfaces.md §3), never in production."""

    code = "accounts.demo.not_allowed"
    status = NOT_YOURS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    label: str
    unit_slug: str | None = None
    area_code: str | None = None
    #: A made-up mobile number (console SMS on the embedded default) so the approver and office
    #: notices of a demo are delivered instead of failing for want of a number.
    mobile: str = ""


def demo_accounts() -> list[DemoAccount]:
    """The accounts of interfaces.md §3, plus one per county-level area and one supervisor and
    one administrator so that every role can be tried."""
    accounts = [
        DemoAccount("office", Role.OFFICE, "应急指挥部办公室", mobile="13803530001"),
        DemoAccount("vice", Role.VICE_COMMANDER, "副总指挥", mobile="13803530002"),
        DemoAccount("commander", Role.COMMANDER, "总指挥", mobile="13803530003"),
        DemoAccount("monitor", Role.FORECASTER, "预报预警组", mobile="13803530004"),
        DemoAccount("supervisor", Role.SUPERVISOR, "督导检查组"),
        DemoAccount("admin", Role.ADMIN, "系统管理员"),
    ]
    for unit in MemberUnit.objects.order_by("order"):
        accounts.append(DemoAccount(f"unit-{unit.slug}", Role.UNIT, unit.name, unit_slug=unit.slug))
    for area in Area.objects.exclude(kind=Area.Kind.CITY).order_by("order"):
        accounts.append(DemoAccount(f"county-{area.code}", Role.COUNTY, area.name, area_code=area.code))
    return accounts


def demo_seed() -> tuple[list[DemoAccount], int]:
    """Create the demo accounts that do not exist yet; return them all and how many were new."""
    if not settings.DEMO_ACCOUNTS_ALLOWED:
        raise DemoNotAllowedError("演示账户只在内置默认环境（无 DATABASE_URL）中创建；生产环境不创建。")
    accounts = demo_accounts()
    created = 0
    with transaction.atomic():
        for account in accounts:
            if User.objects.filter(username=account.username).exists():
                continue
            user = User(
                username=account.username,
                last_name=account.label,
                role=account.role,
                mobile=account.mobile,
                unit=MemberUnit.objects.get(slug=account.unit_slug) if account.unit_slug else None,
                area=Area.objects.get(code=account.area_code) if account.area_code else None,
                is_staff=account.role == Role.ADMIN,
                is_superuser=account.role == Role.ADMIN,
            )
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            created += 1
        if created:
            audit_record(actor=None, action="accounts.demo.seeded", data={"created": created})
    return accounts, created


# ----------------------------------------------------------------------------- API tokens (接口令牌)

#: Default client name of a token asked for without one (``client`` of POST /api/v1/auth/token/).
DEFAULT_TOKEN_CLIENT = "api"  # noqa: S105 - a client's name, not a secret


class TokenError(DomainError):
    """A token refused (unknown, expired, revoked, its user inactive); the message is Chinese. The
    API's authentication answers it as a 401 (accounts/authentication.py)."""

    code = "accounts.token.refused"
    status = 401


def api_token_hash(key: str) -> str:
    """SHA-256 of the token: 256 random bits need no slow hash, and the database never holds a
    usable token (a copy of the table signs nothing)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_issue(*, user: User, client: str = DEFAULT_TOKEN_CLIENT) -> tuple[ApiToken, str]:
    """A new token for ``client`` of ``user``, valid settings.API_TOKEN_HOURS; the client's previous
    token (one live token per user and client) is revoked. Returns (the row, the token itself),
    the token being shown this once only."""
    client = (client or DEFAULT_TOKEN_CLIENT).strip()[:100] or DEFAULT_TOKEN_CLIENT
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        replaced = list(
            ApiToken.objects.select_for_update()
            .filter(user=user, name=client, revoked_at__isnull=True)
            .values_list("pk", flat=True)
        )
        if replaced:
            ApiToken.objects.filter(pk__in=replaced).update(revoked_at=now, revoked_by=user, revoke_reason="replaced")
        token = ApiToken.objects.create(
            user=user,
            name=client,
            prefix=key[:8],
            key_hash=api_token_hash(key),
            created_at=now,
            expires_at=now + dt.timedelta(hours=settings.API_TOKEN_HOURS),
        )
        audit_record(
            actor=user,
            action="auth.token.issued",
            target=user,
            data={
                "token": token.pk,
                "client": client,
                "expires_at": token.expires_at.isoformat(),
                "replaced": replaced,
            },
        )
    return token, key


def api_token_authenticate(key: str) -> ApiToken:
    """The live token of ``key`` with its user, its last use recorded (at most once a minute, so
    a busy script does not write on every request); TokenError when it is refused."""
    token = ApiToken.objects.select_related("user").filter(key_hash=api_token_hash(key)).first()
    now = timezone.now()
    if token is None:
        raise TokenError("令牌无效。")
    if token.revoked_at is not None:
        raise TokenError("令牌已被撤销，请重新获取令牌。")
    if token.expires_at <= now:
        raise TokenError("令牌已过期，请重新获取令牌。")
    if not token.user.is_active:
        raise TokenError("用户已停用。")
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(seconds=settings.API_TOKEN_TOUCH_SECONDS):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def api_token_revoke(*, actor: User, token_id: int, reason: str = "owner") -> ApiToken:
    """Revoke (撤销) a token: its owner's own (``reason="owner"``), an administrator's
    (``"admin"``), or after too many wrong codes when signing (``"otp_locked"``). Revoking a
    revoked token changes nothing and records nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("user").get(pk=token_id)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.revoke_reason = reason
        token.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(
            actor=actor,
            action="auth.token.revoked",
            target=token.user,
            after={"revoked_at": token.revoked_at.isoformat()},
            data={"token": token.pk, "client": token.name, "reason": reason},
        )
    return token
