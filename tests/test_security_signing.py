"""Signing needs the signer, every time (accounts/reauth.py): on the API, approve and reject — and so
every later signing transition, upgrade, downgrade and lift being forms signed by the same approve
call — carry the signer's password, and where the second factor is required a fresh TOTP code, in
the request body, whatever authenticated the call (an API token or a browser session). A missing
or wrong one is 403 with a Chinese `detail`, counted by the login lockout (django-axes) or the
code's failure counter (django-otp), and audited. The pages sign through the same service.

The attack of issue 15: with a vice-commander's API token, POST /api/v1/warnings/<id>/approve/
with an empty body published a city-wide orange warning."""

from __future__ import annotations

import base64
import time

import pyotp
import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.reauth import Reauthenticated
from accounts.roles import Role
from accounts.services import api_token_issue
from alerts import services
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from core.models import OutboxEvent
from tests.factories import warning_content

PASSWORD = "correct horse battery"


def submitted(people, *, action="issue", level="orange") -> ApprovalForm:
    form = services.form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="会商认为达到预警条件",
        content="启动应急响应",
        effective_at=timezone.now(),
        **warning_content(action),
    )
    return services.form_submit(actor=people["office"], form_id=form.pk)


def token_of(user) -> str:
    return api_token_issue(user=user, client="tests")[1]


def post(client, path, body=None, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return client.post(path, body or {}, content_type="application/json", **headers)


def approve_url(form) -> str:
    return f"/api/v1/warnings/{form.warning_id}/approve/"


def reject_url(form) -> str:
    return f"/api/v1/warnings/{form.warning_id}/reject/"


def failures(username) -> int:
    return sum(AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True))


def nothing_published(form) -> bool:
    form.refresh_from_db()
    return (
        form.status == ApprovalForm.Status.SUBMITTED
        and Warning.objects.get(pk=form.warning_id).status == "pending"
        and not OutboxEvent.objects.filter(topic="alerts.warning.publish").exists()
        and not OutboxEvent.objects.filter(topic="response.orders").exists()
    )


# ----------------------------------------------------------------------------- the password, on the API


def test_vice_commander_token_with_an_empty_body_does_not_publish(client, people):
    form = submitted(people, level="orange")
    response = post(client, approve_url(form), token=token_of(people["vice"]))
    assert response.status_code == 403
    assert response.json()["code"] == "auth.reauth.password_required" and "密码" in response.json()["detail"]
    assert nothing_published(form)
    refused = AuditEntry.objects.get(action="auth.reauth.failed")
    assert refused.actor == people["vice"] and refused.target_id == str(form.pk)
    assert refused.data == {
        "purpose": "alerts.form.approve",
        "reason": "password_required",
        "channel": "api",
        "ended": False,
    }
    assert failures(people["vice"].username) == 1  # counted by the login lockout


def test_a_wrong_password_is_refused_counted_and_audited(client, people):
    form = submitted(people)
    response = post(client, approve_url(form), {"password": "not-it"}, token=token_of(people["vice"]))
    assert response.status_code == 403 and response.json()["code"] == "auth.reauth.password_invalid"
    assert "密码不正确" in response.json()["detail"]
    assert nothing_published(form)
    assert failures(people["vice"].username) == 1
    assert AuditEntry.objects.filter(action="auth.reauth.failed", data__reason="password_invalid").count() == 1
    assert AuditEntry.objects.filter(action="auth.login.failed", data__username=people["vice"].username).exists()


