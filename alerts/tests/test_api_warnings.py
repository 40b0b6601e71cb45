"""The warnings API of interfaces.md §4, end to end through the lifecycle services."""

from __future__ import annotations

import pytest

from accounts.services import api_token_issue
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from core.models import OutboxEvent

PASSWORD = "correct horse battery"
#: Every signing call carries the signer's password (accounts/reauth.py), token or not.
SIGN = {"password": PASSWORD}
#: What the warning says (warning-rules.md §11): required to submit.
CONTENT = {
    "weather_trend": "静稳天气持续，扩散条件差",
    "pollution_start": "2026-12-01T00:00:00+08:00",
    "pollution_end": "2026-12-03T23:00:00+08:00",
    "aqi_low": 150,
    "aqi_high": 240,
    "degree": "轻度至重度污染",
    "primary_pollutant": "PM10",
    "affected_areas": ["140300", "140321"],
}
LIFT_CONTENT = {"weather_trend": "冷空气过境，扩散条件转好"}


@pytest.fixture
def api(client):
    tokens: dict[int, str] = {}

    def call(user, method, path, data=None):
        headers = {}
        if user is not None:
            if user.pk not in tokens:
                tokens[user.pk] = api_token_issue(user=user)[1]
            headers["HTTP_AUTHORIZATION"] = f"Token {tokens[user.pk]}"
        fn = getattr(client, method)
        return (
            fn(path, data or {}, content_type="application/json", **headers)
            if method == "post"
            else fn(path, **headers)
        )

    return call


@pytest.fixture
def people_cast():
    return ("office", "vice", "commander", "unit", "forecaster")


def issue(api, people, level="orange", **extra):
    body = {
        "action": "issue",
        "level": level,
        "basis": "会商认为达到预警条件",
        "content": "启动应急响应",
        "start": "2026-12-01T00:00:00+08:00",
        "end": "2026-12-04T00:00:00+08:00",
        **CONTENT,
        **extra,
    }
    return api(people["office"], "post", "/api/v1/warnings/", body)


def test_office_files_orange_and_it_routes_to_the_vice_commander(api, people):
    response = issue(api, people)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "pending" and data["approver_role"] == "vice_commander"
    assert data["forms"][0]["status"] == "submitted" and data["forms"][0]["level"] == "orange"
    assert [step["what"] for step in data["timeline"]] == ["起草发布审批表", "提交审批"]
    assert OutboxEvent.objects.filter(topic="alerts.form.submitted").count() == 1


def test_red_routes_to_the_commander_and_the_vice_commander_cannot_sign(api, people):
    warning_id = issue(api, people, level="red").json()["id"]
    refused = api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    assert refused.status_code == 403
    assert "总指挥" in refused.json()["detail"]
    assert Warning.objects.get(pk=warning_id).status == "pending"
    signed = api(
        people["commander"], "post", f"/api/v1/warnings/{warning_id}/approve/", {"comment": "同意发布", **SIGN}
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["status"] == "active" and signed.json()["level"] == "red"
    assert signed.json()["response_level"] == "I"


def test_approval_publishes_and_is_audited(api, people):
    warning_id = issue(api, people).json()["id"]
    response = api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    assert response.status_code == 200
    warning = Warning.objects.get(pk=warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("active", "orange", "II")
    assert OutboxEvent.objects.filter(topic="alerts.warning.publish").count() == 1
    approved = AuditEntry.objects.get(action="alerts.form.approved")
    assert approved.actor == people["vice"] and approved.before["status"] == "submitted"
    assert AuditEntry.objects.filter(action="alerts.warning.issue", target_id=str(warning_id)).exists()
    # Approving again: nothing left to sign.
    again = api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    assert again.status_code == 409


def test_reject_needs_a_comment_and_sends_back(api, people):
    warning_id = issue(api, people, level="yellow").json()["id"]
    assert api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/reject/").status_code == 400
    response = api(
        people["vice"],
        "post",
        f"/api/v1/warnings/{warning_id}/reject/",
        {"comment": "依据不足，请补充会商意见", **SIGN},
    )
    assert response.status_code == 200
    form = ApprovalForm.objects.get(warning_id=warning_id)
    assert form.status == "rejected" and form.decision_comment == "依据不足，请补充会商意见"
    assert Warning.objects.get(pk=warning_id).status == "pending"


def test_only_the_office_files_and_only_leaders_sign(api, people):
    body = {"action": "issue", "level": "yellow", "basis": "x", "start": "2026-12-01T00:00:00+08:00"}
    for who in ("unit", "forecaster", "vice"):
        response = api(people[who], "post", "/api/v1/warnings/", body)
        assert response.status_code == 403 and response.json()["detail"]
    warning_id = issue(api, people, level="yellow").json()["id"]
    for who in ("office", "unit", "forecaster"):
        response = api(people[who], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
        assert response.status_code == 403
    assert api(None, "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN).status_code in (401, 403)


def test_bad_requests_say_where_and_what(api, people):
    response = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "issue", "basis": "x", "start": "2026-12-01T00:00:00+08:00"},
    )
    assert response.status_code == 400
    assert "level" in response.json()["errors"]
    response = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "upgrade", "level": "red", "basis": "x", "start": "2026-12-01T00:00:00+08:00"},
    )
    assert response.status_code == 400 and "发布" in response.json()["detail"]
    assert Warning.objects.count() == 0


