"""Consultation pages (会商): who may read them, who records the opinion of 附件4, and the
real-time consultation the office starts."""

from __future__ import annotations

import re

import pytest

from accounts.roles import Role
from audit.models import AuditEntry
from forecasts import services
from forecasts.models import Consultation, Evaluation
from forecasts.tests.test_services_evaluations import SAMPLES, store_file
from notifications.models import Notification

ROLES = [None, *Role.values]
READERS = {Role.OFFICE, Role.FORECASTER, Role.VICE_COMMANDER, Role.COMMANDER, Role.ADMIN, Role.SUPERVISOR}
WRITERS = {Role.OFFICE, Role.FORECASTER}

ANNEX = {
    "conclusion": "预计 2 月 3 日 12 时起连续 48 小时 AQI 超过 150，达到黄色预警条件，建议发布黄色预警。",
    "concluded_level": "yellow",
    "reporter": "李预报",
    "reported_on": "2025-02-02",
    "reviewer": "王审定",
    "reviewed_on": "2025-02-02",
    "expert_opinion": "同意会商结论。",
    "expert_on": "2025-02-02",
}


@pytest.fixture
def consultation(plan, django_capture_on_commit_callbacks) -> Consultation:
    source = store_file(SAMPLES / "hourly-aqi.csv")
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = services.evaluation_run(trigger=Evaluation.Trigger.IMPORT, source_import=source)
    return Consultation.objects.get(evaluation=evaluation)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --------------------------------------------------------------------------- who may open what


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
def test_consultation_pages_for_participants_and_supervisors(role, client, make_user, consultation):
    if role is not None:
        client.force_login(make_user(role))
    urls = ["/forecasts/consultations/", f"/forecasts/consultations/{consultation.pk}/"]
    for url in urls:
        response = client.get(url)
        if role is None:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        elif role in READERS:
            assert response.status_code == 200, url
        else:
            assert response.status_code == 403, url


@pytest.mark.parametrize("role", sorted(READERS), ids=str)
def test_only_office_and_forecasters_see_the_annex_form(role, client, make_user, consultation):
    client.force_login(make_user(role))
    html = client.get(f"/forecasts/consultations/{consultation.pk}/").content.decode()
    assert ('name="conclusion"' in html) is (role in WRITERS)
    # The attached evaluation and the way to its chart.
    assert "黄色预警" in html and "副总指挥" in html
    assert f'href="/forecasts/evaluations/{consultation.evaluation_id}/"' in html
    assert 'href="/forecasts/?area=140300&amp;start=2025-01-29"' in html


def test_the_form_defaults_to_the_evaluations_level(client, make_user, consultation):
    client.force_login(make_user(Role.FORECASTER, first_name="预报", last_name="李"))
    html = client.get(f"/forecasts/consultations/{consultation.pk}/").content.decode()
    assert re.search(r'<option value="yellow" selected>', html)
    assert 'name="reporter"' in html


@pytest.mark.parametrize(
    "role", [Role.UNIT, Role.COUNTY, Role.SUPERVISOR, Role.VICE_COMMANDER, Role.COMMANDER, Role.ADMIN]
)
def test_others_cannot_post_the_conclusion(role, client, make_user, consultation):
    client.force_login(make_user(role))
    response = client.post(f"/forecasts/consultations/{consultation.pk}/", ANNEX)
    assert response.status_code == 403
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


def test_anonymous_post_goes_to_login(client, consultation):
    response = client.post(f"/forecasts/consultations/{consultation.pk}/", ANNEX)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --------------------------------------------------------------------------- recording 附件4


def test_forecaster_records_the_annex_and_it_becomes_read_only(client, make_user, consultation):
    forecaster = make_user(Role.FORECASTER)
    client.force_login(forecaster)
    response = client.post(f"/forecasts/consultations/{consultation.pk}/", ANNEX, follow=True)
    assert response.status_code == 200
    assert "会商意见已记录。" in messages_of(response)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CONCLUDED
    assert consultation.conclusion == ANNEX["conclusion"]
    assert (consultation.concluded_level, consultation.reporter, consultation.reviewer) == (
        "yellow",
        "李预报",
        "王审定",
    )
    assert consultation.expert_opinion == "同意会商结论。"
    assert str(consultation.reported_on) == str(consultation.reviewed_on) == str(consultation.expert_on) == "2025-02-02"
    assert consultation.concluded_by == forecaster
    assert AuditEntry.objects.filter(
        action="forecasts.consultation.concluded", target_id=str(consultation.pk), actor=forecaster
    ).exists()

    html = response.content.decode()
    assert 'name="conclusion"' not in html
    assert "阳泉市环境气象预报及会商意见表" in html and "会 商 结 论" in html
    assert "2025 年 2 月 2 日" in html and "李预报" in html and "王审定" in html
    assert 'class="card printable"' in html


