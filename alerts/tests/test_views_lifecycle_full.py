"""The whole lifecycle in the browser (Django test client, CSRF enforced like a browser): a forecast
file calling for orange is imported → evaluated → the consultation it opens is concluded by the
forecaster on its page → the approval form drafted from the evaluation appears for the office →
the office edits the public text and submits → the vice-commander signs on the form page with
their password → the public page shows orange → the office files an upgrade to red → the
commander signs → the office files the lift → the commander signs → the public page shows no
warning and this year's list holds it. Celery is eager and on-commit callbacks run, so every
side effect (evaluation, auto-draft, outbox: publication and orders) happens as in production."""

from __future__ import annotations

import datetime as dt
import time

import pandas as pd
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from forecasts.imports import forecast_import
from forecasts.models import Consultation, Evaluation

PASSWORD = "correct horse battery"  # tests/factories.py


@pytest.fixture(autouse=True)
def eager_and_private(eager, settings):
    """Eager Celery (the root's ``eager``) and a cache of this test's own (the page and the
    publication payload are cached; a shared Redis must not leak another run's warning in)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"lifecycle-{time.monotonic_ns()}",
        }
    }
    settings.SMS_BACKEND = "console"


def orange_forecast() -> bytes:
    """72 forecast hours of the city from the next hour on, AQI 240 (> 200 for 48 h and more, never
    above 300): warning-rules.md §4 gives orange (Ⅱ级)."""
    first = pd.Timestamp(timezone.localtime()).floor("h") + pd.Timedelta(hours=1)
    lines = ["area,time,aqi,kind"]
    lines += [f"140300,{first + pd.Timedelta(hours=i):%Y-%m-%d %H:%M},240,forecast" for i in range(72)]
    return ("\n".join(lines) + "\n").encode()


def browser(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def submit(client: Client, page: str, url: str, data: dict | None = None, *, capture=None):
    """Open ``page`` (it must render), then POST to ``url`` with the CSRF token the page set, as a
    browser does; with ``capture``, the on-commit callbacks (outbox → eager Celery) run."""
    shown = client.get(page)
    assert shown.status_code == 200, (page, shown.status_code)
    payload = {**(data or {}), "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    if capture is None:
        response = client.post(url, payload)
    else:
        with capture(execute=True):
            response = client.post(url, payload)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def messages_after(client: Client, response) -> str:
    return client.get(response["Location"]).content.decode()


def local_input(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


def evaluation_start(evaluation) -> dt.datetime:
    """The start of the evaluation's first process (the pollution start a draft takes)."""
    return pd.Timestamp(evaluation.result["processes"][0]["start"]).to_pydatetime()


def public_page() -> str:
    response = browser().get("/public/")
    assert response.status_code == 200
    return response.content.decode()