def test_upgrade_downgrade_and_lift_follow_the_routing_rule(api, people):
    warning_id = issue(api, people, level="yellow").json()["id"]
    api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    up = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "upgrade", "level": "red", "basis": "加重", "start": "2026-12-02T00:00:00+08:00", **CONTENT},
    )
    assert up.status_code == 201 and up.json()["approver_role"] == "commander"
    assert api(people["commander"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN).status_code == 200
    down = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "downgrade", "level": "orange", "basis": "好转", "start": "2026-12-03T00:00:00+08:00", **CONTENT},
    )
    assert down.json()["approver_role"] == "commander"  # downgrade from red involves red
    api(people["commander"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    lift = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "lift", "basis": "优良持续36小时", "start": "2026-12-04T00:00:00+08:00", **LIFT_CONTENT},
    )
    assert lift.json()["approver_role"] == "vice_commander"
    api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    warning = Warning.objects.get(pk=warning_id)
    assert warning.status == "lifted" and warning.level == "none"


def test_public_endpoint_needs_no_login(api, people, client):
    assert client.get("/api/v1/public/warning/").json()["level"] == "none"
    warning_id = issue(api, people, level="orange").json()["id"]
    api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    from publication.services import publish_form

    publish_form({"form_id": ApprovalForm.objects.get(warning_id=warning_id).pk})  # the outbox handler
    data = client.get("/api/v1/public/warning/").json()
    assert data["level"] == "orange" and data["response_level"] == "II"


def test_submit_without_what_the_warning_says_is_refused_with_the_missing_fields(api, people):
    body = {
        "action": "issue",
        "level": "orange",
        "basis": "会商认为达到预警条件",
        "start": "2026-12-01T00:00:00+08:00",
        **CONTENT,
    }
    del body["primary_pollutant"], body["weather_trend"]
    response = api(people["office"], "post", "/api/v1/warnings/", body)
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] == "提交前请填写：气象条件变化趋势、首要污染物"
    assert data["missing"] == ["weather_trend", "primary_pollutant"]
    assert Warning.objects.count() == 0 and ApprovalForm.objects.count() == 0  # the refused submit left no draft


def test_a_draft_may_leave_the_fields_blank_and_says_them_once_filled(api, people):
    draft = api(
        people["office"],
        "post",
        "/api/v1/warnings/",
        {"action": "issue", "level": "orange", "basis": "依据", "start": "2026-12-01T00:00:00+08:00", "submit": False},
    )
    assert draft.status_code == 201
    assert draft.json()["forms"][0]["status"] == "draft" and draft.json()["forms"][0]["primary_pollutant"] == ""
    from alerts.services import form_withdraw

    form_withdraw(actor=people["office"], form_id=draft.json()["forms"][0]["id"])  # one issue form at a time
    filed = issue(api, people, level="orange")
    assert filed.status_code == 201, filed.json()
    form = filed.json()["forms"][0]
    assert form["status"] == "submitted"
    assert (form["aqi_low"], form["aqi_high"], form["aqi_range"]) == (150, 240, "150～240")
    assert form["primary_pollutant"] == "PM10" and form["degree"] == "轻度至重度污染"
    assert form["affected_areas"] == ["140300", "140321"]
    assert form["weather_trend"] == "静稳天气持续，扩散条件差"
    assert form["pollution_start"].startswith("2026-12-01T00:00:00")
    assert filed.json()["primary_pollutant"] == "PM10" and filed.json()["aqi_range"] == "150～240"


def test_unknown_area_codes_and_an_inverted_range_are_refused(api, people):
    response = issue(api, people, affected_areas=["140300", "999999"])
    assert response.status_code == 400 and "999999" in response.json()["detail"]
    response = issue(api, people, aqi_low=250, aqi_high=240)
    assert response.status_code == 400 and "aqi_high" in response.json()["errors"]
    assert Warning.objects.count() == 0


def test_effective_on_publication_needs_no_start_and_takes_the_signing_time(api, people):
    body = {"action": "issue", "level": "yellow", "basis": "依据", "effective_on_publication": True, **CONTENT}
    response = api(people["office"], "post", "/api/v1/warnings/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["forms"][0]["effective_on_publication"] is True
    warning_id = response.json()["id"]
    approved = api(people["vice"], "post", f"/api/v1/warnings/{warning_id}/approve/", SIGN)
    form = approved.json()["forms"][0]
    assert form["status"] == "approved" and form["effective_at"] == form["decided_at"]
    refused = api(people["office"], "post", "/api/v1/warnings/", {"action": "issue", "level": "yellow", "basis": "x"})
    assert refused.status_code == 400 and "start" in refused.json()["errors"]
