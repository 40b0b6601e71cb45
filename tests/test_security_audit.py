"""Every login, failed login and refused action is in the audit log, with who and from where."""

from __future__ import annotations

from accounts.roles import Role
from audit.models import AuditEntry

PASSWORD = "correct horse battery"


def test_login_failed_login_and_refusals_are_audited(client, make_user):
    user = make_user(Role.UNIT, username="unit-audit")
    client.post("/accounts/login/", {"username": "unit-audit", "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    failed = AuditEntry.objects.get(action="auth.login.failed", data__username="unit-audit")
    assert failed.ip_address == "10.9.8.7"

    client.post("/accounts/login/", {"username": "unit-audit", "password": PASSWORD})
    assert AuditEntry.objects.filter(actor=user, action="auth.login").exists()

    assert client.get("/audit/").status_code == 403  # a page refused by role
    assert client.post("/api/v1/warnings/", {}, content_type="application/json").status_code == 403  # an API write
    refused = AuditEntry.objects.filter(actor=user, action="auth.access.denied")
    assert {(e.data["path"], e.data["method"]) for e in refused} >= {("/audit/", "GET"), ("/api/v1/warnings/", "POST")}


def test_refused_token_call_is_audited(client, make_user):
    from accounts.services import api_token_issue

    user = make_user(Role.COUNTY)
    _token, key = api_token_issue(user=user)
    response = client.post("/api/v1/warnings/", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 403
    assert AuditEntry.objects.filter(actor=user, action="auth.access.denied", data__path="/api/v1/warnings/").exists()
