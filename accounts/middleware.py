"""Session limits and the second factor, for every page and for session-authenticated API calls.

SessionTimeoutMiddleware: a session ends after SESSION_IDLE_TIMEOUT seconds without a request
(空闲超时) and SESSION_ABSOLUTE_TIMEOUT seconds after the login (绝对超时), whatever happens in
between; the person is sent to the login page with a message and the audit log says why.

SecondFactorMiddleware: a person whose role needs the second factor (accounts/twofactor.py)
and whose session has not been verified with a code reaches nothing but the code page, the
enrolment page, logout and the language switch.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from audit.services import audit_record

from .twofactor import confirmed_device, role_needs_second_factor

LOGIN_AT_SESSION = "yq_login_at"
LAST_SEEN_SESSION = "yq_last_seen"
# The last-activity stamp is rewritten at most this often: not every request writes the session.
ACTIVITY_RESOLUTION_SECONDS = 60


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def record_login_time(request) -> None:
    """Called at each login (accounts/apps.py connects it to user_logged_in)."""
    now = int(time.time())
    request.session[LOGIN_AT_SESSION] = now
    request.session[LAST_SEEN_SESSION] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY) and request.user.is_authenticated:
            now = int(time.time())
            login_at = session.get(LOGIN_AT_SESSION)
            last_seen = session.get(LAST_SEEN_SESSION)
            reason = None
            if login_at is None or last_seen is None:
                # A session from before these limits existed: start counting now.
                session[LOGIN_AT_SESSION] = login_at or now
                session[LAST_SEEN_SESSION] = now
            elif now - int(login_at) > settings.SESSION_ABSOLUTE_TIMEOUT:
                reason = "absolute"
            elif now - int(last_seen) > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle"
            elif now - int(last_seen) >= ACTIVITY_RESOLUTION_SECONDS:
                session[LAST_SEEN_SESSION] = now
            if reason:
                return self._expire(request, reason, now - int(login_at), now - int(last_seen))
        return self.get_response(request)

    def _expire(self, request, reason, since_login, since_seen):
        user = request.user
        audit_record(
            actor=user,
            action="auth.session.timeout",
            target=user,
            data={
                "reason": reason,
                "seconds_since_login": since_login,
                "seconds_idle": since_seen,
                "path": request.path[:200],
            },
        )
        logout(request)
        if reason == "idle":
            text = _("您已超过 %(minutes)d 分钟未操作，为安全起见已自动退出，请重新登录。") % {
                "minutes": settings.SESSION_IDLE_TIMEOUT // 60
            }
        else:
            text = _("您已连续登录超过 %(hours)d 小时，为安全起见已自动退出，请重新登录。") % {
                "hours": settings.SESSION_ABSOLUTE_TIMEOUT // 3600
            }
        if _is_api(request):
            return JsonResponse({"detail": text, "code": "session_expired"}, status=401)
        messages.warning(request, text)
        if request.method in ("GET", "HEAD"):
            return redirect_to_login(request.get_full_path())
        return redirect(settings.LOGIN_URL)


# Paths a password-only session of a second-factor role may still reach.
def _exempt_paths() -> set[str]:
    return {
        reverse(name)
        for name in ("accounts:otp-verify", "accounts:otp-enrol", "accounts:logout", "accounts:login", "set_language")
    }


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            request.session.get(SESSION_KEY)
            and role_needs_second_factor(user)
            and not user.is_verified()
            and request.path not in _exempt_paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            if _is_api(request):
                return JsonResponse({"detail": _("请先完成动态口令验证。"), "code": "otp_required"}, status=403)
            name = "accounts:otp-verify" if confirmed_device(user) else "accounts:otp-enrol"
            target = reverse(name)
            if request.method in ("GET", "HEAD"):
                target += "?" + urlencode({"next": request.get_full_path()})
            return redirect(target)
        return self.get_response(request)
