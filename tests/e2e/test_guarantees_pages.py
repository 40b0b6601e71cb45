"""The guarantees (plan §8) through the real pages in Chromium: during an orange response the
office sees who has nobody on duty and adds a duty slot for 交通运输局; the unit confirms its entry
of the contact list (信息无变化，确认); the office registers an item of the supplies and funds.
Screenshots under artifacts/e2e/guarantees_pages/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import ApprovalForm, Warning
from command.models import MemberUnit
from notifications.models import UnitContact
from response.models import Order, Response

from .conftest import PASSWORD

pytestmark = [pytest.mark.e2e]

DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def scene(make_user):
    """An orange response in force with an order to 交通运输局, its liaison on the contact list."""
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    UnitContact.objects.create(unit=jiaotong, name="交通联络员", position="科长", mobile="13700000101")
    office = make_user(Role.OFFICE, username="office", last_name="王", first_name="值班员")
    vice = make_user(Role.VICE_COMMANDER, username="vice")
    make_user(Role.UNIT, username="unit-jiaotong", unit=jiaotong, last_name="交通局")
    started = timezone.now() - dt.timedelta(hours=3)
    warning = Warning.objects.create(
        number="阳泉重污染预警〔2026〕第9号",
        status=Warning.Status.ACTIVE,
        level="orange",
        response_level="II",
        published_at=started,
    )
    form = ApprovalForm.objects.create(
        warning=warning,
        action="issue",
        status=ApprovalForm.Status.APPROVED,
        from_level="none",
        level="orange",
        approver_role="vice_commander",
        effective_at=started,
        basis="预报",
        content="橙色预警",
        drafted_by=office,
        decided_by=vice,
        decided_at=started,
    )
    response = Response.objects.create(warning=warning, level="II", started_at=started)
    Order.objects.create(
        response=response, form=form, unit=jiaotong, level="II", preamble="应急指令", issued_at=started
    )
    return response


def _login(chromium, base: str, username: str):
    page = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who .user")).to_be_visible()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="应急保障").click()
    expect(page.get_by_role("heading", name="应急保障", exact=True)).to_be_visible()
    return page


def test_guarantees_pages(chromium, live_server, scene, shots):
    # the office: two keepers without anyone on duty (itself and 交通运输局); it adds 交通运输局's slot
    office = _login(chromium, live_server.url, "office")
    office.get_by_role("link", name="值班值守").click()
    expect(office.locator(".shortfall-alert")).to_contain_text("2 个单位当前无人值班")
    shots(office, "office-duty-gaps")
    now = timezone.localtime()
    office.get_by_label("值班单位").select_option(label="市交通运输局")
    office.get_by_label("值班人员").fill("李明")
    office.get_by_label("值班电话").fill("0353-2022993")
    office.get_by_label("开始时间").fill(f"{now - dt.timedelta(hours=1):%Y-%m-%dT%H:00}")
    office.get_by_label("结束时间").fill(f"{now + dt.timedelta(hours=12):%Y-%m-%dT%H:00}")
    office.get_by_role("button", name="登记值班").click()
    expect(office.locator(".messages")).to_contain_text("已登记值班安排")
    expect(office.locator(".shortfall-alert")).to_contain_text("1 个单位当前无人值班")
    expect(office.locator("table.grid").first).to_contain_text("李明 0353-2022993")
    shots(office, "office-duty-added")

    # the unit: its entry of the contact list, confirmed unchanged
    unit = _login(chromium, live_server.url, "unit-jiaotong")
    unit.get_by_role("link", name="本单位通讯录确认").click()
    expect(unit.get_by_text("从未确认")).to_be_visible()
    unit.get_by_role("button", name="信息无变化，确认").click()
    expect(unit.locator(".messages")).to_contain_text("已确认本单位通讯录信息无变化")
    expect(unit.locator("table.grid").last).to_contain_text("信息无变化，确认")
    shots(unit, "unit-contact-confirmed")

    # the office: the contact list with the entries overdue, then the register of supplies and funds
    office.goto(f"{live_server.url}/guarantees/contacts/")
    expect(office.locator("tr", has_text="市交通运输局")).not_to_have_class("flagged")
    shots(office, "office-contacts")
    office.goto(f"{live_server.url}/guarantees/supplies/")
    office.get_by_label("类别").last.select_option(label="应急车辆（8.3）")
    office.get_by_label("名称").fill("大气应急监测车")
    office.get_by_label("数量/金额").fill("2")
    office.get_by_label("计量单位").fill("辆")
    office.get_by_label("储备维护单位").select_option(label="市生态环境局")
    office.get_by_label("存放地点").fill("市生态环境局监测站")
    office.get_by_role("button", name="登记", exact=True).click()
    expect(office.locator(".messages")).to_contain_text("已登记")
    expect(office.locator("table.grid")).to_contain_text("大气应急监测车")
    shots(office, "office-supplies")
