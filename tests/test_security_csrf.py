"""CSRF on every form: every route of the URL configuration (tests/test_role_matrix.py) refuses a
POST without the CSRF token from a logged-in browser session of a role allowed to write there.

Exempt by design: API calls authenticated by token (no cookie, no CSRF risk), anonymous API calls
(no session to ride on), and the SMS gateway's receipt callback (bearer token, no session)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.permissions import declared_access
from accounts.roles import PUBLIC, Role
from audit.models import AuditEntry
from tests.test_role_matrix import EXAMPLES, ROUTES, _view_class, route_objects  # noqa: F401 - fixture

CSRF_EXEMPT = {"notifications:sms-receipt": "SMS gateway callback, authenticated by a bearer token, never by a cookie"}


def _writer(access):
    """A role allowed to POST there (the office when anybody may)."""
    if access is PUBLIC:
        return Role.OFFICE
    return Role.OFFICE if Role.OFFICE in access else sorted(access)[0]


@pytest.mark.parametrize("route", [name for name, _ in ROUTES])
def test_post_without_csrf_token_is_refused(route, make_user, route_objects):  # noqa: F811
    pattern = dict(ROUTES)[route]
    if route in CSRF_EXEMPT:
        pytest.skip(CSRF_EXEMPT[route])
    view = _view_class(pattern)
    if getattr(view, "authentication_classes", None) == []:
        pytest.skip("an API view that authenticates nobody: no session for a forged request to ride on")
    access = declared_access(_view_class(pattern), "POST")
    url = reverse(route, kwargs=EXAMPLES.get(route))
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(_writer(access)))
    before = AuditEntry.objects.exclude(action__startswith="auth.").count()
    data = {"username": "x", "password": "y", "code": "123456", "language": "en"}
    response = client.post(url, data)
    assert response.status_code == 403, f"{url}: POST 无 CSRF 令牌应被拒绝，得到 {response.status_code}"
    assert AuditEntry.objects.exclude(action__startswith="auth.").count() == before  # nothing happened
    if b"CSRF" not in response.content:
        # An HTML-rendered API refusal does not name CSRF: the same POST with the token must pass it.
        client.get("/")
        control = client.post(url, data, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        assert control.status_code != 403, f"{url}: 403 不是 CSRF 拒绝"


@pytest.mark.parametrize(
    "route",
    sorted(
        name
        for name, _ in ROUTES
        if declared_access(_view_class(_), "POST") is PUBLIC and not name.startswith("api-") and name not in CSRF_EXEMPT
    ),
)
def test_public_forms_refuse_anonymous_post_without_token(route, db, route_objects):  # noqa: F811
    url = reverse(route, kwargs=EXAMPLES.get(route))
    response = Client(enforce_csrf_checks=True).post(url, {"username": "x", "password": "y"})
    assert response.status_code == 403 and b"CSRF" in response.content, url


def test_the_same_post_with_the_token_gets_through(make_user):
    """The control: the refusals above are CSRF's, not something else's."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.OFFICE))
    client.get("/")
    token = client.cookies["csrftoken"].value
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 302
    api = client.post("/api/v1/warnings/", {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert api.status_code == 400  # past CSRF and the role check, refused on the (empty) data


def test_token_authenticated_api_call_needs_no_csrf(make_user):
    from accounts.services import api_token_issue

    user = make_user(Role.OFFICE)
    _token, key = api_token_issue(user=user)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/warnings/", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400


def test_admin_login_refuses_post_without_token(db):
    response = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
