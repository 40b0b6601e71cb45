"""Supervision (plan §7.2, §7.3) through the real pages in Chromium, each person in a browser of
their own: the supervision group records a fine on a finding; the office enters a 12369 tip-off,
which the system routes to 住建局; the unit answers it; the citizen looks it up by reference and
check code. Screenshots: artifacts/e2e/supervision_enforcement_and_tipoffs/."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from command.models import MemberUnit
from supervision import services
from supervision.models import EnforcementAction, TipOff

from .test_browser_scenarios import DESKTOP, Site, menu

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def people(make_user):
    return {
        "supervisor": make_user(Role.SUPERVISOR, username="supervisor", last_name="督查", first_name="员"),
        "office": make_user(Role.OFFICE, username="office", last_name="王", first_name="值班员"),
        "unit-zhujian": make_user(
            Role.UNIT, username="unit-zhujian", unit=MemberUnit.objects.get(slug="zhujian"), last_name="住建局"
        ),
    }


def test_supervision_enforcement_and_tipoffs(chromium, live_server, people, shots):
    site = Site(chromium, live_server.url)
    inspection = services.inspection_create(
        actor=people["supervisor"],
        date=timezone.localdate(),
        place="平定县冠山镇",
        enterprise_name="某铸造厂",
        county="140321",
        findings="Ⅱ级响应期间涉气工序未停产",
        violation=True,
        violation_description="未按要求停产",
    )

    # The supervision group: a fine (amount, decision number) on the finding.
    page = site.login("supervisor")
    menu(page, "督导检查")
    page.get_by_role("link", name=f"{inspection.date:%Y-%m-%d}").click()
    form = page.locator("form.enforcement-form")
    form.get_by_label("措施类别").select_option(label="罚款")
    form.get_by_label("罚款金额（元）").fill("20000")
    form.get_by_label("决定书文号").fill("阳环罚〔2026〕8号")
    form.get_by_label("措施内容").fill("依法处以罚款")
    shots(page, "supervisor-orders-fine")
    form.get_by_role("button", name="下达").click()
    expect(page.locator(".messages")).to_contain_text("已下达执法措施：罚款")
    expect(page.locator(".facts")).to_contain_text("阳环罚〔2026〕8号")
    shots(page, "supervisor-fine-recorded")
    assert EnforcementAction.objects.get().fine_amount == 20000

    # The office: a 12369 tip-off about dust on a building site, routed to 住建局.
    office = site.login("office")
    office.goto(f"{site.base}/supervision/tipoffs/")
    office.get_by_role("link", name="登记热线举报").click()
    office.get_by_label("举报渠道").select_option(label="12369 环保举报热线")
    office.get_by_label("举报类别").select_option(label="工地扬尘")
    office.get_by_label("所在县区").select_option(label="城区")
    office.get_by_label("地点", exact=True).fill("城区桃北路某工地")
    office.get_by_label("举报内容").fill("工地未苫盖，土石方作业扬尘严重")
    office.get_by_label("举报人姓名（实名举报填写）").fill("李四")
    office.get_by_label("举报人电话（实名举报填写）").fill("13900000000")
    shots(office, "office-enters-12369")
    office.get_by_role("button", name="登记").click()
    message = office.locator(".messages")
    expect(message).to_contain_text("承办单位：市住房和城乡建设局")
    found = re.search(r"受理编号 (\S+)，查询码 (\d{6})", message.inner_text())
    reference, code = found.group(1), found.group(2)
    shots(office, "office-tipoff-routed")

    # The unit: its own list, the answer.
    unit = site.login("unit-zhujian")
    menu(unit, "举报办理")
    unit.get_by_role("link", name=reference).click()
    answer = unit.locator("section.tipoff-answer")
    answer.get_by_label("核查属实").check()
    answer.get_by_label("办理答复（将向举报人公开）").fill("经现场核查属实，已责令该工地停止土石方作业并全部苫盖。")
    shots(unit, "unit-answers")
    answer.get_by_role("button", name="提交答复").click()
    expect(unit.locator(".messages")).to_contain_text("已答复该举报")
    shots(unit, "unit-answered")
    assert TipOff.objects.get(reference=reference).status == TipOff.Status.TRUE

    # The citizen: reference and check code, no login.
    citizen = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP).new_page()
    citizen.goto(f"{site.base}/supervision/tipoff/lookup/")
    citizen.get_by_label("受理编号").fill(reference)
    citizen.get_by_label("查询码").fill(code)
    citizen.get_by_role("button", name="查询").click()
    state = citizen.locator(".tipoff-state")
    expect(state).to_contain_text("核查属实")
    expect(state).to_contain_text("已责令该工地停止土石方作业")
    shots(citizen, "public-lookup")
