"""Re-authentication before signing (签发前再次验证身份), one service for the pages and the API.

Whoever signs proves it in the request that signs, whatever authenticated the request (a session
or an API token): the signer's password, and where the second factor is required for the role
(accounts/twofactor.py: production, or TWO_FACTOR_REQUIRED=1) a fresh code of the authenticator
app. Possession of a session or a token is not enough: a token left in a script signs nothing.

- The password goes through django.contrib.auth.authenticate with the request, as the login page
  does: a missing or wrong one is a failed login for django-axes (AXES_FAILURE_LIMIT failures lock
  the account for AXES_COOLOFF_TIME, sign-in and signing alike) and for the audit log.
- The code goes through twofactor.verify_device_code, as the code page does: django-otp's
  throttle, one use per code (a code already used to log in or to sign is refused), and at
  OTP_FAILURE_LIMIT successive failures the credential that made the request ends (the session
  is logged out, the API token revoked).
- Every refusal is audited (``auth.reauth.failed``, with what was asked for and why).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.utils import timezone

from audit.services import audit_record
from core.errors import NOT_YOURS, DomainError

from . import twofactor
from .models import ApiToken
from .services import api_token_revoke

# The factors a proof names (Reauthenticated.factors).
PASSWORD = "password"  # noqa: S105 - the factor's name, not a password
OTP = "otp"
#: The word of a refusal ("……，未签发。") for each purpose; anything else is "执行".
VERBS = {"alerts.form.approve": "签发", "alerts.form.reject": "退回"}


class ReauthenticationError(DomainError):
    """Refused (403): ``reason`` says why (password_required, password_invalid, locked, otp_required,
    otp_invalid, otp_not_enrolled, otp_throttled, otp_locked), the code is ``auth.reauth.<reason>``,
    the message Chinese. ``ended`` is True when the request's session or token was ended (too many
    wrong codes)."""

    code = "auth.reauth.failed"
    status = NOT_YOURS

    def __init__(self, message: str, reason: str, *, ended: bool = False):
        super().__init__(message, code=f"auth.reauth.{reason}")
        self.reason = reason
        self.ended = ended


@dataclass(frozen=True)
class Reauthenticated:
    """Proof, for the service that signs, that ``user_id`` re-authenticated with ``factors`` at ``at``."""

    user_id: int
    factors: tuple[str, ...]
    at: dt.datetime


def _channel(request) -> str:
    return "api" if request.path.startswith("/api/") else "web"


def _refuse(request, user, *, purpose: str, target, code: str, message: str, ended: bool = False):
    audit_record(
        actor=user,
        action="auth.reauth.failed",
        target=target,
        data={"purpose": purpose, "reason": code, "channel": _channel(request), "ended": ended},
    )
    return ReauthenticationError(message, code, ended=ended)


def _end_credential(request, user) -> None:
    """Too many wrong codes: end what made this request (the API token, or the session)."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken):
        api_token_revoke(actor=user, token_id=token.pk, reason="otp_locked")
    else:
        audit_record(actor=user, action="auth.otp.locked", target=user)
        logout(getattr(request, "_request", request))


def signer_reauthenticate(
    request, *, password: str | None, otp: str | None, purpose: str, target=None
) -> Reauthenticated:
    """Check the signer's password (and code, where required) for ``purpose`` (the transition, e.g.
    ``alerts.form.approve``) on ``target``; return the proof or raise ReauthenticationError."""
    user = request.user
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    verb = VERBS.get(purpose, "执行")
    # A missing password is tried as an empty one: it fails, and counts, like a wrong one.
    checked = authenticate(request, username=user.get_username(), password=password or "")
    if checked is None or checked.pk != user.pk:
        if getattr(request, "axes_locked_out", False):
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="locked",
                message=f"密码错误次数过多，账户已锁定 {minutes} 分钟，期间不能登录或签发，未{verb}。",
            )
        if not password:
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="password_required",
                message=f"请填写登录密码（password）以确认是您本人操作，未{verb}。",
            )
        raise _refuse(
            request, user, purpose=purpose, target=target, code="password_invalid", message=f"密码不正确，未{verb}。"
        )
    factors = [PASSWORD]
    if twofactor.role_needs_second_factor(user):
        code = twofactor.normalise_code(otp)
        result, _device = twofactor.verify_device_code(user, code, channel=f"reauth-{_channel(request)}")
        if result == twofactor.VerifyResult.NO_DEVICE:
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="otp_not_enrolled",
                message="尚未绑定动态口令：请先在网页上登录并完成绑定。",
            )
        if result == twofactor.VerifyResult.LOCKED:
            _end_credential(request, user)
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="otp_locked",
                ended=True,
                message="动态口令错误次数过多，本次登录（或接口令牌）已结束，请重新登录。",
            )
        if result == twofactor.VerifyResult.THROTTLED:
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="otp_throttled",
                message="动态口令尝试过于频繁，请稍等几秒后再试。",
            )
        if result != twofactor.VerifyResult.OK:
            if not code:
                raise _refuse(
                    request,
                    user,
                    purpose=purpose,
                    target=target,
                    code="otp_required",
                    message="您的角色需要动态口令：请填写验证器上当前的 6 位数字（otp）。",
                )
            raise _refuse(
                request,
                user,
                purpose=purpose,
                target=target,
                code="otp_invalid",
                message="动态口令不正确或已使用过，请输入验证器上当前的 6 位数字。",
            )
        factors.append(OTP)
    return Reauthenticated(user_id=user.pk, factors=tuple(factors), at=timezone.now())
