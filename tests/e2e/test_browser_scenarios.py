"""Three warnings taken through the real pages in Chromium, each person in a browser of their own,
clicking what they would click; the publication runs through the outbox on a real Celery worker.

1. orange: the forecaster uploads a forecast file (preview, confirm) → the import's evaluation
   calls for orange → the office reads the recommendation on the consultation, completes 附件4,
   edits the approval form the system drafted and submits it → the vice-commander signs on a phone
   (a wrong password is refused first) → the public page shows orange → a member unit signs its
   order and files the daily report → the office files the lift → the vice-commander signs it →
   the public page shows no warning.
2. red: a red forecast → the form goes to the commander: not in the vice-commander's inbox → the
   commander signs on a phone → the public page shows red.
3. a red regional notice answered at orange with the provincial office's consent: signed by the
   commander, effective the next morning (announced until then), lifted in advance (signed at
   08:00 for 14:00); the next morning is reached by travelling the server's clock.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import pandas as pd
import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.services import warnings_bring_into_force_due
from command.models import MemberUnit
from notifications.models import UnitContact

from .conftest import PASSWORD, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

WAIT_MS = 60_000  # the worker's evaluation, drafting and publication
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def forecast_csv(aqi: int, hours: int) -> bytes:
    """The city's hourly forecast (spec/interfaces.md) from the next hour on, at one AQI."""
    first = pd.Timestamp(timezone.localtime()).floor("h") + pd.Timedelta(hours=1)
    lines = ["area,time,aqi,primary_pollutant,kind"]
    lines += [f"140300,{first + pd.Timedelta(hours=i):%Y-%m-%d %H:%M},{aqi},PM2.5,forecast" for i in range(hours)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def people(worker, make_user):
    """The demo roles under their demo names; the leaders' mobiles (the form awaiting them is sent
    by SMS) and a contact of the unit (the warning's SMS)."""
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    UnitContact.objects.create(unit=jiaotong, name="交通联络员", mobile="13700000101")
    return {
        "monitor": make_user(Role.FORECASTER, username="monitor", last_name="李", first_name="预报员"),
        "office": make_user(Role.OFFICE, username="office", last_name="王", first_name="值班员"),
        "vice": make_user(
            Role.VICE_COMMANDER, username="vice", last_name="张", first_name="副市长", mobile="13700000201"
        ),
        "commander": make_user(
            Role.COMMANDER, username="commander", last_name="赵", first_name="市长", mobile="13700000202"
        ),
        "unit-jiaotong": make_user(Role.UNIT, username="unit-jiaotong", unit=jiaotong, last_name="交通局"),
    }


class Site:
    """Opens a browser context per person on the live server."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base = base_url

    def open(self, *, phone: bool = False):
        context = self.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **(PHONE if phone else DESKTOP))
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def login(self, username: str, *, phone: bool = False):
        page = self.open(phone=phone)
        page.goto(f"{self.base}/accounts/login/")
        expect(page.get_by_role("heading", name="登录")).to_be_visible()
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator(".who .user")).to_be_visible()
        return page

    def public_until(self, page, text: str):
        """The public page is not live: a citizen reloads it until it shows ``text``."""
        page.goto(f"{self.base}/public/")
        reload_until(page, page.locator(".public-level"), text)


def reload_until(page, locator, text: str):
    """What the worker does in the background shows on the next load: reload as a person would
    (every second, at most WAIT_MS) until ``locator`` holds ``text``."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while True:
        try:
            if locator.count() and text in locator.first.inner_text():
                return
        except PlaywrightError:  # the page was navigating (the import page refreshes itself)
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{page.url} did not show {text!r} within {WAIT_MS // 1000} s")
        page.wait_for_timeout(1000)
        page.reload()


def menu(page, label: str):
    """Follow the main menu by the link's label (which may carry a count badge)."""
    nav = page.get_by_role("navigation", name="主菜单")
    nav.get_by_role("link", name=re.compile(rf"^{label}(\s+\d+)?$")).click()


def upload_forecast(site: Site, shots, name: str, data: bytes):
    """The forecaster uploads, previews and confirms; returns the import page once evaluated."""
    page = site.login("monitor")
    menu(page, "数据导入")
    expect(page.get_by_role("heading", name="预报、监测数据导入")).to_be_visible()
    page.locator("#import-file").set_input_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    expect(page.locator("[data-upload-name]")).to_contain_text(name)
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_role("heading", name=f"导入预览：{name}")).to_be_visible()
    expect(page.locator(".preview-rows tbody tr").first).to_contain_text("阳泉市")
    shots(page, "forecaster-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".messages")).to_contain_text(f"已导入「{name}」")
    # The evaluation runs on the worker; the page refreshes itself every 5 s until it is there.
    reload_until(page, page.locator(".import-evaluation"), "预测级别")
    return page


def office_concludes(site: Site, shots, level_name: str, level_code: str):
    """The office opens the consultation the evaluation opened, reads the recommendation and
    records 附件4."""
    page = site.login("office")
    menu(page, "会商")
    open_rows = page.locator("section.card", has=page.get_by_role("heading", name="进行中的会商"))
    reload_until(page, open_rows, level_name)
    open_rows.get_by_role("link", name="打开").first.click()
    summary = page.locator(".evaluation-summary")
    expect(summary).to_contain_text(level_name)
    expect(summary).to_contain_text(f"发布{level_name}")
    shots(page, "office-recommendation")
    page.get_by_label("会商结论").fill(f"受静稳天气影响，未来数日 AQI 持续偏高，建议发布{level_name}。")
    page.get_by_label("会商认定的预警级别").select_option(level_code)
    page.get_by_label("审定人").fill("王主任")
    page.get_by_label("审定日期").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="提交会商意见").click()
    expect(page.locator(".messages")).to_contain_text("会商意见已记录。")
    expect(page.locator("h1 .status")).to_have_text("已形成意见")
    shots(page, "office-consultation-concluded")
    return page


def office_submits_drafted_form(page, shots, level_name: str, approver: str, public_text: str):
    """The office finds the form the system drafted in the warnings list, edits and submits it."""
    menu(page, "预警")
    row = page.locator("table.warnings tbody tr").first
    reload_until(page, row, f"拟{level_name}")  # the worker drafts the form from the evaluation
    row.get_by_role("link", name=f"发布{level_name}").click()
    expect(page.locator(".form-head")).to_contain_text("草稿")
    expect(page.locator(".form-head")).to_contain_text(f"审批人：{approver}")
    page.get_by_role("link", name="修改").click()
    # What the warning says (warning-rules.md §11): the weather trend is the consultation's (the edit
    # page takes it from 附件4, concluded after the draft), the primary pollutant the file's.
    expect(page.get_by_label("全市未来气象条件变化趋势")).to_have_value(re.compile("受静稳天气影响"))
    expect(page.get_by_label("首要污染物")).to_have_value("PM2.5")
    page.get_by_label("预警信息（公开发布文本）").fill(public_text)
    page.get_by_label("申请发布（解除）部门领导意见").fill("拟同意，请领导审批。")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".public-text").first).to_have_text(public_text)
    shots(page, "office-form-edited")
    page.get_by_role("button", name="提交审批").click()
    expect(page.locator(".messages")).to_contain_text("已提交审批。")
    expect(page.locator(".form-head .status")).to_have_text("待审批")
    shots(page, "office-form-submitted")


