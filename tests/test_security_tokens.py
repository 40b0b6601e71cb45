"""API tokens that end (accounts.ApiToken, accounts/authentication.py): issued by
POST /api/v1/auth/token/ for API_TOKEN_HOURS, one live token per user and client, stored as a hash
only, revocable by their owner (page and API) and by the administrator (admin), last use recorded;
an expired or revoked token is refused with 401 on every endpoint that authenticates."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time

import pyotp
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.permissions import declared_access
from accounts.roles import TWO_FACTOR_ROLES, Role
from accounts.services import api_token_issue
from audit.models import AuditEntry
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - fixture

PASSWORD = "correct horse battery"
TOKEN_URL = "/api/v1/auth/token/"


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def obtain(http, username, **extra):
    return http.post(TOKEN_URL, {"username": username, "password": PASSWORD, **extra})


# ----------------------------------------------------------------------------- issue


def test_a_token_ends_after_api_token_hours_and_only_its_hash_is_stored(client, make_user, settings):
    settings.API_TOKEN_HOURS = 12
    user = make_user(Role.FORECASTER, username="fc-token")
    before = timezone.now()
    response = obtain(client, "fc-token", client="预报脚本")
    assert response.status_code == 200
    data = response.json()
    key = data["token"]
    assert data["client"] == "预报脚本"
    expires = dt.datetime.fromisoformat(data["expires_at"])
    assert dt.timedelta(hours=12) <= expires - before <= dt.timedelta(hours=12, minutes=1)
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and token.prefix == key[:8]
    assert key not in str(list(ApiToken.objects.values()))  # the token itself is nowhere in the table
    issued = AuditEntry.objects.get(action="auth.token.issued", actor=user)
    assert key not in str(issued.data) and issued.data["client"] == "预报脚本"
    assert client.get("/api/v1/auth/me/", **auth(key)).json()["username"] == "fc-token"


def test_one_live_token_per_user_and_client(client, make_user):
    make_user(Role.FORECASTER, username="fc-two")
    first = obtain(client, "fc-two", client="laptop").json()["token"]
    other = obtain(client, "fc-two", client="server").json()["token"]
    second = obtain(client, "fc-two", client="laptop").json()["token"]
    assert client.get("/api/v1/auth/me/", **auth(first)).status_code == 401  # replaced
    assert client.get("/api/v1/auth/me/", **auth(second)).status_code == 200
    assert client.get("/api/v1/auth/me/", **auth(other)).status_code == 200
    assert ApiToken.objects.filter(user__username="fc-two", revoked_at__isnull=True).count() == 2
    assert ApiToken.objects.get(user__username="fc-two", revoke_reason="replaced").name == "laptop"


def test_a_wrong_password_gets_no_token_and_counts_for_the_lockout(client, make_user, settings):
    make_user(Role.FORECASTER, username="fc-lock")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert client.post(TOKEN_URL, {"username": "fc-lock", "password": "nope"}).status_code == 400
    assert obtain(client, "fc-lock").status_code == 400  # locked: even the right password
    assert not ApiToken.objects.exists()


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True
    return settings


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_token_for_a_second_factor_role_needs_the_code_where_required(role, client, make_user, two_factor_on):
    user = make_user(role, username=f"tf-{role}")
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    totp = pyotp.TOTP(base64.b32encode(device.bin_key).decode())
    missing = obtain(client, user.username)
    assert missing.status_code == 400 and "需要动态口令" in missing.json()["errors"]["otp"][0]
    with time_machine.travel(time.time() + 5):
        ok = obtain(client, user.username, otp=totp.now())
    assert ok.status_code == 200 and ok.json()["token"] and ok.json()["expires_at"]


@pytest.mark.parametrize("role", sorted(TWO_FACTOR_ROLES))
def test_token_needs_no_code_where_two_factor_is_not_required(role, client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = False
    user = make_user(role, username=f"nf-{role}")
    response = obtain(client, user.username)
    assert response.status_code == 200 and response.json()["token"]


# ----------------------------------------------------------------------------- refused


def _authenticating_api_routes():
    """Every API route whose view authenticates (the public warning and the token endpoint do not)."""
    for name, pattern in ROUTES:
        url = reverse(name, kwargs=EXAMPLES.get(name))
        if url.startswith("/api/") and getattr(_view_class(pattern), "authentication_classes", None) != []:
            yield name, url


def test_an_expired_token_is_refused_everywhere(client, make_user, route_objects, settings):  # noqa: F811
    settings.API_TOKEN_HOURS = 12
    token, key = api_token_issue(user=route_objects[Role.OFFICE])
    assert client.get("/api/v1/auth/me/", **auth(key)).status_code == 200
    routes = list(_authenticating_api_routes())
    assert len(routes) >= 20
    with time_machine.travel(token.expires_at + dt.timedelta(seconds=1)):
        for name, url in routes:
            response = client.get(url, **auth(key))
            assert response.status_code == 401, f"{name} {url}: {response.status_code}"
            assert response["WWW-Authenticate"] == "Token"
            if response["Content-Type"] == "application/json":  # the Swagger page answers in HTML
                assert "过期" in response.json()["detail"]
        approve = client.post(
            "/api/v1/warnings/1/approve/", {"password": PASSWORD}, content_type="application/json", **auth(key)
        )
        assert approve.status_code == 401


def test_a_revoked_token_is_refused_everywhere(client, route_objects):  # noqa: F811
    token, key = api_token_issue(user=route_objects[Role.OFFICE])
    revoked = client.delete(f"/api/v1/auth/tokens/{token.pk}/", **auth(key))  # revoking the token in use
    assert revoked.status_code == 204
    for name, url in _authenticating_api_routes():
        response = client.get(url, **auth(key))
        assert response.status_code == 401, f"{name} {url}: {response.status_code}"
        if response["Content-Type"] == "application/json":
            assert "撤销" in response.json()["detail"]
    entry = AuditEntry.objects.get(action="auth.token.revoked")
    assert entry.actor == route_objects[Role.OFFICE] and entry.data["reason"] == "owner"


def test_an_unknown_token_and_an_inactive_users_token_are_refused(client, make_user):
    assert client.get("/api/v1/auth/me/", **auth("not-a-token")).status_code == 401
    user = make_user(Role.UNIT)
    _token, key = api_token_issue(user=user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/v1/auth/me/", **auth(key)).status_code == 401


def test_drf_authtoken_is_gone(db):
    from django.apps import apps
    from django.conf import settings

    assert not apps.is_installed("rest_framework.authtoken")
    assert "authtoken_token" not in connection.introspection.table_names()
    assert (
        settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"][0] == "accounts.authentication.ApiTokenAuthentication"
    )


# ----------------------------------------------------------------------------- revoke, list, last use


def test_the_owner_lists_and_revokes_by_api_and_nobody_else_can(client, make_user):
    owner, other = make_user(Role.UNIT), make_user(Role.UNIT)
    token, key = api_token_issue(user=owner, client="手机")
    _other_token, other_key = api_token_issue(user=other)
    listed = client.get("/api/v1/auth/tokens/", **auth(key)).json()
    assert [(t["client"], t["prefix"], t["live"], t["current"]) for t in listed] == [("手机", key[:8], True, True)]
    assert "token" not in listed[0] and "key_hash" not in listed[0]
    assert client.get(f"/api/v1/auth/tokens/{token.pk}/", **auth(other_key)).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}/", **auth(other_key)).status_code == 404
    assert client.get("/api/v1/auth/me/", **auth(key)).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}/", **auth(key)).status_code == 204
    assert client.get("/api/v1/auth/me/", **auth(key)).status_code == 401
    assert client.get("/api/v1/auth/me/", **auth(other_key)).status_code == 200


def test_the_owner_revokes_on_the_account_page(client, make_user):
    owner, other = make_user(Role.COUNTY), make_user(Role.COUNTY)
    token, key = api_token_issue(user=owner, client="值班电脑")
    foreign, _ = api_token_issue(user=other, client="别人的脚本")
    client.force_login(owner)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "值班电脑" in page and key[:8] in page and key not in page and "别人的脚本" not in page
    assert client.post(reverse("accounts:token-revoke", args=[foreign.pk])).status_code == 404
    response = client.post(reverse("accounts:token-revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == owner
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert "已撤销" in client.get(reverse("accounts:tokens")).content.decode()


def test_the_administrator_revokes_in_the_admin(client, make_user):
    admin = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    owner = make_user(Role.OFFICE)
    token, key = api_token_issue(user=owner)
    client.force_login(admin)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert token.prefix in listing and key not in listing
    response = client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == admin and token.revoke_reason == "admin"
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert AuditEntry.objects.filter(action="auth.token.revoked", actor=admin, data__reason="admin").exists()
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403  # issued only by the endpoint


def test_last_use_is_recorded_at_most_once_a_minute(client, make_user):
    token, key = api_token_issue(user=make_user(Role.UNIT))
    start = timezone.now()

    def token_writes():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/auth/me/", **auth(key)).status_code == 200
        return sum(1 for q in ctx.captured_queries if q["sql"].startswith('UPDATE "accounts_apitoken"'))

    with time_machine.travel(start + dt.timedelta(seconds=1), tick=False):
        assert token_writes() == 1
        assert token_writes() == 0
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        assert token_writes() == 1
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(seconds=90)


def test_the_new_routes_declare_their_rules():
    from accounts import views

    for view in (views.TokenListView, views.TokenDetailView, views.TokenPageView, views.TokenRevokeView):
        assert declared_access(view, "GET") is not None and declared_access(view, "DELETE") is not None


def test_api_token_hours_follows_the_session_limit_unless_set():
    from tests.test_settings import PRODUCTION, _setting

    assert _setting("API_TOKEN_HOURS", PRODUCTION) == "12"
    assert _setting("API_TOKEN_HOURS", {**PRODUCTION, "SESSION_ABSOLUTE_HOURS": "8"}) == "8"
    assert _setting("API_TOKEN_HOURS", {**PRODUCTION, "API_TOKEN_HOURS": "2"}) == "2"
