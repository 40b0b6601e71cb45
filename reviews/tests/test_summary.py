"""附件6 阳泉市重污染天气应急响应统计表: figures computed from the warnings and frozen on
finalisation; the office's texts; the printable page."""

from __future__ import annotations

import pytest
from django.utils.html import strip_tags

from accounts.roles import Role
from alerts.models import Warning
from audit.models import AuditEntry
from reviews import selectors, services
from reviews.models import ResponseSummary

from .helpers import december_warning, january_warning, make_warning

pytestmark = pytest.mark.django_db

TEXTS = {
    "measures_summary": "各成员单位按橙色预警落实减排措施。",
    "achievements": "PM2.5 峰值浓度有所下降。",
    "problems": "个别单位报送不及时。",
    "suggestions": "加强每日报送督办。",
    "filled_by_name": "张三",
}


def test_december_example_is_computed_to_the_hour():
    warning = december_warning()
    figures = selectors.summary_figures(selectors.warning_for_review(warning.pk))
    assert figures["start_text"] == "2026年12月01日08时"
    assert figures["end_text"] == "2026年12月04日17时"
    assert figures["hours"] == 81
    assert figures["hours_text"] == "81小时（3天9小时）"
    assert figures["level"] == "orange"
    assert figures["level_label"] == "Ⅱ级（橙色预警）"
    assert figures["response_level"] == "II"
    assert [(s["at_text"], s["action"], s["level"]) for s in figures["steps"]] == [
        ("2026年12月01日08时", "issue", "yellow"),
        ("2026年12月02日09时", "upgrade", "orange"),
    ]


def test_start_falls_back_to_the_approved_issue_form_when_publication_time_is_missing():
    warning = make_warning("YQ-2026-009", "2026-12-01 08:20", lifted="2026-12-02 08:20", published=False)
    figures = selectors.summary_figures(selectors.warning_for_review(warning.pk))
    assert figures["start_text"] == "2026年12月01日08时"
    assert figures["hours"] == 24


def test_yearly_totals_count_the_responses_of_the_calendar_year_up_to_this_one():
    january_warning()
    make_warning("YQ-2025-007", "2025-12-20 08:00", lifted="2025-12-22 08:00")  # another year
    Warning.objects.create(number="YQ-2026-X", status=Warning.Status.CANCELLED)  # never published
    december = december_warning()
    figures = selectors.summary_figures(selectors.warning_for_review(december.pk))
    assert (figures["year"], figures["year_count"], figures["year_hours"]) == (2026, 2, 48 + 81)
    assert figures["year_hours_text"] == "129小时（5天9小时）"
    january = Warning.objects.get(number="YQ-2026-001")
    figures = selectors.summary_figures(selectors.warning_for_review(january.pk))
    assert (figures["year_count"], figures["year_hours"]) == (1, 48)


def test_save_then_finalize_freezes_the_figures(make_user):
    office = make_user(Role.OFFICE)
    january_warning()
    december = december_warning()
    summary = services.summary_save(actor=office, warning_id=december.pk, **TEXTS)
    assert summary.status == ResponseSummary.Status.DRAFT and summary.snapshot is None
    summary = services.summary_finalize(actor=office, warning_id=december.pk)
    assert summary.is_final
    assert summary.snapshot["year_count"] == 2 and summary.snapshot["hours"] == 81

    # Later data changes the live figures but not the frozen ones.
    make_warning("YQ-2026-000", "2026-01-02 08:00", lifted="2026-01-03 08:00")
    live = selectors.summary_figures(selectors.warning_for_review(december.pk))
    assert live["year_count"] == 3
    summary.refresh_from_db()
    assert summary.snapshot["year_count"] == 2
    assert summary.snapshot["year_hours"] == 129

    actions = list(AuditEntry.objects.filter(target_type="reviews.responsesummary").values_list("action", flat=True))
    assert actions == ["reviews.summary.created", "reviews.summary.finalized"] or sorted(actions) == sorted(
        ["reviews.summary.created", "reviews.summary.finalized"]
    )


