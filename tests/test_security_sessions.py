"""Sessions end after 30 minutes without a request and 12 hours after the login (accounts/middleware.py)."""

from __future__ import annotations

import time

import time_machine

from accounts.roles import Role
from audit.models import AuditEntry

PASSWORD = "correct horse battery"


def _login(client, make_user, username="duty"):
    user = make_user(Role.OFFICE, username=username)
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return user


def test_idle_session_ends_with_a_chinese_message_and_an_audit_entry(client, make_user, settings):
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        user = _login(client, make_user)
        clock.shift(settings.SESSION_IDLE_TIMEOUT - 60)
        assert client.get("/").status_code == 200  # activity just inside the limit keeps it alive
        clock.shift(settings.SESSION_IDLE_TIMEOUT - 60)
        assert client.get("/").status_code == 200  # …again: idle is counted from the last request
        clock.shift(settings.SESSION_IDLE_TIMEOUT + 1)
        response = client.get("/warnings/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/warnings/")
        login_page = client.get(response["Location"]).content.decode()
        assert "分钟未操作" in login_page and "已自动退出" in login_page
        assert client.get("/")["Location"].startswith("/public/")  # the session is gone
    entry = AuditEntry.objects.get(actor=user, action="auth.session.timeout")
    assert entry.data["reason"] == "idle" and entry.data["seconds_idle"] > settings.SESSION_IDLE_TIMEOUT


def test_absolute_limit_ends_even_an_active_session(client, make_user, settings):
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        user = _login(client, make_user)
        steps = settings.SESSION_ABSOLUTE_TIMEOUT // (settings.SESSION_IDLE_TIMEOUT - 120)
        for _ in range(steps):
            clock.shift(settings.SESSION_IDLE_TIMEOUT - 120)
            assert client.get("/").status_code == 200
        clock.shift(settings.SESSION_IDLE_TIMEOUT - 120)
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        assert "小时" in client.get(response["Location"]).content.decode()
    entry = AuditEntry.objects.get(actor=user, action="auth.session.timeout")
    assert entry.data["reason"] == "absolute" and entry.data["seconds_since_login"] > settings.SESSION_ABSOLUTE_TIMEOUT


def test_session_api_call_after_timeout_is_401_with_detail(client, make_user, settings):
    start = time.time()
    with time_machine.travel(start, tick=False) as clock:
        _login(client, make_user)
        assert client.get("/api/v1/auth/me/").status_code == 200
        clock.shift(settings.SESSION_IDLE_TIMEOUT + 5)
        response = client.get("/api/v1/auth/me/")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_limits_come_from_the_environment():
    from tests.test_settings import _setting

    assert _setting("SESSION_IDLE_TIMEOUT", {"SESSION_IDLE_MINUTES": "15"}) == str(15 * 60)
    assert _setting("SESSION_ABSOLUTE_TIMEOUT", {"SESSION_ABSOLUTE_HOURS": "8"}) == str(8 * 3600)
    assert _setting("SESSION_COOKIE_AGE", {"SESSION_ABSOLUTE_HOURS": "8"}) == str(8 * 3600)
