"""Counties in Chromium (issue 14, item 1): the county user of 平定县 puts a person on its
headquarters and files an extra measure it takes on top of the city's orders (§5.2); the office
sees it among the counties' measures of the response and in 附件6. Screenshots under
artifacts/e2e/counties_file_and_office_sees/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from alerts.models import Warning
from command.models import Area
from response.models import Response

from .conftest import PASSWORD

pytestmark = pytest.mark.e2e
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
NUMBER = "阳泉重污染预警〔2026〕第7号"


def login(browser, base: str, username: str):
    page = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **DESKTOP).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".who .user")).to_be_visible()
    return page


def test_counties_file_and_office_sees(chromium, live_server, make_user, shots):
    make_user(Role.COUNTY, username="county-pingding", area=Area.objects.get(code="140321"), last_name="平定县")
    make_user(Role.OFFICE, username="office", last_name="王", first_name="值班员")
    now = timezone.now()
    warning = Warning.objects.create(
        number=NUMBER,
        status=Warning.Status.ACTIVE,
        level="orange",
        response_level="II",
        published_at=now - dt.timedelta(hours=6),
    )
    Response.objects.create(warning=warning, level="II", started_at=now - dt.timedelta(hours=6))

    # the county: its own headquarters, from the menu
    county = login(chromium, live_server.url, "county-pingding")
    county.get_by_role("navigation", name="主菜单").get_by_role("link", name="县区").click()
    expect(county.get_by_role("heading", name="平定县重污染天气应急指挥机构")).to_be_visible()
    hq = county.locator("section#headquarters")
    hq.get_by_text("添加人员").click()
    hq.locator("#id_headquarters_post").fill("总指挥")
    hq.locator("#id_headquarters_name").fill("李县长")
    hq.locator("#id_headquarters_position").fill("平定县人民政府县长")
    hq.locator("#id_headquarters_mobile").fill("13900000001")
    hq.get_by_role("button", name="添加").click()
    expect(county.locator(".messages")).to_contain_text("已添加 李县长")
    expect(county.locator("section#headquarters table")).to_contain_text("13900000001")
    shots(county, "county-headquarters")

    # the county files an extra measure for the response in force
    county.get_by_role("link", name="县区加强应急减排措施").click()
    county.get_by_role("link", name=NUMBER).click()
    form = county.locator("#file-measure")
    form.locator("#id_category").select_option("dust")
    form.locator("#id_measure").fill("县城建成区所有工地停止土石方作业，渣土车辆停驶")
    form.locator("#id_started_at").fill(timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"))
    form.locator("#id_scope").fill("县城建成区")
    form.locator("#id_sites").fill("12")
    form.get_by_role("button", name="填报").click()
    expect(county.locator(".messages")).to_contain_text("已填报加强应急减排措施")
    expect(county.locator("#measures")).to_contain_text("县城建成区所有工地停止土石方作业")
    shots(county, "county-files-measure")

    # the office: every county's measures of the response, and 附件6
    office = login(chromium, live_server.url, "office")
    office.get_by_role("navigation", name="主菜单").get_by_role("link", name="县区").click()
    expect(office.get_by_role("heading", name="县区应急指挥机构")).to_be_visible()
    office.get_by_role("link", name="县区加强应急减排措施").click()
    office.get_by_role("link", name=NUMBER).click()
    measures = office.locator("#measures")
    expect(measures).to_contain_text("平定县（1）")
    expect(measures).to_contain_text("县城建成区所有工地停止土石方作业")
    expect(office.locator("#file-measure")).to_have_count(0)
    shots(office, "office-sees-measures")
    office.goto(f"{live_server.url}/reviews/warnings/{warning.pk}/summary/")
    expect(office.locator(".county-measures-annex")).to_contain_text("县城建成区所有工地停止土石方作业")
    shots(office, "office-annex6")