def test_final_summary_is_not_edited_until_reopened(make_user):
    office = make_user(Role.OFFICE)
    december = december_warning()
    services.summary_save(actor=office, warning_id=december.pk, **TEXTS)
    services.summary_finalize(actor=office, warning_id=december.pk)
    with pytest.raises(services.ReviewError, match="已定稿"):
        services.summary_save(actor=office, warning_id=december.pk, problems="改")
    with pytest.raises(services.ReviewError, match="理由"):
        services.summary_reopen(actor=office, warning_id=december.pk, reason=" ")
    summary = services.summary_reopen(actor=office, warning_id=december.pk, reason="补充问题")
    assert summary.status == ResponseSummary.Status.DRAFT and summary.snapshot is None
    services.summary_save(actor=office, warning_id=december.pk, problems="改")
    assert AuditEntry.objects.filter(action="reviews.summary.reopened", data__reason="补充问题").exists()


def test_an_active_warning_cannot_be_finalized(make_user):
    office = make_user(Role.OFFICE)
    warning = make_warning("YQ-2026-010", "2026-12-10 08:00")
    services.summary_save(actor=office, warning_id=warning.pk, **TEXTS)
    with pytest.raises(services.ReviewError, match="尚未结束"):
        services.summary_finalize(actor=office, warning_id=warning.pk)


def test_finalizing_needs_the_summary_and_the_person_who_filled_it(make_user):
    office = make_user(Role.OFFICE)
    december = december_warning()
    with pytest.raises(services.ReviewError, match="请先填写"):
        services.summary_finalize(actor=office, warning_id=december.pk)
    services.summary_save(actor=office, warning_id=december.pk, measures_summary="", filled_by_name="")
    with pytest.raises(services.ReviewError, match="应急响应措施总结、填表人"):
        services.summary_finalize(actor=office, warning_id=december.pk)


def test_a_cancelled_warning_has_no_summary(make_user):
    warning = Warning.objects.create(number="YQ-2026-C", status=Warning.Status.CANCELLED)
    with pytest.raises(services.ReviewError, match="未发布"):
        services.summary_save(actor=make_user(Role.OFFICE), warning_id=warning.pk, **TEXTS)


def test_office_fills_in_the_table_in_the_browser_and_prints_it(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    january_warning()
    december = december_warning()
    page = client.get(f"/reviews/warnings/{december.pk}/summary/edit/")
    assert page.status_code == 200
    assert "81小时（3天9小时）" in page.content.decode()
    response = client.post(f"/reviews/warnings/{december.pk}/summary/edit/", TEXTS)
    assert response.status_code == 302
    confirm = client.get(f"/reviews/warnings/{december.pk}/summary/finalize/")
    assert confirm.status_code == 200 and "确认定稿" in confirm.content.decode()
    assert not ResponseSummary.objects.get(warning=december).is_final  # the page alone changes nothing
    response = client.post(f"/reviews/warnings/{december.pk}/summary/finalize/")
    assert response.status_code == 302
    assert ResponseSummary.objects.get(warning=december).is_final

    html = client.get(f"/reviews/warnings/{december.pk}/summary/print/").content.decode()
    assert 'class="topbar"' not in html  # the print page is the sheet alone
    printed = " ".join(strip_tags(html).split())
    assert "阳泉市重污染天气应急响应统计表" in printed
    assert "备注：表格内时间均精确到小时" in printed
    for text in (
        "2026年12月01日08时",
        "2026年12月04日17时",
        "81小时（3天9小时）",
        "Ⅱ级（橙色预警）",
        "2026年12月02日09时 升级 Ⅱ级（橙色预警）",
        "2026年 2 次",
        "129小时（5天9小时）",
        TEXTS["measures_summary"],
        TEXTS["suggestions"],
        "张三",
        "已于",
    ):
        assert text in printed, text


def test_summary_form_errors_are_in_chinese(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    december = december_warning()
    response = client.post(f"/reviews/warnings/{december.pk}/summary/edit/", {**TEXTS, "filled_by_name": "张" * 51})
    assert response.status_code == 400
    assert "填表人不能超过50个字。" in response.content.decode()