def test_the_right_password_signs_and_the_audit_says_how(client, people):
    form = submitted(people)
    response = post(
        client, approve_url(form), {"password": PASSWORD, "comment": "同意"}, token=token_of(people["vice"])
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    approved = AuditEntry.objects.get(action="alerts.form.approved")
    assert approved.actor == people["vice"] and approved.data["reauthenticated"] == ["password"]


def test_a_session_on_the_api_needs_the_password_too(client, people):
    form = submitted(people)
    client.force_login(people["vice"])
    assert post(client, approve_url(form)).status_code == 403
    assert nothing_published(form)
    assert post(client, approve_url(form), {"password": PASSWORD}).status_code == 200


def test_reject_needs_the_password(client, people):
    form = submitted(people)
    token = token_of(people["vice"])
    refused = post(client, reject_url(form), {"comment": "依据不足"}, token=token)
    assert refused.status_code == 403 and refused.json()["code"] == "auth.reauth.password_required"
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED
    assert AuditEntry.objects.filter(action="auth.reauth.failed", data__purpose="alerts.form.reject").exists()
    sent_back = post(client, reject_url(form), {"comment": "依据不足", "password": PASSWORD}, token=token)
    assert sent_back.status_code == 200
    assert AuditEntry.objects.get(action="alerts.form.rejected").data["reauthenticated"] == ["password"]


@pytest.mark.parametrize("action,level", [("upgrade", "red"), ("downgrade", "yellow"), ("lift", None)])
def test_every_later_transition_needs_the_password(client, people, action, level):
    issued = submitted(people, level="orange")
    services.form_approve(actor=people["vice"], form_id=issued.pk, password=PASSWORD)
    OutboxEvent.objects.all().delete()
    form = submitted(people, action=action, level=level)
    signer = people["commander"] if form.approver_role == Role.COMMANDER else people["vice"]
    token = token_of(signer)
    assert post(client, approve_url(form), token=token).status_code == 403
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.SUBMITTED
    assert not OutboxEvent.objects.filter(topic="alerts.warning.publish").exists()
    assert Warning.objects.get(pk=form.warning_id).level == "orange"
    assert post(client, approve_url(form), {"password": PASSWORD}, token=token).status_code == 200


def test_repeated_wrong_passwords_lock_signing_and_login(client, people, settings):
    form = submitted(people)
    token = token_of(people["vice"])
    for _ in range(settings.AXES_FAILURE_LIMIT):
        last = post(client, approve_url(form), {"password": "not-it"}, token=token)
    assert last.status_code == 403 and last.json()["code"] == "auth.reauth.locked" and "锁定" in last.json()["detail"]
    # Locked: the right password neither signs nor logs in.
    still = post(client, approve_url(form), {"password": PASSWORD}, token=token)
    assert still.status_code == 403 and still.json()["code"] == "auth.reauth.locked"
    assert nothing_published(form)
    login = client.post("/accounts/login/", {"username": people["vice"].username, "password": PASSWORD})
    assert login.status_code in (403, 429)


def test_the_service_refuses_a_proof_of_someone_else(people):
    form = submitted(people)
    proof = Reauthenticated(user_id=people["commander"].pk, factors=("password",), at=timezone.now())
    with pytest.raises(services.NotYourDecisionError):
        services.form_approve(actor=people["vice"], form_id=form.pk, reauth=proof)
    assert nothing_published(form)


# ----------------------------------------------------------------------------- the code, where required


START = time.time()


@pytest.fixture
def two_factor(settings):
    global START
    START = time.time()
    settings.TWO_FACTOR_REQUIRED = True
    return settings


def later(seconds, tick=True):
    return time_machine.travel(START + seconds, tick=tick)


def device_of(user) -> pyotp.TOTP:
    device = TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def wrong(totp) -> str:
    return "000000" if totp.now() != "000000" else "111111"


def test_where_two_factor_is_required_the_api_also_needs_a_fresh_code(client, people, two_factor):
    totp = device_of(people["vice"])
    form = submitted(people)
    token = token_of(people["vice"])
    missing = post(client, approve_url(form), {"password": PASSWORD}, token=token)
    assert (
        missing.status_code == 403
        and missing.json()["code"] == "auth.reauth.otp_required"
        and "动态口令" in missing.json()["detail"]
    )
    with later(5):  # past the throttle of the failure above
        bad = post(client, approve_url(form), {"password": PASSWORD, "otp": wrong(totp)}, token=token)
    assert bad.status_code == 403 and bad.json()["code"] == "auth.reauth.otp_invalid"
    assert nothing_published(form)
    assert TOTPDevice.objects.get(user=people["vice"]).throttling_failure_count == 2  # the code page's counter
    with later(40):
        ok = post(client, approve_url(form), {"password": PASSWORD, "otp": totp.now()}, token=token)
        assert ok.status_code == 200, ok.json()
        assert AuditEntry.objects.get(action="alerts.form.approved").data["reauthenticated"] == ["password", "otp"]
        # The same code does not sign a second time (the lift's form, in the same time step).
        lift = submitted(people, action="lift", level=None)
        again = post(client, approve_url(lift), {"password": PASSWORD, "otp": totp.now()}, token=token)
    assert again.status_code == 403 and again.json()["code"] == "auth.reauth.otp_invalid"
    with later(100):
        assert (
            post(client, approve_url(lift), {"password": PASSWORD, "otp": totp.now()}, token=token).status_code == 200
        )


def test_a_session_needs_the_code_too(client, people, two_factor):
    import django_otp

    totp = device_of(people["vice"])
    form = submitted(people)
    client.post("/accounts/login/", {"username": people["vice"].username, "password": PASSWORD})
    with later(30):
        client.post("/accounts/otp/", {"code": totp.now()})  # a verified session
    assert django_otp.DEVICE_ID_SESSION_KEY in client.session
    with later(60):
        refused = post(client, approve_url(form), {"password": PASSWORD})
        assert refused.status_code == 403 and refused.json()["code"] == "auth.reauth.otp_required"
    with later(90):
        assert post(client, approve_url(form), {"password": PASSWORD, "otp": totp.now()}).status_code == 200


def test_too_many_wrong_codes_revoke_the_token(client, people, two_factor):
    totp = device_of(people["vice"])
    form = submitted(people)
    token = token_of(people["vice"])
    offset = 0
    for _ in range(two_factor.OTP_FAILURE_LIMIT):
        offset += 40  # wait out each throttle delay
        with later(offset, tick=False):
            last = post(client, approve_url(form), {"password": PASSWORD, "otp": wrong(totp)}, token=token)
    assert last.status_code == 403 and last.json()["code"] == "auth.reauth.otp_locked"
    assert ApiToken.objects.get(user=people["vice"]).revoke_reason == "otp_locked"
    assert AuditEntry.objects.filter(action="auth.token.revoked", data__reason="otp_locked").exists()
    with later(offset + 40):
        gone = post(client, approve_url(form), {"password": PASSWORD, "otp": totp.now()}, token=token)
    assert gone.status_code == 401
    assert nothing_published(form)


def test_without_an_enrolled_device_nothing_is_signed(client, people, two_factor):
    form = submitted(people)
    response = post(client, approve_url(form), {"password": PASSWORD, "otp": "123456"}, token=token_of(people["vice"]))
    assert response.status_code == 403 and response.json()["code"] == "auth.reauth.otp_not_enrolled"
    assert nothing_published(form)


# ----------------------------------------------------------------------------- the pages, same service


def test_the_page_counts_a_wrong_password(client, people):
    form = submitted(people)
    client.force_login(people["vice"])
    client.post(reverse("alerts:form-approve", args=[form.pk]), {"password": "not-it"})
    assert nothing_published(form)
    assert failures(people["vice"].username) == 1
    assert AuditEntry.objects.filter(action="auth.reauth.failed", data__channel="web").exists()
    response = client.post(reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.APPROVED


def test_the_page_asks_for_the_code_where_required(client, people, two_factor):
    totp = device_of(people["vice"])
    form = submitted(people)
    client.post("/accounts/login/", {"username": people["vice"].username, "password": PASSWORD})
    with later(30):
        client.post("/accounts/otp/", {"code": totp.now()})
    with later(60):
        page = client.get(reverse("alerts:form", args=[form.pk])).content.decode()
        assert 'name="otp"' in page and "动态口令（确认签发）" in page
        client.post(reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD})
        assert nothing_published(form)
    with later(90):
        client.post(reverse("alerts:form-approve", args=[form.pk]), {"password": PASSWORD, "otp": totp.now()})
    form.refresh_from_db()
    assert form.status == ApprovalForm.Status.APPROVED


def test_the_page_shows_no_code_field_where_not_required(client, people):
    form = submitted(people)
    client.force_login(people["vice"])
    page = client.get(reverse("alerts:form", args=[form.pk])).content.decode()
    assert 'name="password"' in page and 'name="otp"' not in page
