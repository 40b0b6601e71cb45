"""The plan's upkeep (issue 14, item 5) in Chromium, as the office uses it: records a training,
records a revision situation and reads the revision clock on the dashboard, and tracks a summary's
improvement suggestion to a decision. Screenshots: artifacts/e2e/upkeep_pages/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import Warning
from reviews.models import ResponseSummary
from upkeep import domain
from upkeep.models import RevisionTrigger, Suggestion, Training

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who .user")).to_be_visible()
    return page


def test_upkeep_pages(chromium, live_server, shots, make_user):
    make_user(Role.OFFICE, username="office", last_name="王", first_name="值班员")
    now = timezone.now()
    warning = Warning.objects.create(
        number="阳泉重污染预警〔2026〕第7号",
        status=Warning.Status.LIFTED,
        level="none",
        published_at=now - dt.timedelta(days=3),
        lifted_at=now - dt.timedelta(days=1),
    )
    ResponseSummary.objects.create(
        warning=warning,
        measures_summary="各成员单位按要求落实了Ⅱ级响应措施",
        problems="个别单位每日报送迟缓",
        suggestions="加强成员单位应急值守和每日报送",
    )
    page = login(chromium, live_server.url, "office")

    # (a) the office records a training
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="预案管理").click()
    page.get_by_role("link", name="登记培训").first.click()
    page.locator("#id_topic").fill("重污染天气应急响应流程与措施落实培训")
    page.locator("#id_trainer").fill("市生态环境局 张工")
    page.locator("#id_place").fill("市政府三楼会议室")
    page.locator("#id_attendees").fill("各成员单位应急联络员")
    page.locator("#id_attendee_count").fill("42")
    page.locator("#id_assessment").select_option("written")
    page.locator("#id_assessed_count").fill("40")
    page.locator("#id_passed_count").fill("38")
    page.get_by_label("市交通运输局").check()
    shots(page, "office-training-form")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("培训记录已保存")
    expect(page.locator(".uk-passed")).to_contain_text("38/40")
    shots(page, "office-training-recorded")
    assert Training.objects.get().attendee_count == 42

    # (b) the office records a revision situation and reads the clock on the dashboard
    page.goto(f"{live_server.url}/upkeep/plan/")
    page.get_by_role("link", name="登记修订情形").click()
    page.get_by_label("依据的法律、行政法规、规章等发生变化（预案9.1.4）").check()
    page.locator("#id_note").fill("《中华人民共和国大气污染防治法》修订施行")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("修订情形已登记")
    expect(page.locator(".uk-triggers")).to_contain_text("未决")
    trigger = RevisionTrigger.objects.get()
    clock = domain.revision_clock(
        issued_on=domain.BASE_EDITION.issued_on, open_triggers_on=[trigger.occurred_on], today=timezone.localdate()
    )
    page.goto(f"{live_server.url}/")
    panel = page.locator("#panel-revision")
    expect(panel).to_contain_text(f"下次修订期限：{clock.due:%Y-%m-%d}")
    expect(panel).to_contain_text("阳政办发〔2023〕85号")
    if clock.overdue:
        expect(panel.locator(".uk-clock-overdue .uk-flag")).to_contain_text("已逾期")
    panel.scroll_into_view_if_needed()
    shots(page, "office-dashboard-revision-clock")

    # (c) the office tracks a suggestion of the summary to a decision
    page.goto(f"{live_server.url}/reviews/warnings/{warning.pk}/summary/")
    page.get_by_role("link", name="逐条登记和跟踪改进建议").click()
    page.locator("#id_text").fill("加强成员单位应急值守和每日报送")
    page.locator("#id_unit").select_option(label="市交通运输局")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".messages")).to_contain_text("改进建议已登记")
    page.locator(".uk-suggestions").get_by_role("link", name="加强成员单位应急值守和每日报送").click()
    page.locator("#id_note").first.fill("由市交通运输局牵头落实")
    page.get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator("h1")).to_contain_text("已采纳，落实中")
    page.locator("#id_note").fill("已建立24小时应急值守和报送提醒")
    page.get_by_role("button", name="已落实").click()
    expect(page.locator("h1")).to_contain_text("已落实")
    shots(page, "office-suggestion-done")
    page.goto(f"{live_server.url}/reviews/warnings/{warning.pk}/summary/")
    expect(page.locator("#summary-suggestions")).to_contain_text("已落实")
    page.locator("#summary-suggestions").scroll_into_view_if_needed()
    shots(page, "office-summary-shows-suggestion-states")
    assert Suggestion.objects.get().status == Suggestion.Status.DONE
