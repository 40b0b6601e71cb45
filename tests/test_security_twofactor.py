"""Second factor (TOTP) for the office, the leaders and the administrator (accounts/twofactor.py).

Codes are computed independently with pyotp from the secret the enrolment page shows."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
import time_machine
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import TWO_FACTOR_ROLES, Role
from audit.models import AuditEntry

PASSWORD = "correct horse battery"
START = time.time()


@pytest.fixture(autouse=True)
def _start_now():
    """Each test's clock starts when the test does: a start taken at import (collection) would lie
    minutes in the past by the time the test runs in the whole suite, and travelling there would
    replay a time step the enrolment already used."""
    global START
    START = time.time()


def later(seconds, tick=True):
    """Travel to `seconds` after the start of the test (a later TOTP time step)."""
    return time_machine.travel(START + seconds, tick=tick)


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def _enrol(client, next_url="/"):
    page = client.get(f"/accounts/otp/enrol/?next={next_url}")
    assert page.status_code == 200
    html = page.content.decode()
    secret = re.search(r'<code id="otp-secret">([A-Z2-7]+)</code>', html).group(1)
    assert "<svg" in html  # the QR code, drawn locally
    response = client.post("/accounts/otp/enrol/", {"code": pyotp.TOTP(secret).now(), "next": next_url})
    return secret, response


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_first_login_of_a_second_factor_role_enrols_before_anything_else(role, client, make_user, two_factor_on):
    user = make_user(role, username=f"u-{role}")
    _login(client, user.username)
    # Nothing but enrolment: the home page, a page of the role and the API all send it there.
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/otp/enrol/")
    assert client.get("/audit/")["Location"].startswith("/accounts/otp/enrol/")
    api = client.get("/api/v1/auth/me/")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    assert not TOTPDevice.objects.filter(user=user).exists()  # the GET stored nothing yet

    secret, response = _enrol(client, "/audit/")
    assert response.status_code == 302 and response["Location"] == "/audit/"
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.bin_key == __import__("base64").b32decode(secret + "=" * (-len(secret) % 8))  # the shown secret
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(actor=user, action="auth.otp.enrolled").exists()
    # Enrolled: the enrolment page is closed (no second device by re-enrolling).
    assert client.get("/accounts/otp/enrol/").status_code == 302


def test_enrolled_user_enters_a_code_after_the_password(client, make_user, two_factor_on):
    user = make_user(Role.COMMANDER, username="boss")
    _login(client, "boss")
    secret, _ = _enrol(client)
    client.post("/accounts/logout/")

    with later(60):  # a later login, a fresh time step
        _login(client, "boss")
        page = client.get("/")
        assert page.status_code == 302 and page["Location"].startswith("/accounts/otp/?")
        form = client.get(page["Location"])
        assert "动态口令" in form.content.decode()
        wrong = client.post("/accounts/otp/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
        assert wrong.status_code == 400 and "动态口令不正确" in wrong.content.decode()
        assert client.get("/").status_code == 302
    with later(90):  # past the 1-second throttle of the wrong code
        ok = client.post("/accounts/otp/", {"code": pyotp.TOTP(secret).now(), "next": "/warnings/"})
        assert ok.status_code == 302 and ok["Location"] == "/warnings/"
        assert client.get("/").status_code == 200
    actions = set(AuditEntry.objects.filter(actor=user).values_list("action", flat=True))
    assert {"auth.login", "auth.otp.failed", "auth.otp.verified"} <= actions


def test_code_page_speaks_english_when_chosen(client, make_user, two_factor_on):
    user = make_user(Role.OFFICE, username="clerk")
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    _login(client, "clerk")
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/otp/"})
    html = client.get("/accounts/otp/").content.decode()
    assert "One-time code" in html or "one-time code" in html


def test_wrong_codes_are_throttled_then_the_session_ends(client, make_user, two_factor_on):
    user = make_user(Role.VICE_COMMANDER, username="vice2")
    TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    secret = pyotp.TOTP(__import__("base64").b32encode(TOTPDevice.objects.get(user=user).bin_key).decode())
    _login(client, "vice2")
    # Immediately retrying after a failure is refused by the throttle, even with the right code.
    client.post("/accounts/otp/", {"code": "123456" if secret.now() != "123456" else "654321"})
    throttled = client.post("/accounts/otp/", {"code": secret.now()})
    assert throttled.status_code == 400 and "过于频繁" in throttled.content.decode()
    assert client.get("/").status_code == 302
    # Keep failing (waiting out each delay): at the limit the session ends and the password is needed again.
    offset = 0
    for _ in range(two_factor_on.OTP_FAILURE_LIMIT):
        offset += 40
        with later(offset, tick=False):
            last = client.post("/accounts/otp/", {"code": "999999" if secret.now() != "999999" else "888888"})
    assert last.status_code == 302 and last["Location"].startswith("/accounts/login/")
    assert client.get("/")["Location"].startswith("/public/")  # logged out: anonymous home
    assert AuditEntry.objects.filter(actor=user, action="auth.otp.locked").exists()
    assert AuditEntry.objects.filter(actor=user, action="auth.otp.failed").count() >= two_factor_on.OTP_FAILURE_LIMIT


def test_roles_without_second_factor_are_not_asked(client, make_user, two_factor_on):
    make_user(Role.FORECASTER, username="fc")
    _login(client, "fc")
    assert client.get("/").status_code == 200
    assert client.get("/accounts/otp/").status_code == 403  # the code pages are not theirs


def test_second_factor_off_on_the_embedded_default(client, make_user, settings):
    assert settings.TWO_FACTOR_REQUIRED is False  # tests run on the embedded default
    make_user(Role.COMMANDER, username="boss2")
    _login(client, "boss2")
    assert client.get("/").status_code == 200


def test_api_token_needs_the_code_for_second_factor_roles(client, make_user, two_factor_on):
    user = make_user(Role.OFFICE, username="office2")
    no_device = client.post("/api/v1/auth/token/", {"username": "office2", "password": PASSWORD, "otp": "123456"})
    assert no_device.status_code == 400 and "尚未绑定动态口令" in no_device.json()["errors"]["otp"][0]
    device = TOTPDevice.objects.create(user=user, name="x", confirmed=True)
    totp = pyotp.TOTP(__import__("base64").b32encode(device.bin_key).decode())
    missing = client.post("/api/v1/auth/token/", {"username": "office2", "password": PASSWORD})
    assert missing.status_code == 400 and "需要动态口令" in missing.json()["errors"]["otp"][0]
    ok = client.post("/api/v1/auth/token/", {"username": "office2", "password": PASSWORD, "otp": totp.now()})
    assert ok.status_code == 200 and ok.json()["token"]
    # The same code cannot be used twice.
    again = client.post("/api/v1/auth/token/", {"username": "office2", "password": PASSWORD, "otp": totp.now()})
    assert again.status_code == 400
    # Roles without the second factor get a token with the password alone.
    make_user(Role.FORECASTER, username="fc2")
    assert client.post("/api/v1/auth/token/", {"username": "fc2", "password": PASSWORD}).status_code == 200
    assert AuditEntry.objects.filter(actor=user, action="auth.otp.verified", data__channel="api").exists()


def test_production_refuses_to_turn_the_second_factor_off():
    from tests.test_settings import PRODUCTION, _run

    result = _run(["check"], {**PRODUCTION, "TWO_FACTOR_REQUIRED": "0"})
    assert result.returncode != 0 and "TWO_FACTOR_REQUIRED" in result.stderr
    from tests.test_settings import _setting

    assert _setting("TWO_FACTOR_REQUIRED", PRODUCTION) == "True"
    assert _setting("TWO_FACTOR_REQUIRED", {"TWO_FACTOR_REQUIRED": "1"}) == "True"
    assert _setting("TWO_FACTOR_REQUIRED", {}) == "False"
