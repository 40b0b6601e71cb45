"""Importing the 应急减排清单: all or nothing, errors with row and column, upsert by name and county."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEntry
from measures.domain.registry import TEMPLATE_HEADERS
from measures.models import Enterprise
from measures.services import EnterpriseImportRejected, enterprise_import, enterprise_preview

from .conftest import row, xlsx_bytes

GOOD = [
    row(),
    row(name="测试铸造有限公司", area="郊区", industry="铸造", subtype="铸造用生铁企业", grade="C", fuel="燃气"),
    row(name="测试洗煤厂", area="矿区", industry="独立煤炭洗选及仓储物流业", grade="", so2=0, nox=1, pm=8, fuel="电"),
    row(
        name="测试印刷部",
        area="城区",
        industry="包装印刷",
        grade="D",
        so2=0,
        nox=0,
        pm=0,
        vocs=0.05,
        fuel="电",
        single="是",
    ),
    row(
        name="测试砖坯场",
        area="140321",
        industry="砖瓦窑",
        grade="D",
        so2=0,
        nox=0,
        pm=0.02,
        fuel="电",
        seasonal="是",
        daily=0.2,
        single="是",
    ),
    row(name="测试化工", area="开发区", industry="其他", grade="B", fuel="天然气", unit="市生态环境局"),
]


def test_good_file_is_imported_with_defaults_for_units(plan):
    outcome = enterprise_import(data=xlsx_bytes(GOOD), name="清单.xlsx")
    assert (outcome.row_count, outcome.created, outcome.updated, outcome.unchanged) == (6, 6, 0, 0)
    lime = Enterprise.objects.get(name="测试石灰有限公司")
    assert lime.area.code == "140321" and lime.industry.seq == 1 and lime.grade == "C"
    assert lime.so2_t == Decimal("10") and lime.fuel == "coal" and lime.production_lines == 2
    assert lime.responsible_unit.slug == "gongxin"
    assert Enterprise.objects.get(name="测试洗煤厂").responsible_unit.slug == "nengyuan"
    assert Enterprise.objects.get(name="测试化工").responsible_unit.slug == "shengtai"
    assert Enterprise.objects.get(name="测试化工").industry.seq == 22
    assert Enterprise.objects.get(name="测试化工").area.code == "kfq"
    bricks = Enterprise.objects.get(name="测试砖坯场")
    assert bricks.seasonal and bricks.daily_emission_kg == Decimal("0.2") and bricks.single_pollutant
    assert Enterprise.objects.get(name="测试铸造有限公司").subtype == "铸造用生铁企业"
    entry = AuditEntry.objects.filter(action="measures.enterprises.imported").latest("id")
    assert entry.data["created"] == 6


def test_same_file_twice_stores_nothing_new(plan):
    data = xlsx_bytes(GOOD)
    enterprise_import(data=data, name="清单.xlsx")
    stamps = dict(Enterprise.objects.values_list("pk", "updated_at"))
    outcome = enterprise_import(data=data, name="清单.xlsx")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 6)
    assert Enterprise.objects.count() == 6
    assert dict(Enterprise.objects.values_list("pk", "updated_at")) == stamps


def test_changed_row_updates_by_name_and_county(plan):
    enterprise_import(data=xlsx_bytes(GOOD), name="清单.xlsx")
    changed = [row(grade="D", so2=12), row(name="测试石灰有限公司", area="盂县")]
    outcome = enterprise_import(data=xlsx_bytes(changed), name="清单2.xlsx")
    assert (outcome.created, outcome.updated) == (1, 1)
    assert Enterprise.objects.filter(name="测试石灰有限公司").count() == 2
    lime = Enterprise.objects.get(name="测试石灰有限公司", area__code="140321")
    assert lime.grade == "D" and lime.so2_t == Decimal("12")


def test_title_row_above_headers_and_header_variants_are_accepted(plan):
    headers = [h.replace("(吨)", "（吨）") for h in TEMPLATE_HEADERS]
    outcome = enterprise_import(data=xlsx_bytes([row()], headers, title="某某清单"), name="清单.xlsx")
    assert outcome.created == 1


BAD_ROWS = [
    (row(name=""), "企业名称", "不能为空"),
    (row(area="太原"), "所属县区", "未知县区"),
    (row(area="阳泉市"), "所属县区", "是全市"),
    (row(industry="钢铁"), "行业", "未知行业"),
    (row(industry="铸造", subtype="轮胎翻新企业"), "子类", "不是铸造在附件11中的子类"),
    (row(grade="E"), "绩效等级", "未知绩效等级"),
    (row(lines="两条"), "生产线数量", "不是非负整数"),
    (row(so2="很多"), "二氧化硫年排放量(吨)", "不是数字"),
    (row(nox=-1), "氮氧化物年排放量(吨)", "不能为负数"),
    (row(fuel="核能"), "燃料类型", "未知燃料类型"),
    (row(fuel=""), "燃料类型", "不能为空"),
    (row(toxic="也许"), "是否涉及有毒有害及恶臭气体", "应填“是”或“否”"),
    (row(unit="市不存在局"), "责任单位", "未知成员单位"),
]


@pytest.mark.parametrize(("bad", "column", "message"), BAD_ROWS, ids=[b[1] + b[2] for b in BAD_ROWS])
def test_one_bad_row_rejects_the_whole_file(plan, bad, column, message):
    data = xlsx_bytes([row(name="好企业甲"), bad, row(name="好企业乙")])
    with pytest.raises(EnterpriseImportRejected) as info:
        enterprise_import(data=data, name="坏清单.xlsx")
    errors = info.value.errors
    assert len(errors) == 1
    assert (errors[0].file, errors[0].row, errors[0].column) == ("坏清单.xlsx", 3, column)
    assert message in errors[0].message
    assert "第 3 行" in str(info.value)
    assert not Enterprise.objects.exists()


def test_every_error_is_listed_with_row_and_column(plan):
    data = xlsx_bytes([row(area="太原", fuel="核能"), row(name="乙", grade="Z"), row(name="乙")])
    result = enterprise_preview(data=data, name="x.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "所属县区"), (2, "燃料类型"), (3, "绩效等级")]
    assert result.rows == []


def test_duplicate_enterprise_in_one_file_is_an_error(plan):
    result = enterprise_preview(data=xlsx_bytes([row(), row()]), name="x.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(3, "企业名称")]
    assert "与第 2 行重复" in result.errors[0].message


def test_missing_column_and_unreadable_file(plan):
    headers = [h for h in TEMPLATE_HEADERS if h != "燃料类型"]
    result = enterprise_preview(data=xlsx_bytes([row()[:10] + row()[11:]], headers), name="x.xlsx")
    assert [(e.row, e.column, e.message) for e in result.errors] == [(1, "燃料类型", "缺少「燃料类型」列")]
    assert not enterprise_preview(data=b"not a spreadsheet", name="x.xlsx").ok
    assert "只接受 Excel" in enterprise_preview(data=b"a,b", name="x.csv").errors[0].message
    assert "找不到表头" in enterprise_preview(data=xlsx_bytes([], ["名称", "地址"]), name="x.xlsx").errors[0].message


def test_warnings_for_grades_the_annex_lacks(plan):
    result = enterprise_preview(
        data=xlsx_bytes([row(grade="引领性"), row(name="乙", grade=""), row(name="丙", seasonal="是", single="是")]),
        name="x.xlsx",
    )
    assert result.ok
    text = "\n".join(result.warnings)
    assert "石灰窑在附件11中没有「引领性」等级" in text and "未评定绩效等级" in text and "未填日排放量" in text


def test_import_command_success_and_failure(plan, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    call_command("import_enterprises", str(good))
    assert "新增 6 家" in capsys.readouterr().out
    call_command("import_enterprises", str(good))
    assert "新增 0 家，更新 0 家，未变 6 家" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([row(name="新企业"), row(name="坏企业", area="太原")]))
    with pytest.raises(CommandError, match="1 处错误"):
        call_command("import_enterprises", str(bad))
    assert "第 3 行" in capsys.readouterr().err
    assert not Enterprise.objects.filter(name="新企业").exists()


def test_demo_generator_makes_a_valid_marked_list(plan, tmp_path, capsys, settings):
    from openpyxl import load_workbook

    out = tmp_path / "demo" / "清单.xlsx"
    call_command("make_demo_enterprises", "-o", str(out))
    book = load_workbook(out)
    assert "演示数据" in book.worksheets[0].title and "演示数据" in book.worksheets[0]["A1"].value
    result = enterprise_preview(data=out.read_bytes(), name=out.name)
    assert result.ok, result.errors
    assert len(result.rows) == 60
    assert all(r.name.endswith("（演示）") for r in result.rows)
    assert {r.area_code for r in result.rows} == {"140302", "140303", "140311", "140321", "140322", "kfq"}
    assert {r.industry_seq for r in result.rows} == set(range(1, 23))
    settings.DEMO_ACCOUNTS_ALLOWED = True
    call_command("make_demo_enterprises", "--import")
    assert Enterprise.objects.count() == 60
    call_command("make_demo_enterprises", "--import")
    assert "新增 0 家" in capsys.readouterr().out
    settings.DEMO_ACCOUNTS_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境"):
        call_command("make_demo_enterprises", "--import")