def test_forecast_to_orange_to_red_to_lifted_entirely_in_the_browser(make_user, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    office_user = make_user(Role.OFFICE, last_name="王", first_name="办公室")
    forecaster_user = make_user(Role.FORECASTER, last_name="李", first_name="预报员")
    vice_user, commander_user = make_user(Role.VICE_COMMANDER), make_user(Role.COMMANDER)
    make_user(Role.UNIT)
    office, forecaster = browser(office_user), browser(forecaster_user)
    vice, commander = browser(vice_user), browser(commander_user)
    assert "当前无重污染天气预警" in public_page()

    # 1. The forecast file is imported; after commit it is evaluated, a consultation is opened and
    #    the approval form is drafted from the evaluation (Celery, eager here).
    with capture(execute=True):
        outcome = forecast_import(data=orange_forecast(), name="orange-72h.csv", channel="page", actor=office_user)
    assert not outcome.duplicate and outcome.stored_count == 72
    evaluation = Evaluation.objects.get(source_import=outcome.import_)
    assert (evaluation.level, evaluation.recommendation, evaluation.approver) == ("orange", "issue", "vice_commander")
    consultation = Consultation.objects.get(evaluation=evaluation)
    assert consultation.status == Consultation.Status.OPEN
    auto = ApprovalForm.objects.get(evaluation=evaluation)
    assert (auto.auto_drafted, auto.status, auto.action, auto.level, auto.consultation) == (
        True,
        "draft",
        "issue",
        "orange",
        consultation,
    )

    # 2. The forecaster concludes the consultation on its page (附件4).
    page = reverse("forecasts:consultation", args=[consultation.pk])
    concluded = submit(
        forecaster,
        page,
        page,
        {
            "conclusion": "未来 72 小时受静稳天气影响，AQI 持续大于 200，建议发布橙色预警。",
            "concluded_level": "orange",
            "reporter": "李预报员",
            "reported_on": timezone.localdate().isoformat(),
        },
    )
    assert "会商意见已记录。" in messages_after(forecaster, concluded)
    consultation.refresh_from_db()
    assert (consultation.status, consultation.concluded_level, consultation.concluded_by) == (
        "concluded",
        "orange",
        forecaster_user,
    )

    # 3. The auto-drafted form is there for the office: in the warnings list, and on its page.
    listing = office.get(reverse("alerts:list")).content.decode()
    assert auto.warning.number in listing and reverse("alerts:form", args=[auto.pk]) in listing
    form_page = office.get(reverse("alerts:form", args=[auto.pk])).content.decode()
    assert "阳泉市重污染天气预警信息发布（解除）审批表" in form_page and "提交审批" in form_page

    # 4. The office edits the public text, completes what the warning says (§11) and submits: the
    #    file named no primary pollutant (left blank, never guessed) and no natural-day AQI; the
    #    weather trend comes from the consultation concluded after the draft (the edit page has it).
    assert auto.primary_pollutant == "" and auto.weather_trend == ""
    assert (auto.pollution_start, [a.code for a in auto.affected_areas.all()]) == (
        evaluation_start(evaluation),
        ["140300"],
    )
    refused = submit(office, reverse("alerts:form", args=[auto.pk]), reverse("alerts:form-submit", args=[auto.pk]))
    refusal = messages_after(office, refused)
    # (Evaluations with warning_content give the natural-day AQI range and degree; older ones do not.)
    assert "提交前请填写：气象条件变化趋势" in refusal and "首要污染物</li>" in refusal
    edit = reverse("alerts:form-edit", args=[auto.pk])
    assert consultation.conclusion in office.get(edit).content.decode()
    public_text = (
        "阳泉市重污染天气应急指挥部发布橙色预警，启动Ⅱ级应急响应。请减少户外活动，中小学、幼儿园停止户外活动。"
    )
    submit(
        office,
        edit,
        edit,
        {
            "effective_on_publication": "on",
            "effective_at": local_input(auto.effective_at),
            "episode_end": local_input(auto.episode_end),
            "basis": auto.basis,
            "content": auto.content,
            "public_message": public_text,
            "department_opinion": "拟同意，请领导审批。",
            "weather_trend": consultation.conclusion,
            "pollution_start": local_input(auto.pollution_start),
            "pollution_end": local_input(auto.pollution_end),
            "aqi_low": "240",
            "aqi_high": "240",
            "degree": "",
            "primary_pollutant": "PM2.5",
            "affected_areas": ["140300"],
        },
    )
    auto.refresh_from_db()
    assert auto.public_message == public_text
    assert (auto.degree, auto.aqi_range, auto.primary_pollutant) == ("重度污染", "240", "PM2.5")
    # The content drafted from the fields follows them: the office did not rewrite it.
    assert "首要污染物：PM2.5，AQI 240" in auto.content and "（待办公室填写）" not in auto.content
    form_url = reverse("alerts:form", args=[auto.pk])
    submitted = submit(office, form_url, reverse("alerts:form-submit", args=[auto.pk]), capture=capture)
    assert "已提交审批。" in messages_after(office, submitted)
    assert auto.warning.number in vice.get(reverse("alerts:inbox")).content.decode()

    # 5. The vice-commander signs on the form page with their password.
    signed = submit(
        vice,
        form_url,
        reverse("alerts:form-approve", args=[auto.pk]),
        {"password": PASSWORD, "opinion": "同意发布。"},
        capture=capture,
    )
    assert "已签发" in messages_after(vice, signed)
    warning = Warning.objects.get(pk=auto.warning_id)
    assert (warning.status, warning.level, warning.response_level) == ("active", "orange", "II")
    assert warning.published_at is not None

    # 6. The public page shows orange, with the office's text and the expected end.
    page = public_page()
    assert 'class="public-level">橙色预警' in page and "启动Ⅱ级响应" in page and public_text in page
    assert warning.number in page and "预计持续至" in page and "请遵守" in page

    # 7. The office files an upgrade to red; the vice-commander may not sign it, the commander does.
    new_upgrade = f"{reverse('alerts:form-new')}?action=upgrade"
    now = timezone.localtime()
    submit(
        office,
        new_upgrade,
        new_upgrade,
        {
            "action": "upgrade",
            "level": "red",
            "effective_at": local_input(now),
            "episode_end": local_input(now + dt.timedelta(days=2)),
            "basis": "会商认为 AQI 将超过 300",
            "content": "升级为红色预警，启动Ⅰ级应急响应。",
            "public_message": "阳泉市将重污染天气预警升级为红色预警。",
            "department_opinion": "拟同意。",
            "weather_trend": "静稳持续，湿度增大",
            "pollution_start": local_input(now),
            "pollution_end": local_input(now + dt.timedelta(days=2)),
            "aqi_low": "240",
            "aqi_high": "320",
            "primary_pollutant": "PM2.5",
            "affected_areas": ["140300", "140321"],
        },
    )
    upgrade = ApprovalForm.objects.get(warning=warning, action="upgrade")
    assert (upgrade.from_level, upgrade.level, upgrade.approver_role) == ("orange", "red", "commander")
    assert (upgrade.degree, [a.code for a in upgrade.affected_areas.all()]) == ("重度至严重污染", ["140300", "140321"])
    upgrade_url = reverse("alerts:form", args=[upgrade.pk])
    submit(office, upgrade_url, reverse("alerts:form-submit", args=[upgrade.pk]), capture=capture)
    refused = submit(vice, upgrade_url, reverse("alerts:form-approve", args=[upgrade.pk]), {"password": PASSWORD})
    assert "涉及红色预警的审批表须由总指挥审批" in messages_after(vice, refused)
    submit(
        commander,
        upgrade_url,
        reverse("alerts:form-approve", args=[upgrade.pk]),
        {"password": PASSWORD, "opinion": "同意升级。"},
        capture=capture,
    )
    warning.refresh_from_db()
    assert (warning.level, warning.response_level) == ("red", "I")
    assert 'class="public-level">红色预警' in public_page()

    # 8. The office files the lift; lifting red is the commander's to sign.
    new_lift = f"{reverse('alerts:form-new')}?action=lift"
    submit(
        office,
        new_lift,
        new_lift,
        {
            "action": "lift",
            "effective_at": local_input(timezone.localtime()),
            "basis": "空气质量已明显改善",
            "content": "解除红色预警，终止应急响应。",
            "public_message": "阳泉市解除重污染天气红色预警。",
            "department_opinion": "拟同意。",
            "weather_trend": "冷空气过境，扩散条件明显好转",
        },
    )
    lift = ApprovalForm.objects.get(warning=warning, action="lift")
    assert (lift.from_level, lift.approver_role) == ("red", "commander")
    lift_url = reverse("alerts:form", args=[lift.pk])
    submit(office, lift_url, reverse("alerts:form-submit", args=[lift.pk]), capture=capture)
    submit(commander, lift_url, reverse("alerts:form-approve", args=[lift.pk]), {"password": PASSWORD}, capture=capture)
    warning.refresh_from_db()
    assert (warning.status, warning.level) == ("lifted", "none") and warning.lifted_at is not None

    # 9. The public page: no warning; this year's list has it (highest level red, with its end).
    page = public_page()
    assert "当前无重污染天气预警" in page and 'class="public-level">红色预警' not in page
    year_list = page.split('class="public-year"')[1]
    assert warning.number in year_list and "红色预警" in year_list and "橙色预警→红色预警" in year_list
    assert "生效中" not in year_list
    api = browser().get("/api/v1/public/warning/").json()
    assert api["level"] == "none"
    assert [(row["number"], row["levels"], row["status"]) for row in api["this_year"]] == [
        (warning.number, ["orange", "red"], "lifted")
    ]

    # 10. The audit log holds every step, in order.
    steps = [
        ("forecasts.import.stored", office_user),
        ("forecasts.evaluation.created", None),
        ("forecasts.consultation.opened", None),
        ("alerts.form.drafted", None),  # drafted by the system from the evaluation
        ("forecasts.consultation.concluded", forecaster_user),
        ("alerts.form.edited", office_user),
        ("alerts.form.submitted", office_user),
        ("alerts.form.approved", vice_user),
        ("alerts.warning.issue", vice_user),
        ("alerts.warning.published", None),
        ("response.orders.issue", None),
        ("alerts.form.drafted", office_user),
        ("alerts.form.submitted", office_user),
        ("alerts.form.approved", commander_user),
        ("alerts.warning.upgrade", commander_user),
        ("alerts.warning.published", None),
        ("response.orders.upgrade", None),
        ("alerts.form.drafted", office_user),
        ("alerts.form.submitted", office_user),
        ("alerts.form.approved", commander_user),
        ("alerts.warning.lift", commander_user),
        ("alerts.warning.published", None),
        ("response.response.ended", None),
    ]
    wanted = {action for action, _ in steps}
    log = [
        (entry.action, entry.actor)
        for entry in AuditEntry.objects.filter(action__in=wanted).order_by("created_at", "id")
    ]
    assert log == steps
    # Nothing was refused into the log: the vice-commander's attempt on red left no approval.
    assert not AuditEntry.objects.filter(
        action="alerts.form.approved", actor=vice_user, target_id=str(upgrade.pk)
    ).exists()
