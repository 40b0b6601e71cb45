"""What a warning says (warning-rules.md §11) on the pages: the new-form page prefilled from the
evaluation's warning_content, a notice or the city; the edit page with the weather trend of a
consultation concluded after the draft; the form page (附件5) marking what is missing and the
refused submit naming it; the approver's inbox; English labels."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from alerts import services
from alerts.tests.test_services_content import END, START, evaluation_with, result
from forecasts.models import Consultation
from tests.factories import warning_content

PASSWORD = "correct horse battery"


@pytest.fixture
def people_cast():
    return ("office", "vice")


def field(page: str, name: str) -> str:
    """The <input> (or <textarea> with its text) named ``name``."""
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>|<textarea[^>]*name="{name}"[^>]*>[^<]*</textarea>', page)
    assert match, name
    return match.group(0)


def checked_areas(page: str) -> list[str]:
    return re.findall(r'<input[^>]*name="affected_areas" value="([^"]+)"[^>]*checked', page)


def test_the_new_form_is_prefilled_from_the_evaluations_warning_content(client, people):
    evaluation = evaluation_with(result(), conclusion="静稳天气持续，扩散条件差")
    client.force_login(people["office"])
    page = client.get(f"{reverse('alerts:form-new')}?action=issue&evaluation={evaluation.pk}").content.decode()
    assert 'value="PM10"' in field(page, "primary_pollutant")
    assert 'value="150"' in field(page, "aqi_low") and 'value="240"' in field(page, "aqi_high")
    assert 'value="轻度至重度污染"' in field(page, "degree")
    assert f'value="{timezone.localtime(START):%Y-%m-%dT%H:%M}"' in field(page, "pollution_start")
    assert f'value="{timezone.localtime(END):%Y-%m-%dT%H:%M}"' in field(page, "pollution_end")
    assert checked_areas(page) == ["140300", "140321"]
    assert "静稳天气持续，扩散条件差" in field(page, "weather_trend")
    assert "checked" in field(page, "effective_on_publication")
    assert "首要污染物：PM10，AQI 150～240" in page
    assert '<datalist id="id_primary_pollutant-list">' in page


def test_a_form_drafted_on_the_page_carries_the_fields_and_no_pollutant_is_left_blank(client, people):
    evaluation = evaluation_with(result(pollutant=None))
    client.force_login(people["office"])
    url = f"{reverse('alerts:form-new')}?action=issue&evaluation={evaluation.pk}"
    page = client.get(url).content.decode()
    assert "value=" not in field(page, "primary_pollutant")  # never PM2.5 by default
    response = client.post(
        url,
        {
            "action": "issue",
            "level": "orange",
            "evaluation": evaluation.pk,
            "effective_on_publication": "on",
            "basis": "依据",
            "content": "内容",
            "weather_trend": "",
            "pollution_start": "2026-12-10T08:00",
            "pollution_end": "2026-12-12T20:00",
            "aqi_low": "150",
            "aqi_high": "240",
            "degree": "",
            "primary_pollutant": "",
            "affected_areas": ["140300", "kfq"],
        },
    )
    assert response.status_code == 302
    form = evaluation.forms.get()
    assert (form.primary_pollutant, form.degree, form.effective_on_publication) == ("", "轻度至重度污染", True)
    assert [a.code for a in form.affected_areas.all()] == ["140300", "kfq"]

    # The form page (附件5) marks what is missing; submit names it.
    shown = client.get(reverse("alerts:form", args=[form.pk])).content.decode()
    assert re.search(r'data-field="primary_pollutant"><span class="cell-missing">（待办公室填写）', shown)
    assert "阳泉市、阳泉经济技术开发区" in shown and "签发发布即生效" in shown
    refused = client.post(reverse("alerts:form-submit", args=[form.pk]), follow=True)
    assert "提交前请填写：气象条件变化趋势、首要污染物" in [str(m) for m in refused.context["messages"]]
    form.refresh_from_db()
    assert form.status == "draft"


def test_the_edit_page_takes_the_trend_of_a_consultation_concluded_after_the_draft(client, people):
    evaluation = evaluation_with(result())
    form = services.form_draft_from_evaluation(evaluation_id=evaluation.pk)
    assert form.weather_trend == ""
    Consultation.objects.filter(pk=form.consultation_id).update(conclusion="受静稳天气影响，未来三天扩散条件差。")
    client.force_login(people["office"])
    edit = reverse("alerts:form-edit", args=[form.pk])
    page = client.get(edit).content.decode()
    assert "受静稳天气影响，未来三天扩散条件差。" in field(page, "weather_trend")
    assert checked_areas(page) == ["140300", "140321"]
    data = {
        "effective_on_publication": "on",
        "basis": form.basis,
        "content": form.content,
        "public_message": form.public_message,
        "weather_trend": "受静稳天气影响，未来三天扩散条件差。",
        "pollution_start": f"{timezone.localtime(START):%Y-%m-%dT%H:%M}",
        "pollution_end": f"{timezone.localtime(END):%Y-%m-%dT%H:%M}",
        "aqi_low": "150",
        "aqi_high": "240",
        "degree": "轻度至重度污染",
        "primary_pollutant": "PM10",
        "affected_areas": ["140300", "140321"],
    }
    assert client.post(edit, data).status_code == 302
    form.refresh_from_db()
    assert form.weather_trend == "受静稳天气影响，未来三天扩散条件差。"
    assert "一、全市未来气象条件变化趋势：受静稳天气影响，未来三天扩散条件差。" in form.content  # drafted text follows
    submitted = client.post(reverse("alerts:form-submit", args=[form.pk]), follow=True)
    assert "已提交审批。" in [str(m) for m in submitted.context["messages"]]


def test_a_lift_form_asks_the_weather_trend_not_the_pollution(client, people):
    issued = services.form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **warning_content(),
    )
    services.form_submit(actor=people["office"], form_id=issued.pk)
    services.form_approve(actor=people["vice"], form_id=issued.pk, password=PASSWORD)
    client.force_login(people["office"])
    page = client.get(f"{reverse('alerts:form-new')}?action=lift").content.decode()
    assert 'name="weather_trend"' in page and 'name="aqi_low"' not in page and 'name="affected_areas"' not in page
    response = client.post(
        f"{reverse('alerts:form-new')}?action=lift",
        {
            "action": "lift",
            "effective_on_publication": "on",
            "basis": "改善",
            "content": "解除",
            "weather_trend": "冷空气过境",
        },
    )
    assert response.status_code == 302
    lift = issued.warning.forms.get(action="lift")
    edit = client.get(reverse("alerts:form-edit", args=[lift.pk])).content.decode()
    assert "冷空气过境" in field(edit, "weather_trend") and 'name="primary_pollutant"' not in edit
    assert services.form_submit(actor=people["office"], form_id=lift.pk).status == "submitted"


def test_a_form_answering_a_notice_takes_its_period_and_the_city(client, people):
    notice = services.provincial_notice_record(
        actor=people["office"],
        scope="province",
        level="orange",
        document_number="晋〔2026〕9号",
        period_start=START,
        period_end=END,
        received_at=timezone.now(),
    )
    client.force_login(people["office"])
    page = client.get(f"{reverse('alerts:form-new')}?action=issue&notice={notice.pk}").content.decode()
    assert f'value="{timezone.localtime(START):%Y-%m-%dT%H:%M}"' in field(page, "pollution_start")
    assert f'value="{timezone.localtime(END):%Y-%m-%dT%H:%M}"' in field(page, "pollution_end")
    assert checked_areas(page) == ["140300"]


def test_the_inbox_shows_what_the_warning_says(client, people):
    form = services.form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="依据",
        content="内容",
        effective_at=timezone.now() + dt.timedelta(hours=3),
        **warning_content(affected_areas=["140300", "140321"]),
    )
    services.form_submit(actor=people["office"], form_id=form.pk)
    client.force_login(people["vice"])
    page = client.get(reverse("alerts:inbox")).content.decode()
    item = page.split('class="inbox-item')[1]
    for text in ("阳泉市、平定县", "150～240（轻度至重度污染）", "PM10", "受静稳天气影响"):
        assert text in item, text


def test_the_fields_are_labelled_in_english(client, people):
    form = services.form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
    )
    client.force_login(people["office"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get(reverse("alerts:form-edit", args=[form.pk])).content.decode()
        shown = client.get(reverse("alerts:form", args=[form.pk])).content.decode()
    for label in (
        "Primary pollutant",
        "Degree of pollution",
        "AQI range (low)",
        "Heavy pollution period (from)",
        "Weather trend of the whole city",
        "Effective on signing and publication",
    ):
        assert label in page, label
    assert "(to be entered by the office)" in shown
