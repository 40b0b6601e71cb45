"""附件8 阳泉市重污染天气应急效果评估表: prefilled from the stored observations (mean observed AQI
72 h before, during and 72 h after the response), saved through the service, printable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from audit.models import AuditEntry
from command.models import Area, Expert
from forecasts.models import AirQualityRecord, ForecastImport, Replay
from reviews import selectors, services
from reviews.models import EffectEvaluation

from .helpers import at, december_warning

pytestmark = pytest.mark.django_db


def _import(name: str, *, replay: Replay | None = None) -> ForecastImport:
    return ForecastImport.objects.create(
        file_name=name, file_sha256=name.ljust(64, "0")[:64], channel="command", period="hour", replay=replay
    )


def _hours(first: str, last: str):
    hour, end = at(first), at(last)
    while hour <= end:
        yield hour
        hour += dt.timedelta(hours=1)


def store_observations(
    *, replay: Replay | None = None, kind: str = "observed", values=(80.0, 220.0, 60.0), area="140300"
):
    """Hourly rows around the December example: `values` before 12-01 08:00, until 12-04 17:00, after."""
    source = _import(f"{kind}-{area}-{replay.pk if replay else 'real'}", replay=replay)
    city = Area.objects.get(code=area)
    before, during, after = values
    rows = []
    for hour in _hours("2026-11-27 00:00", "2026-12-08 23:00"):
        aqi = before if hour < at("2026-12-01 08:00") else during if hour < at("2026-12-04 17:00") else after
        rows.append(
            AirQualityRecord(
                area=city,
                period="hour",
                time=hour,
                kind=kind,
                issued_at=hour,
                aqi=aqi,
                replay=replay,
                source_import=source,
            )
        )
    AirQualityRecord.objects.bulk_create(rows)


def test_prefill_takes_mean_observed_aqi_before_during_and_after():
    warning = december_warning()
    store_observations()
    store_observations(kind="forecast", values=(400.0, 400.0, 400.0))  # forecasts are not observations
    replay = Replay.objects.create(
        name="演练", source_file="x.csv", step="hour", start=at("2026-11-01 00:00"), end=at("2026-11-02 00:00")
    )
    store_observations(replay=replay, values=(500.0, 500.0, 500.0))  # a drill's data is not real data
    prefill = selectors.evaluation_prefill(selectors.warning_for_review(warning.pk))
    means = [(w["label"], w["mean"], w["hours"]) for w in prefill["figures"]["aqi"]]
    assert means == [("响应前72小时", 80.0, 72), ("响应期间", 220.0, 81), ("响应后72小时", 60.0, 72)]
    assert prefill["level"] == "orange"
    content = prefill["content"]
    assert "2026年12月01日08时至2026年12月04日17时" in content
    assert "响应前72小时全市实况AQI均值为80（72小时）" in content
    assert "响应期间全市实况AQI均值为220（81小时）" in content
    assert "响应后72小时全市实况AQI均值为60（72小时）" in content
    assert "较响应前上升175%" in content


def test_prefill_falls_back_to_the_areas_when_the_city_has_no_rows():
    warning = december_warning()
    store_observations(area="140302", values=(90.0, 200.0, 70.0))
    store_observations(area="140303", values=(110.0, 240.0, 50.0))
    prefill = selectors.evaluation_prefill(selectors.warning_for_review(warning.pk))
    assert [w["mean"] for w in prefill["figures"]["aqi"]] == [100.0, 220.0, 60.0]


def test_prefill_without_observations_says_so():
    warning = december_warning()
    prefill = selectors.evaluation_prefill(selectors.warning_for_review(warning.pk))
    assert [w["mean"] for w in prefill["figures"]["aqi"]] == [None, None, None]
    assert "响应期间无实况数据" in prefill["content"]


def test_office_creates_the_evaluation_from_the_prefilled_page_and_prints_it(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    warning = december_warning()
    store_observations()
    page = client.get(f"/reviews/warnings/{warning.pk}/evaluation/edit/")
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["level"] == "orange"
    assert "响应期间全市实况AQI均值为220" in form.initial["content"]
    experts = list(Expert.objects.order_by("seq")[:2])
    response = client.post(
        f"/reviews/warnings/{warning.pk}/evaluation/edit/",
        {
            "organiser": "阳泉市重污染天气应急指挥部办公室",
            "leader": "李四",
            "experts": [e.pk for e in experts],
            "other_members": "王五、赵六",
            "level": "orange",
            "evaluated_on": "2026-12-08",
            "content": form.initial["content"] + "\n措施有效。",
        },
    )
    assert response.status_code == 302
    evaluation = EffectEvaluation.objects.get(warning=warning)
    assert evaluation.figures["aqi"][1]["mean"] == 220.0
    assert list(evaluation.experts.order_by("seq")) == experts
    assert AuditEntry.objects.filter(action="reviews.evaluation.created", target_id=str(evaluation.pk)).exists()

    printed = client.get(f"/reviews/warnings/{warning.pk}/evaluation/print/").content.decode()
    assert "阳泉市重污染天气应急效果评估表" in printed
    for text in (
        "李四",
        experts[0].name,
        experts[1].name,
        "王五",
        "赵六",
        "橙色预警（Ⅱ级响应）",
        "2026年12月8日",
        "措施有效。",
    ):
        assert text in printed, text

    # Editing keeps the stored figures and writes an audit entry with the old values.
    response = client.post(
        f"/reviews/warnings/{warning.pk}/evaluation/edit/",
        {
            "organiser": "阳泉市重污染天气应急指挥部办公室",
            "leader": "李四",
            "experts": [experts[0].pk],
            "level": "orange",
            "evaluated_on": "2026-12-09",
            "content": "修改后的评估内容",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.content == "修改后的评估内容" and evaluation.experts.count() == 1
    edit = AuditEntry.objects.get(action="reviews.evaluation.edited")
    assert edit.before["leader"] == "李四" and len(edit.before["experts"]) == 2


def test_evaluation_form_errors_are_in_chinese(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    warning = december_warning()
    response = client.post(f"/reviews/warnings/{warning.pk}/evaluation/edit/", {"organiser": "", "level": "purple"})
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "请填写组织单位。",
        "请填写负责人。",
        "预警级别无效。",
        "请填写评估时间。",
        "请填写评估内容。",
        "请至少选择一名专家或填写评估组成员。",
    ):
        assert message in html, message
    assert not EffectEvaluation.objects.exists()


def test_service_refuses_an_evaluation_without_its_required_fields(make_user):
    warning = december_warning()
    with pytest.raises(services.ReviewError, match="负责人"):
        services.evaluation_save(actor=make_user(Role.OFFICE), warning_id=warning.pk, leader="", level="orange")


def test_an_edit_of_the_evaluation_writes_only_its_fields(make_user):
    office = make_user(Role.OFFICE)
    warning = december_warning()
    evaluation = services.evaluation_save(
        actor=office,
        warning_id=warning.pk,
        experts=[],
        organiser="办公室",
        leader="李四",
        level="orange",
        evaluated_on=at("2026-12-08 00:00").date(),
        content="评估",
        other_members="王五",
    )
    with CaptureQueriesContext(connection) as queries:
        services.evaluation_save(actor=office, warning_id=warning.pk, content="效果明显")
    [update] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and EffectEvaluation._meta.db_table in q["sql"]
    ]
    assert '"content"' in update and '"updated_at"' in update
    assert '"figures"' not in update and '"leader"' not in update and '"created_by_id"' not in update
    evaluation.refresh_from_db()
    assert (evaluation.content, evaluation.leader) == ("效果明显", "李四")
