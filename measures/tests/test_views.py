"""Pages: §5.3 measures, the 附件11 table, the enterprise list and its upload, obligations, the
public lookup; who may open them and what each role sees."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from measures.models import Enterprise

from .conftest import row, xlsx_bytes


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_index_shows_measures_per_level_with_units(client, make_user):
    client.force_login(make_user("unit"))
    html = _html(client.get("/measures/"))
    assert "中小学、幼儿园停止室外课程及活动。" in html and "教育局" in html
    assert "20% 以上" in html
    html = _html(client.get("/measures/?level=I"))
    assert "40% 以上" in html and "停止举办各类大型群众性户外活动。" in html
    assert "臭氧污染减排措施" in html


def test_menu_has_the_measures_entry(client, make_user):
    client.force_login(make_user("county"))
    html = _html(client.get("/measures/"))
    assert 'href="/measures/"' in html and "减排措施" in html


def test_industry_table_with_subtypes_notes_and_filters(client, make_user):
    client.force_login(make_user("supervisor"))
    html = _html(client.get("/measures/industry/?level=III"))
    assert "铸造用生铁企业：" in html and "停产 50%，以生产线计" in html
    assert "再生铜、铅、铝、锌" in html  # Ⅲ spelling
    assert "小微涉气企业" in html  # note (2)
    assert html.count('class="annex-cell merged"') == 3
    html = _html(client.get("/measures/industry/", {"level": "II", "industry": "2", "grade": "C"}))
    assert "熔炼工序停产" in html and 'id="industry-1"' not in html and 'id="industry-2"' in html
    html = _html(client.get("/measures/industry/", {"level": "I", "q": "电解锰"}))
    assert "电解锰企业" in html and "1 个行业符合条件" in html


def test_enterprise_page_is_for_office_and_admin(client, make_user):
    for role, status in (("office", 200), ("admin", 200), ("county", 403), ("unit", 403), ("commander", 403)):
        client.force_login(make_user(role))
        assert client.get("/measures/enterprises/").status_code == status


def test_upload_preview_then_confirm(client, make_user):
    client.force_login(make_user("office"))
    upload = SimpleUploadedFile("清单.xlsx", xlsx_bytes([row(), row(name="第二家", area="盂县", grade="D")]))
    html = _html(client.post("/measures/enterprises/", {"file": upload}))
    assert "确认导入" in html and "第二家" in html and "盂县" in html
    assert not Enterprise.objects.exists()
    response = client.post("/measures/enterprises/import/", {"action": "confirm"})
    assert response.status_code == 302
    assert Enterprise.objects.count() == 2
    html = _html(client.get("/measures/enterprises/?area=140322"))
    assert "第二家" in html and "测试石灰有限公司" not in html
    # The same file again: the preview says nothing would change and offers no confirmation.
    upload = SimpleUploadedFile("清单.xlsx", xlsx_bytes([row(), row(name="第二家", area="盂县", grade="D")]))
    html = _html(client.post("/measures/enterprises/", {"file": upload}))
    assert "完全相同" in html and "确认导入" not in html


def test_bad_upload_shows_every_error_and_stores_nothing(client, make_user):
    client.force_login(make_user("office"))
    upload = SimpleUploadedFile("坏.xlsx", xlsx_bytes([row(), row(name="乙", area="太原"), row(name="丙", grade="Z")]))
    response = client.post("/measures/enterprises/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 处错误" in html and "未知县区「太原」" in html and "未知绩效等级「Z」" in html
    assert "确认导入" not in html
    response = client.post("/measures/enterprises/import/", {"action": "confirm"})
    assert Enterprise.objects.count() == 0


def test_template_download(client, make_user):
    from openpyxl import load_workbook

    client.force_login(make_user("office"))
    response = client.get("/measures/enterprises/template.xlsx")
    assert response.status_code == 200
    import io

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]][:3] == ["企业名称", "所属县区", "行业"]


@pytest.fixture
def two_counties(make_enterprise):
    make_enterprise("平定石灰厂", area="140321", grade="C", so2=100, nox=100, pm=20)
    make_enterprise("盂县石灰厂", area="140322", grade="D", so2=50, nox=50, pm=10)
    make_enterprise(
        "盂县印刷部",
        area="140322",
        industry=18,
        grade="D",
        vocs=0.05,
        fuel="electric",
        single_pollutant=True,
        unit="shengtai",
    )


def test_obligations_page_for_the_office(client, make_user, two_counties):
    client.force_login(make_user("office"))
    html = _html(client.get("/measures/obligations/?level=II"))
    assert "平定石灰厂" in html and "盂县石灰厂" in html
    assert "停产50%，以生产线计" in html
    assert "小微涉气企业豁免" in html
    assert "减排不足" in html and "挥发性有机物" in html  # the exempt printer is all the VOCs there is
    assert "目标 30%" in html
    html = _html(client.get("/measures/obligations/?level=I&group=unit"))
    assert "市工业和信息化局" in html and "市生态环境局" in html


def test_county_user_sees_only_its_county(client, make_user, two_counties):
    from command.models import Area

    client.force_login(make_user("county", area=Area.objects.get(code="140321")))
    html = _html(client.get("/measures/obligations/?level=III"))
    assert "平定石灰厂" in html and "盂县石灰厂" not in html and "盂县印刷部" not in html
    assert "平定县" in html


def test_unit_user_sees_the_enterprises_it_supervises(client, make_user, two_counties):
    from command.models import MemberUnit

    client.force_login(make_user("unit", unit=MemberUnit.objects.get(slug="shengtai")))
    html = _html(client.get("/measures/obligations/"))
    assert "盂县印刷部" in html and "石灰厂" not in html


def test_forecaster_may_not_open_obligations(client, make_user):
    client.force_login(make_user("forecaster"))
    assert client.get("/measures/obligations/").status_code == 403


def test_obligations_default_to_the_level_in_force(client, make_user, two_counties, monkeypatch):
    from measures import selectors

    monkeypatch.setattr(selectors, "response_in_force", lambda: "I")
    client.force_login(make_user("commander"))
    html = _html(client.get("/measures/obligations/"))
    assert "Ⅰ级响应，目标 40%" in html and "当前预警对应的响应级别：Ⅰ级响应" in html


def test_public_lookup_needs_no_login(client, plan):
    html = _html(client.get("/measures/enterprise-lookup/"))
    assert "所属行业" in html
    html = _html(client.get("/measures/enterprise-lookup/", {"industry": "2", "grade": "D", "level": "II"}))
    assert "铸件企业" in html and "铸造用生铁企业" in html and "停产；停止公路运输。" in html
    html = _html(client.get("/measures/enterprise-lookup/", {"industry": "1", "grade": "引领性", "level": "III"}))
    assert "没有“引领性”等级" in html
    html = _html(client.get("/measures/enterprise-lookup/", {"industry": "20", "grade": "B", "level": "I"}))
    assert "全部停产" in html and "各绩效等级" in html
    response = client.get("/measures/enterprise-lookup/", {"industry": "99", "grade": "B", "level": "I"})
    assert response.status_code == 200 and "请从列表中选择" in response.content.decode()
