"""Second factor (动态口令, TOTP per RFC 6238) for the office and the leaders, on django-otp.

Who needs it: the roles in settings.TWO_FACTOR_ROLES, whenever settings.TWO_FACTOR_REQUIRED
(always in production; off on the embedded default unless TWO_FACTOR_REQUIRED=1).
A person of those roles logs in with the password, then enters the six-digit code of the
authenticator app on the phone; one without a confirmed device enrols first (QR code drawn
here as SVG, no outside service). Wrong codes are throttled by django-otp (1, 2, 4 … seconds)
and after OTP_FAILURE_LIMIT successive failures the half-logged-in session is ended.
"""

from __future__ import annotations

import secrets
import time
from base64 import b32encode
from binascii import unhexlify
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.services import audit_record

from .roles import TWO_FACTOR_ROLES

PENDING_KEY_SESSION = "yq_otp_pending_key"
ENROL_FAILURES_SESSION = "yq_otp_enrol_failures"


def role_needs_second_factor(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and settings.TWO_FACTOR_REQUIRED
        and getattr(user, "role", None) in TWO_FACTOR_ROLES
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def normalise_code(code: str | None) -> str:
    return "".join(str(code or "").split())


def failure_limit() -> int:
    return settings.OTP_FAILURE_LIMIT


# --- Verification of an enrolled device. ----------------------------------------------------------


class VerifyResult:
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"
    LOCKED = "locked"
    NO_DEVICE = "no_device"


def verify_device_code(user, code: str, *, channel: str) -> tuple[str, TOTPDevice | None]:
    """Check a code against the user's confirmed device; audit the outcome.

    Returns (VerifyResult.*, device). LOCKED means the successive failures reached the limit:
    the caller ends the session (pages) or refuses the token (API).

    The device row is locked while the code is checked, so a code is used once even by requests
    that arrive together (django-otp records the last time step used, but does not lock)."""
    device = confirmed_device(user)
    if device is None:
        return VerifyResult.NO_DEVICE, None
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return _verify_locked(user, device, code, channel=channel)


def _verify_locked(user, device: TOTPDevice, code: str, *, channel: str) -> tuple[str, TOTPDevice]:
    allowed, info = device.verify_is_allowed()
    if not allowed:
        audit_record(
            actor=user,
            action="auth.otp.throttled",
            target=user,
            data={"channel": channel, "failures": device.throttling_failure_count},
        )
        if device.throttling_failure_count >= failure_limit():
            return VerifyResult.LOCKED, device
        return VerifyResult.THROTTLED, device
    if device.verify_token(normalise_code(code)):
        audit_record(actor=user, action="auth.otp.verified", target=user, data={"channel": channel})
        return VerifyResult.OK, device
    device.refresh_from_db(fields=["throttling_failure_count"])
    audit_record(
        actor=user,
        action="auth.otp.failed",
        target=user,
        data={"channel": channel, "failures": device.throttling_failure_count},
    )
    if device.throttling_failure_count >= failure_limit():
        return VerifyResult.LOCKED, device
    return VerifyResult.WRONG, device


# --- Enrolment: the secret waits in the session until a code from the app confirms it. ----------


def pending_key(session) -> str:
    """The hex secret being enrolled in this session (made on first view; nothing in the database
    until a code confirms it, so a GET of the enrolment page changes no table)."""
    key = session.get(PENDING_KEY_SESSION)
    if not key:
        key = secrets.token_hex(20)
        session[PENDING_KEY_SESSION] = key
    return key


def base32_secret(hex_key: str) -> str:
    return b32encode(unhexlify(hex_key)).decode("ascii").rstrip("=")


def provisioning_uri(user, hex_key: str) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{user.get_username()}")
    params = urlencode(
        {"secret": base32_secret(hex_key), "issuer": issuer, "algorithm": "SHA1", "digits": 6, "period": 30}
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG markup (segno; drawn here, no outside service)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")


def enrol_confirm(user, session, code: str) -> tuple[str, TOTPDevice | None]:
    """Confirm the pending secret with a code from the app: creates the confirmed device.

    Returns (VerifyResult.*, device)."""
    key = session.get(PENDING_KEY_SESSION)
    if not key:
        return VerifyResult.WRONG, None
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    try:
        token = int(normalise_code(code))
    except ValueError:
        token = None
    if token is not None and totp.verify(token, tolerance=1):
        with transaction.atomic():
            if confirmed_device(user) is not None:  # enrolled meanwhile in another session
                return VerifyResult.WRONG, None
            device = TOTPDevice.objects.create(
                user=user, name="动态口令", key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
            )
            audit_record(actor=user, action="auth.otp.enrolled", target=user, data={"device": device.persistent_id})
        session.pop(PENDING_KEY_SESSION, None)
        session.pop(ENROL_FAILURES_SESSION, None)
        return VerifyResult.OK, device
    failures = int(session.get(ENROL_FAILURES_SESSION, 0)) + 1
    session[ENROL_FAILURES_SESSION] = failures
    audit_record(actor=user, action="auth.otp.enrol_failed", target=user, data={"failures": failures})
    if failures >= failure_limit():
        return VerifyResult.LOCKED, None
    return VerifyResult.WRONG, None
