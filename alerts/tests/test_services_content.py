"""What a warning says (warning-rules.md §11) through the services: every approval form — drafted
from an evaluation, from a provincial notice or by hand, or redrafted after a send-back — carries
the same fields, prefilled from the evaluation's ``warning_content`` (hand-built results here: the
contract of forecasts.domain.rules.evaluate), editable by the office (audited), and required
before submit; the approved form fills the warning's fields."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alerts import services
from alerts.drafting import draft_texts
from alerts.models import ApprovalForm, Warning
from audit.models import AuditEntry
from forecasts.models import Consultation, Evaluation
from tests.factories import warning_content

PASSWORD = "correct horse battery"
SH = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 12, 10, 8, tzinfo=SH)
END = dt.datetime(2026, 12, 12, 20, tzinfo=SH)


@pytest.fixture
def people_cast():
    return ("office", "office2", "vice", "commander")


def result(*, pollutant: str | None = "PM10", low: int | None = 150, high: int | None = 240, **content) -> dict:
    """An evaluation result proposing orange, with the §11 warning_content of its process."""
    return {
        "level": "orange",
        "recommendation": "issue",
        "proposed_level": "orange",
        "active_level": "none",
        "now": "2026-12-09T08:00:00+08:00",
        "reasons": ["PM10 日均预报 150～240，过程达到橙色预警条件"],
        "processes": [{"level": "orange", "start": START.isoformat(), "end": END.isoformat(), "peak_aqi": 268}],
        "windows": [{"start": START.isoformat(), "value": 236.4, "rule": "r"}],
        "lift_at": None,
        "warning_content": {
            "process_start": START.isoformat(),
            "process_end": END.isoformat(),
            "aqi_low": low,
            "aqi_high": high,
            "aqi_range": f"{low}～{high}" if low and high else "",
            "degree": "轻度至重度污染" if low else "",
            "primary_pollutant": pollutant,
            "level": "orange",
            "response_level": "II",
            "effective_start": None,
            "areas": [{"code": "140300", "name": "阳泉市"}, {"code": "140321", "name": "平定县"}],
            "weather_trend": None,
            **content,
        },
    }


def evaluation_with(res: dict, *, conclusion: str = "") -> Evaluation:
    evaluation = Evaluation.objects.create(
        trigger=Evaluation.Trigger.MANUAL,
        now=timezone.now(),
        level="orange",
        response_level="II",
        recommendation=res["recommendation"],
        result=res,
    )
    Consultation.objects.create(kind=Consultation.Kind.EVALUATION, evaluation=evaluation, conclusion=conclusion)
    return evaluation


def hand_draft(people, action="issue", level="orange", **extra) -> ApprovalForm:
    return services.form_draft(
        actor=people["office"],
        action=action,
        level=level,
        basis="依据",
        content="内容",
        effective_at=timezone.now(),
        **extra,
    )


def approve(people, form) -> ApprovalForm:
    services.form_submit(actor=people["office"], form_id=form.pk)
    signer = people["commander"] if form.approver_role == "commander" else people["vice"]
    return services.form_approve(actor=signer, form_id=form.pk, password=PASSWORD)


# ----------------------------------------------------------------------------- drafting from an evaluation


def test_a_pm10_forecast_of_150_to_240_drafts_its_pollutant_and_range():
    texts = draft_texts(result=result(), action="issue", level="orange")
    assert "首要污染物：PM10，AQI 150～240" in texts.content
    assert (texts.primary_pollutant, texts.aqi_range) == ("PM10", "150～240")
    fields = texts.form_fields()
    assert (fields["aqi_low"], fields["aqi_high"], fields["degree"]) == (150, 240, "轻度至重度污染")
    assert (fields["pollution_start"], fields["pollution_end"]) == (START, END)
    assert fields["affected_areas"] == ["140300", "140321"] and fields["effective_on_publication"] is True
    assert "影响区域：阳泉市、平定县" in texts.content and "响应启动时间：预警信息发布时" in texts.content
    assert "首要污染物：PM10，AQI 150～240" in texts.public_message


def test_no_pollutant_in_the_file_is_left_blank_never_pm25():
    texts = draft_texts(result=result(pollutant=None), action="issue", level="orange")
    assert texts.primary_pollutant == "" and texts.form_fields()["primary_pollutant"] == ""
    assert "首要污染物：（待办公室填写），AQI 150～240" in texts.content
    assert "PM2.5" not in texts.content + texts.public_message


def test_an_old_result_without_warning_content_takes_the_process_and_guesses_nothing():
    old = result()
    del old["warning_content"]
    texts = draft_texts(result=old, action="issue", level="orange")
    c = texts.warning_content
    assert (c.pollution_start, c.pollution_end, c.area_codes) == (START, END, ["140300"])
    assert (c.primary_pollutant, c.aqi_low, c.aqi_high, c.degree) == ("", None, None, "")  # rule windows are not days
    assert "PM2.5" not in texts.content and "236" not in texts.content


def test_the_weather_trend_comes_from_the_consultation_record():
    consultation = Consultation(conclusion="受静稳天气影响，未来三天扩散条件差。")
    texts = draft_texts(result=result(), action="issue", level="orange", consultation=consultation)
    assert texts.warning_content.weather_trend == "受静稳天气影响，未来三天扩散条件差。"
    assert "一、全市未来气象条件变化趋势：受静稳天气影响，未来三天扩散条件差。" in texts.content
    assert draft_texts(result=result(), action="issue", level="orange").warning_content.weather_trend == ""


def test_a_lift_takes_the_proposed_lift_time():
    res = {
        **result(),
        "recommendation": "lift",
        "proposed_level": None,
        "active_level": "orange",
        "lift_at": "2026-12-13T02:00:00+08:00",
    }
    texts = draft_texts(result=res, action="lift", level="none", consultation=Consultation(conclusion="冷空气过境"))
    assert texts.effective_at == dt.datetime(2026, 12, 13, 2, tzinfo=SH) and texts.effective_on_publication is False
    assert "解除时间：2026年12月13日02时" in texts.content and "解除重污染天气橙色预警" in texts.content
    res["lift_at"] = None
    assert draft_texts(result=res, action="lift", level="none").effective_on_publication is True


def test_the_auto_draft_carries_the_fields_and_submit_waits_for_the_pollutant(people):
    evaluation = evaluation_with(result(pollutant=None), conclusion="静稳天气持续")
    form = services.form_draft_from_evaluation(evaluation_id=evaluation.pk)
    assert form.auto_drafted and form.primary_pollutant == "" and form.weather_trend == "静稳天气持续"
    assert (form.aqi_low, form.aqi_high, form.degree, form.effective_on_publication) == (
        150,
        240,
        "轻度至重度污染",
        True,
    )
    assert [a.code for a in form.affected_areas.all()] == ["140300", "140321"]
    assert form.warning.episode_start == START and form.warning.aqi_range == "150～240"
    with pytest.raises(services.MissingContentError, match="^提交前请填写：首要污染物$") as refused:
        services.form_submit(actor=people["office"], form_id=form.pk)
    assert refused.value.missing == ["primary_pollutant"]
    form.refresh_from_db()
    assert form.status == "draft"

    # The office enters it: the drafted content and public text follow (they were not rewritten).
    services.form_update(actor=people["office"], form_id=form.pk, primary_pollutant="PM10")
    form.refresh_from_db()
    assert "首要污染物：PM10，AQI 150～240" in form.content and "（待办公室填写）" not in form.public_message
    edit = AuditEntry.objects.get(action="alerts.form.edited", target_id=str(form.pk))
    assert edit.before["primary_pollutant"] == "" and edit.after["primary_pollutant"] == "PM10"
    assert set(edit.data["redrafted_from_fields"]) == {"content", "public_message"}
    assert services.form_submit(actor=people["office"], form_id=form.pk).status == "submitted"


def test_an_auto_draft_without_a_weather_trend_is_refused_until_entered(people):
    form = services.form_draft_from_evaluation(evaluation_id=evaluation_with(result()).pk)
    with pytest.raises(services.MissingContentError, match="气象条件变化趋势"):
        services.form_submit(actor=people["office"], form_id=form.pk)


# ----------------------------------------------------------------------------- by hand, from a notice, redrafted


def test_a_hand_drafted_form_needs_every_field_before_submit(people):
    form = hand_draft(people)
    with pytest.raises(services.MissingContentError) as refused:
        services.form_submit(actor=people["office"], form_id=form.pk)
    assert str(refused.value) == (
        "提交前请填写：气象条件变化趋势、重污染天气发生时间（起）、重污染天气发生时间（止）、"
        "AQI 范围（低）、AQI 范围（高）、污染程度、首要污染物、影响区域"
    )
    services.form_update(actor=people["office"], form_id=form.pk, **warning_content())
    form.refresh_from_db()
    assert form.content == "内容"  # the office's own text is never replaced
    assert services.form_submit(actor=people["office"], form_id=form.pk).status == "submitted"


def test_a_form_answering_a_provincial_notice_needs_the_same_fields(people):
    notice = services.provincial_notice_record(
        actor=people["office"],
        scope="province",
        level="orange",
        document_number="晋〔2026〕9号",
        period_start=START,
        period_end=END,
        received_at=timezone.now(),
    )
    form = hand_draft(people, provincial_notice=notice)
    with pytest.raises(services.MissingContentError, match="首要污染物"):
        services.form_submit(actor=people["office"], form_id=form.pk)
    services.form_update(actor=people["office"], form_id=form.pk, **warning_content())
    assert services.form_submit(actor=people["office"], form_id=form.pk).status == "submitted"


def test_a_lift_needs_the_weather_trend_only(people):
    approve(people, hand_draft(people, **warning_content()))
    lift = hand_draft(people, action="lift", level=None)
    with pytest.raises(services.MissingContentError, match="^提交前请填写：气象条件变化趋势$"):
        services.form_submit(actor=people["office"], form_id=lift.pk)
    services.form_update(actor=people["office"], form_id=lift.pk, weather_trend="冷空气过境")
    approve(people, lift)
    assert Warning.objects.get(pk=lift.warning_id).status == "lifted"


def test_a_redraft_copies_what_the_warning_says(people):
    form = hand_draft(people, **warning_content(), effective_on_publication=True)
    services.form_update(actor=people["office"], form_id=form.pk, affected_areas=["140300", "kfq"])
    services.form_submit(actor=people["office"], form_id=form.pk)
    services.form_reject(actor=people["vice"], form_id=form.pk, comment="补充开发区")
    new = services.form_redraft(actor=people["office2"], form_id=form.pk)
    names = [
        "weather_trend",
        "pollution_start",
        "pollution_end",
        "aqi_low",
        "aqi_high",
        "degree",
        "primary_pollutant",
        "effective_on_publication",
    ]
    assert [getattr(new, n) for n in names] == [getattr(form, n) for n in names]
    assert [a.code for a in new.affected_areas.all()] == ["140300", "kfq"]
    assert services.form_submit(actor=people["office2"], form_id=new.pk).status == "submitted"


def test_drafting_refuses_unknown_areas_and_a_range_upside_down(people):
    with pytest.raises(services.WarningError, match="未知的区域：999999"):
        hand_draft(people, **warning_content(affected_areas=["140300", "999999"]))
    with pytest.raises(services.WarningError, match="AQI 范围的低值不能高于高值"):
        hand_draft(people, **warning_content(aqi_low=300, aqi_high=200))
    assert not ApprovalForm.objects.exists()


def test_editing_the_range_redrafts_the_degree_that_followed_it(people):
    form = hand_draft(people, **warning_content(degree=""))
    assert form.degree == "轻度至重度污染"  # from 150～240
    services.form_update(actor=people["office"], form_id=form.pk, aqi_low=210, aqi_high=280)
    form.refresh_from_db()
    assert form.degree == "重度污染"
    services.form_update(actor=people["office"], form_id=form.pk, degree="重度污染（局地严重）")
    services.form_update(actor=people["office"], form_id=form.pk, aqi_high=320)
    form.refresh_from_db()
    assert form.degree == "重度污染（局地严重）"  # the office's own words stay


# ----------------------------------------------------------------------------- approval


def test_the_approved_form_fills_the_warnings_fields(people):
    form = approve(people, hand_draft(people, **warning_content(primary_pollutant="PM10", aqi_low=150, aqi_high=240)))
    warning = Warning.objects.get(pk=form.warning_id)
    assert (warning.primary_pollutant, warning.aqi_range) == ("PM10", "150～240")
    assert (warning.episode_start, warning.episode_end) == (form.pollution_start, form.pollution_end)
    up = approve(
        people,
        hand_draft(
            people,
            action="upgrade",
            level="red",
            **warning_content(primary_pollutant="PM2.5", aqi_low=240, aqi_high=320),
        ),
    )
    warning.refresh_from_db()
    assert (warning.primary_pollutant, warning.aqi_range, warning.level) == ("PM2.5", "240～320", "red")
    assert warning.episode_start == form.pollution_start and up.level == "red"  # the episode began with the issue


def test_on_publication_the_effective_time_is_the_signing_time(people):
    planned = timezone.now() + dt.timedelta(hours=5)
    form = services.form_draft(
        actor=people["office"],
        action="issue",
        level="orange",
        basis="依据",
        content="内容",
        effective_at=planned,
        effective_on_publication=True,
        **warning_content(),
    )
    signed = approve(people, form)
    assert signed.effective_at == signed.decided_at
    fixed = services.form_draft(
        actor=people["office"],
        action="upgrade",
        level="red",
        basis="依据",
        content="内容",
        effective_at=planned,
        **warning_content(),
    )
    assert approve(people, fixed).effective_at == planned  # a stated time is kept