def sign_in_inbox(page, shots, who: str, level_name: str, action: str):
    menu(page, "待我审批")
    item = page.locator("article.inbox-item").filter(has_text=f"{action}{level_name}")
    expect(item).to_have_count(1)
    shots(page, f"{who}-inbox-phone")
    item.get_by_label("审批意见").fill("同意。")
    item.get_by_label("登录密码").fill(PASSWORD)
    item.get_by_role("button", name="签发").click()
    expect(page.locator(".messages")).to_contain_text("已签发")
    expect(page.locator(".form-head .status")).to_have_text("已签发")
    shots(page, f"{who}-signed-phone")


def test_orange_warning_from_forecast_to_lift(chromium, live_server, people, shots):
    site = Site(chromium, live_server.url)
    public_text = "阳泉市重污染天气应急指挥部发布橙色预警，启动Ⅱ级应急响应。请减少户外活动。"

    # The forecaster: 72 hours at AQI 240 (> 200 for 48 h, never above 300) call for orange.
    page = upload_forecast(site, shots, "orange-72h.csv", forecast_csv(240, 72))
    evaluation = page.locator(".import-evaluation")
    expect(evaluation).to_contain_text("橙色预警")
    expect(evaluation).to_contain_text("副总指挥")
    shots(page, "forecaster-evaluation")

    # The office: recommendation, consultation (附件4), the drafted form, submission.
    page = office_concludes(site, shots, "橙色预警", "orange")
    office = page
    office_submits_drafted_form(office, shots, "橙色预警", "副总指挥", public_text)

    # The vice-commander on a phone: the password is asked again on signing.
    vice = site.login("vice", phone=True)
    menu(vice, "待我审批")
    item = vice.locator("article.inbox-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("发布橙色预警")
    expect(item).to_contain_text(public_text)
    shots(vice, "vice-inbox-phone")
    item.get_by_label("登录密码").fill("not my password")
    item.get_by_role("button", name="签发").click()
    expect(vice.locator(".messages")).to_contain_text("密码不正确")
    expect(vice.locator(".form-head .status")).to_have_text("待审批")
    shots(vice, "vice-wrong-password-phone")
    decide = vice.locator("#decide")
    decide.get_by_label("审批意见").fill("同意发布。")
    decide.get_by_label("登录密码").fill(PASSWORD)
    decide.get_by_role("button", name="签发").click()
    expect(vice.locator(".messages")).to_contain_text("已签发")
    expect(vice.locator(".form-head .status")).to_have_text("已签发")
    shots(vice, "vice-signed-phone")

    # The public page (published by the worker).
    citizen = site.open(phone=True)
    site.public_until(citizen, "橙色预警")
    expect(citizen.locator("main")).to_contain_text("Ⅱ级响应")
    expect(citizen.locator("main")).to_contain_text(public_text)
    shots(citizen, "public-orange-phone")

    # The member unit: its order, then the daily report.
    unit = site.login("unit-jiaotong")
    menu(unit, "应急指令")
    orders = unit.locator("table.grid tbody tr")
    reload_until(unit, orders, "Ⅱ级")  # issued by the worker on publication
    orders.first.get_by_role("link").click()
    expect(unit.get_by_role("heading", name="应急指令：市交通运输局")).to_be_visible()
    unit.get_by_role("button", name="签收指令").click()
    expect(unit.locator(".facts")).not_to_contain_text("未签收")
    shots(unit, "unit-order-acknowledged")
    menu(unit, "每日报送")
    unit.get_by_role("link", name="填报落实情况").click()
    today = timezone.localdate().isoformat()
    unit.get_by_label("所述日期").fill(today)
    unit.get_by_label("落实情况", exact=True).fill("已启动Ⅱ级响应，加强渣土车、重型柴油车管控。")
    unit.get_by_label("已落实的主要措施").fill("重型柴油车绕行；渣土车停运。")
    unit.get_by_label("检查次数").fill("12")
    unit.get_by_label("检查企业数").fill("8")
    unit.get_by_label("发现问题数").fill("1")
    shots(unit, "unit-report-form")
    unit.get_by_role("button", name="报送").click()
    expect(unit.locator(".messages")).to_contain_text("已按时报送。")
    expect(unit.locator("main")).to_contain_text("市交通运输局")
    expect(unit.locator("main")).to_contain_text(today)
    shots(unit, "unit-report-filed")

    # The office's home page (dashboard): the warning in force.
    menu(office, "首页")
    expect(office.locator(".dashboard")).to_contain_text("橙色预警")
    shots(office, "office-dashboard")

    # The office files the lift; the vice-commander signs it on the phone.
    menu(office, "预警")
    expect(office.locator(".level-banner")).to_contain_text("橙色预警")
    office.get_by_role("link", name="解除", exact=True).click()
    expect(office.locator("main")).to_contain_text("将报送：副总指挥")
    office.get_by_label("全市未来气象条件变化趋势").fill("冷空气过境，扩散条件明显好转。")
    office.get_by_label("预警发布（解除）信息依据").fill("最新预报显示空气质量已明显改善。")
    office.get_by_label("预警发布（解除）信息主要内容").fill("解除橙色预警，终止Ⅱ级应急响应。")
    office.get_by_label("预警信息（公开发布文本）").fill("阳泉市解除重污染天气橙色预警。")
    office.get_by_role("button", name="保存草稿").click()
    expect(office.locator(".form-head")).to_contain_text("解除")
    expect(office.locator(".form-head")).to_contain_text("审批人：副总指挥")  # lifting orange
    office.get_by_role("button", name="提交审批").click()
    expect(office.locator(".messages")).to_contain_text("已提交审批。")
    shots(office, "office-lift-submitted")
    sign_in_inbox(vice, shots, "vice-lift", "", "解除")

    site.public_until(citizen, "当前无重污染天气预警")
    expect(citizen.locator(".public-year")).to_contain_text("橙色预警")  # this year's list
    expect(citizen.locator(".public-year")).not_to_contain_text("生效中")
    shots(citizen, "public-lifted-phone")


def test_red_warning_goes_to_the_commander(chromium, live_server, people, shots):
    site = Site(chromium, live_server.url)
    public_text = "阳泉市重污染天气应急指挥部发布红色预警，启动Ⅰ级应急响应。中小学、幼儿园停课。"

    # 96 hours at AQI 320: above 200 for 72 h with windows above 300 → red.
    page = upload_forecast(site, shots, "red-96h.csv", forecast_csv(320, 96))
    evaluation = page.locator(".import-evaluation")
    expect(evaluation).to_contain_text("红色预警")
    expect(evaluation).to_contain_text("总指挥")
    shots(page, "forecaster-evaluation")

    office = office_concludes(site, shots, "红色预警", "red")
    office_submits_drafted_form(office, shots, "红色预警", "总指挥", public_text)

    # Red is the commander's: the vice-commander's inbox does not hold it.
    vice = site.login("vice", phone=True)
    menu(vice, "待我审批")
    expect(vice.locator("main")).to_contain_text("目前没有等待您审批的审批表。")
    expect(vice.locator("article.inbox-item")).to_have_count(0)
    shots(vice, "vice-inbox-empty-phone")

    commander = site.login("commander", phone=True)
    sign_in_inbox(commander, shots, "commander", "红色预警", "发布")

    citizen = site.open(phone=True)
    site.public_until(citizen, "红色预警")
    expect(citizen.locator("main")).to_contain_text("Ⅰ级响应")
    expect(citizen.locator("main")).to_contain_text(public_text)
    shots(citizen, "public-red-phone")


def local_minute(when) -> str:
    """A datetime-local input's value."""
    return f"{timezone.localtime(when):%Y-%m-%dT%H:%M}"


def test_red_regional_notice_answered_at_orange_effective_next_morning_lifted_in_advance(
    chromium, live_server, people, shots
):
    """warning-rules.md §8 and §12: the province's red regional notice, answered by the city at
    orange with the provincial office's consent, goes to the commander (the higher of the notice's
    and the city's level); signed today with its start tomorrow at 08:00, it is announced, not in
    force, until then; the lift is signed in advance for 14:00 and ends the warning then."""
    site = Site(chromium, live_server.url)
    now = timezone.localtime()
    morning = (now + dt.timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    lift_at = morning.replace(hour=14)

    # The office records the notice (its 1-hour form clock starts) and answers it at orange.
    office = site.login("office")
    office.goto(f"{live_server.url}/warnings/notices/")
    office.locator("details.card summary").click()
    office.get_by_label("范围").select_option("region")
    office.get_by_label("预警级别").select_option("red")
    office.get_by_label("文号").fill("晋气应急办〔2026〕12号")
    office.get_by_label("预警开始").fill(local_minute(morning))
    office.get_by_label("预警结束").fill(local_minute(morning + dt.timedelta(days=3)))
    office.get_by_label("接到时间").fill(local_minute(now))
    office.get_by_label("通知内容").fill("汾渭平原及周边地区将出现区域性重污染天气过程，请启动红色预警。")
    office.get_by_role("button", name="登记并开始计时").click()
    # Recorded, the office goes straight to the form answering it (its clock runs from receipt).
    expect(office.locator(".messages")).to_contain_text("已登记区域红色预警（晋气应急办〔2026〕12号）")
    expect(office.locator("main")).to_contain_text("将报送：总指挥")
    shots(office, "office-notice-recorded")

    office.get_by_label("预警信息级别").select_option("orange")
    office.get_by_label("签发发布即生效").uncheck()
    office.get_by_label("发布（解除）时间").fill(local_minute(morning))
    office.get_by_label("预计结束时间").fill(local_minute(morning + dt.timedelta(days=3)))
    office.get_by_label("全市未来气象条件变化趋势").fill("静稳天气持续，本市污染程度低于区域平均。")
    office.get_by_label("重污染天气发生时间（起）").fill(local_minute(morning))
    office.get_by_label("重污染天气发生时间（止）").fill(local_minute(morning + dt.timedelta(days=3)))
    office.get_by_label("AQI 范围（低）").fill("210")
    office.get_by_label("AQI 范围（高）").fill("280")
    office.get_by_label("首要污染物").fill("PM2.5")
    office.get_by_label("阳泉市").check()
    office.get_by_label("预警发布（解除）信息依据").fill(
        "省重污染天气应急指挥部办公室区域红色预警通知；本市预报 AQI 210～280。"
    )
    office.get_by_label("预警发布（解除）信息主要内容").fill("发布橙色预警，启动Ⅱ级应急响应。")
    office.get_by_label("预警信息（公开发布文本）").fill("阳泉市将于明日 8 时起启动重污染天气橙色预警Ⅱ级应急响应。")
    office.get_by_label("省指挥部办公室同意情况").fill("经省指挥部办公室同意，本市按橙色预警响应。")
    office.get_by_role("button", name="保存草稿").click()
    head = office.locator(".form-head")
    expect(head).to_contain_text("橙色预警")
    expect(head).to_contain_text("审批人：总指挥")  # the red notice's signer, though the city answers at orange
    office.get_by_role("button", name="提交审批").click()
    expect(office.locator(".messages")).to_contain_text("已提交审批。")
    shots(office, "office-orange-answer-submitted")

    vice = site.login("vice", phone=True)
    menu(vice, "待我审批")
    expect(vice.locator("article.inbox-item")).to_have_count(0)
    commander = site.login("commander", phone=True)
    sign_in_inbox(commander, shots, "commander", "橙色预警", "发布")

    # Announced, not in force: the public page says when it starts.
    citizen = site.open(phone=True)
    citizen.goto(f"{live_server.url}/public/")
    reload_until(citizen, citizen.locator(".public-announced"), "将于")
    expect(citizen.locator(".public-level")).to_contain_text("当前无重污染天气预警")
    expect(citizen.locator(".public-announced")).to_contain_text("橙色预警")
    shots(citizen, "public-announced-phone")

    with time_machine.travel(morning + dt.timedelta(minutes=1), tick=True) as clock:
        # 08:00 next morning: the beat's job brings the decision into force.
        assert warnings_bring_into_force_due() == 1
        site.public_until(citizen, "橙色预警")
        expect(citizen.locator("main")).to_contain_text("Ⅱ级响应")
        shots(citizen, "public-orange-in-force-phone")

        # The office lifts in advance: signed now, the warning ends at 14:00; the red notice is
        # still in force, so the provincial office's consent is recorded and the commander signs.
        office = site.login("office")
        menu(office, "预警")
        office.get_by_role("link", name="解除", exact=True).click()
        expect(office.locator("main")).to_contain_text("将报送：总指挥")
        office.get_by_label("签发发布即生效").uncheck()
        office.get_by_label("发布（解除）时间").fill(local_minute(lift_at))
        office.get_by_label("全市未来气象条件变化趋势").fill("午后冷空气过境，扩散条件明显好转。")
        office.get_by_label("预警发布（解除）信息依据").fill("最新预报显示 14 时后空气质量明显改善。")
        office.get_by_label("预警发布（解除）信息主要内容").fill("14 时起解除橙色预警，终止Ⅱ级应急响应。")
        office.get_by_label("预警信息（公开发布文本）").fill("阳泉市将于今日 14 时解除重污染天气橙色预警。")
        office.get_by_label("省指挥部办公室同意情况").fill("经省指挥部办公室同意，本市提前解除。")
        office.get_by_role("button", name="保存草稿").click()
        expect(office.locator(".form-head")).to_contain_text("审批人：总指挥")
        office.get_by_role("button", name="提交审批").click()
        expect(office.locator(".messages")).to_contain_text("已提交审批。")
        shots(office, "office-lift-in-advance-submitted")
        commander = site.login("commander", phone=True)
        sign_in_inbox(commander, shots, "commander-lift", "", "解除")

        citizen.goto(f"{live_server.url}/public/")
        reload_until(citizen, citizen.locator(".public-announced"), "解除")
        expect(citizen.locator(".public-level")).to_contain_text("橙色预警")  # in force until 14:00
        shots(citizen, "public-lift-announced-phone")

        clock.move_to(lift_at + dt.timedelta(minutes=1))
        assert warnings_bring_into_force_due() == 1
        site.public_until(citizen, "当前无重污染天气预警")
        expect(citizen.locator(".public-announced")).to_have_count(0)
        shots(citizen, "public-lifted-phone")