def test_a_second_conclusion_is_refused_in_chinese(client, make_user, consultation):
    client.force_login(make_user(Role.OFFICE))
    client.post(f"/forecasts/consultations/{consultation.pk}/", ANNEX)
    response = client.post(
        f"/forecasts/consultations/{consultation.pk}/",
        {**ANNEX, "conclusion": "改为不发布", "concluded_level": "none"},
        follow=True,
    )
    assert "该会商已形成意见，不能再修改。" in messages_of(response)
    consultation.refresh_from_db()
    assert (consultation.conclusion, consultation.concluded_level) == (ANNEX["conclusion"], "yellow")
    assert AuditEntry.objects.filter(action="forecasts.consultation.concluded").count() == 1


def test_form_errors_are_shown_in_chinese(client, make_user, consultation):
    client.force_login(make_user(Role.OFFICE))
    response = client.post(
        f"/forecasts/consultations/{consultation.pk}/",
        {
            "conclusion": "",
            "concluded_level": "purple",
            "reporter": "",
            "reported_on": "2025-13-40",
            "reviewed_on": "2025-02-02",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "请填写会商结论。",
        "无效的预警级别。",
        "请填写报告人。",
        "请输入有效的日期（年-月-日）。",
        "填写了审定日期，请同时填写审定人。",
    ):
        assert message in html
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN


# --------------------------------------------------------------------------- list and real-time


def test_list_shows_open_consultations_before_concluded_ones(client, make_user, consultation):
    office = make_user(Role.OFFICE)
    services.consultation_conclude(
        consultation_id=consultation.pk,
        actor=office,
        conclusion="已会商",
        concluded_level="yellow",
        reporter="李预报",
        reported_on=consultation.opened_at.date(),
    )
    later = services.consultation_open_realtime(actor=office)
    client.force_login(make_user(Role.COMMANDER))
    html = client.get("/forecasts/consultations/").content.decode()
    open_part, concluded_part = html.split("已形成意见</h2>")
    assert f"/forecasts/consultations/{later.pk}/" in open_part
    assert f"/forecasts/consultations/{consultation.pk}/" in concluded_part
    assert "发起实时会商" not in html  # the commander does not start one


def test_office_starts_a_realtime_consultation(
    client, make_user, consultation, eager, django_capture_on_commit_callbacks
):
    office = make_user(Role.OFFICE)
    forecaster = make_user(Role.FORECASTER)
    client.force_login(office)
    listing = client.get("/forecasts/consultations/").content.decode()
    assert 'action="/forecasts/consultations/realtime/"' in listing
    assert "确认发起" in client.get("/forecasts/consultations/realtime/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/forecasts/consultations/realtime/")
    realtime = Consultation.objects.get(kind=Consultation.Kind.REALTIME)
    assert response.status_code == 302 and response["Location"] == f"/forecasts/consultations/{realtime.pk}/"
    assert realtime.evaluation == consultation.evaluation
    assert Notification.objects.filter(kind="forecasts.consultation.realtime", recipient=forecaster).exists()

    again = client.post("/forecasts/consultations/realtime/", follow=True)
    assert any("已有进行中的实时会商" in m for m in messages_of(again))
    assert Consultation.objects.filter(kind=Consultation.Kind.REALTIME).count() == 1


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.OFFICE])
def test_only_the_office_starts_a_realtime_consultation(role, client, make_user, plan):
    client.force_login(make_user(role))
    assert client.post("/forecasts/consultations/realtime/").status_code == 403
    assert client.get("/forecasts/consultations/realtime/").status_code == 403
    assert not Consultation.objects.exists()


def test_unknown_consultation_is_404(client, make_user, plan):
    client.force_login(make_user(Role.OFFICE))
    assert client.get("/forecasts/consultations/999999/").status_code == 404
