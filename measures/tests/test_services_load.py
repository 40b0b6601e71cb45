"""附件11 and §5.3 as data: loaded faithfully and idempotently from fixtures/plan."""

from __future__ import annotations

import json

import pytest

from command.models import MemberUnit
from command.services import plan_load
from measures import selectors
from measures.domain.constants import GRADES, LEVELS
from measures.models import Annex11Note, Industry, IndustryMeasure, ReductionTarget, ResponseMeasure
from measures.services import ANNEX11_FILE, MEASURES_FILE, MeasuresDataError, measures_load

NON_EMPTY_CELLS = {"III": 98, "II": 99, "I": 100}


def test_every_industry_is_present_at_every_level_with_six_grade_cells(plan):
    assert Industry.objects.count() == 22
    for level in LEVELS:
        rows = selectors.annex11_table(level)
        assert [r.industry.seq for r in rows] == list(range(1, 23))
        for r in rows:
            assert list(r.cells) == list(GRADES)


@pytest.mark.parametrize("level", LEVELS)
def test_non_empty_cells_per_level_match_the_transcription(plan, level):
    rows = selectors.annex11_table(level)
    assert sum(r.non_empty for r in rows) == NON_EMPTY_CELLS[level]


def test_entry_counts_match_the_json_exactly(plan):
    data = json.loads(ANNEX11_FILE.read_text(encoding="utf-8"))
    expected = sum(len(i["cells"][lv][g]) for i in data["industries"] for lv in LEVELS for g in GRADES)
    assert IndustryMeasure.objects.count() == expected
    for item in data["industries"]:
        for level in LEVELS:
            for grade in GRADES:
                stored = [(m.subtype or None, m.text) for m in selectors.cell_for(level, item["seq"], grade)]
                assert stored == [(e["subtype"], e["text"]) for e in item["cells"][level][grade]], (
                    item["name"],
                    level,
                    grade,
                )


def test_spot_check_lime_kiln_iii_c(plan):
    cell = selectors.cell_for("III", "石灰窑", "C")
    assert len(cell) == 1 and cell[0].subtype == ""
    assert cell[0].text.startswith("停产 50%，以生产线计；")
    assert cell[0].text == "停产 50%，以生产线计；停止使用国四及以下重型载货车辆（含燃气）进行运输。"
    assert selectors.cell_for("III", "石灰窑", "引领性") == []


def test_spot_check_foundry_c_has_two_subtypes(plan):
    cell = selectors.cell_for("III", "铸造", "C")
    assert [m.subtype for m in cell] == ["铸件企业", "铸造用生铁企业"]
    assert cell[0].text == "停止使用国四及以下重型载货车辆（含燃气）进行运输。"
    assert cell[1].text.startswith("烧结、球团限产 25%（含）以上")
    d = selectors.cell_for("III", "铸造", "D")
    assert d[0].text == "所有涉气工序停产，停止公路运输。"


def test_spot_checks_other_subtypes_and_merged_rows(plan):
    assert selectors.cell_for("II", "铁合金", "引领性")[0].subtype == "电解锰企业"
    assert selectors.cell_for("III", "水泥", "非引领性")[0].subtype == "粉磨站（系统）、矿渣粉、水泥制品等工业企业"
    assert selectors.cell_for("II", "砖瓦窑", "引领性")[0].subtype == "非烧结砖企业"
    rubber = [m.subtype for m in selectors.cell_for("III", "橡胶制品制造", "B")]
    assert rubber[1:] == ["日用及医用橡胶制品制造", "轮胎翻新企业"]
    for level in LEVELS:
        texts = {g: [m.text for m in selectors.cell_for(level, 20, g)] for g in GRADES}
        assert all(t == ["全部停产"] for t in texts.values())
    assert Industry.objects.get(seq=21).single_measure
    assert selectors.cell_for("I", 21, "C")[0].text == "停产，停止使用国四及以下重型载货车辆（含燃气）进行运输。"


def test_names_that_differ_by_level(plan):
    recycled = Industry.objects.get(seq=7)
    assert recycled.name == "再生铜、铝、铅、锌"
    assert recycled.name_at("III") == "再生铜、铅、铝、锌"
    assert selectors.find_industry("再生铜、铅、铝、锌") == recycled
    assert selectors.annex11_table("III", industry=21)[0].name == "独立煤炭洗选行业及仓储物流业"


def test_notes_per_level(plan):
    assert Annex11Note.objects.count() == 6
    ends = {lv: selectors.annex11_notes(lv).get(number=2).text for lv in LEVELS}
    assert ends["III"].endswith("可不采取限产措施。")
    assert ends["II"].endswith("可不采取停产措施。")
    assert ends["I"].endswith("可不采取停限产措施。") and "组份" in ends["I"]


def test_response_measures_and_targets(plan):
    assert {t.level: t.percent for t in ReductionTarget.objects.all()} == {"III": 20, "II": 30, "I": 40}
    iii = list(selectors.measures_for_level("III"))
    assert [m.category for m in iii][:5] == ["health"] * 5
    assert len(iii) == 14 and len(selectors.measures_for_level("II")) == 15
    industry = next(m for m in iii if m.category == "mandatory_industry")
    assert "小微涉气企业进行豁免" in industry.text
    assert {"shengtai", "gongxin", "nengyuan", "gongdian", "pingding"} <= {u.slug for u in industry.units.all()}
    schools = next(m for m in iii if "中小学" in m.text)
    assert [u.slug for u in schools.units.all()] == ["jiaoyu"]
    fireworks = next(m for m in iii if m.category == "fireworks")
    assert fireworks.title == "②扬尘控制措施"
    with_ozone = list(selectors.measures_for_level("I", ozone=True))
    assert with_ozone[-1].category == "ozone" and with_ozone[-1].level == ""
    assert [m.text for m in selectors.measures_for_unit("II", MemberUnit.objects.get(slug="jiaoyu"))] == [
        "中小学、幼儿园停止室外课程及活动。"
    ]


def test_measures_for_level_prefetches_units(plan, django_assert_num_queries):
    with django_assert_num_queries(2):
        for m in selectors.measures_for_level("II"):
            list(m.units.all())


def test_loading_twice_creates_nothing(plan):
    counts = [m.objects.count() for m in (Industry, IndustryMeasure, Annex11Note, ResponseMeasure, ReductionTarget)]
    report = measures_load()
    assert report.total_created == 0 and report.total_updated == 0
    report = plan_load()
    assert report.total_created == 0 and report.total_updated == 0
    assert [
        m.objects.count() for m in (Industry, IndustryMeasure, Annex11Note, ResponseMeasure, ReductionTarget)
    ] == counts


def test_plan_load_reports_the_measures_it_created(plan):
    IndustryMeasure.objects.filter(industry__seq=1, level="III", grade="C").delete()
    ResponseMeasure.objects.filter(level="I", order=3).delete()
    report = plan_load()
    assert report.created == {"industry_measure": 1, "response_measure": 1}
    assert selectors.cell_for("III", 1, "C")[0].text.startswith("停产 50%")


def test_update_rewrites_edited_text_and_keeps_it_otherwise(plan):
    entry = selectors.cell_for("II", 9, "B")[0]
    entry.text = "已修改"
    entry.save()
    measures_load()
    assert IndustryMeasure.objects.get(pk=entry.pk).text == "已修改"
    report = measures_load(update=True)
    assert report.updated == {"industry_measure": 1}
    assert IndustryMeasure.objects.get(pk=entry.pk).text.startswith("限产20%")


def test_load_is_all_or_nothing(plan, tmp_path):
    data = json.loads(MEASURES_FILE.read_text(encoding="utf-8"))
    data["levels"]["I"]["sections"][0]["items"][0]["units"].append("no-such-unit")
    bad = tmp_path / "measures.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    ResponseMeasure.objects.filter(level="III").delete()
    with pytest.raises(MeasuresDataError, match="no-such-unit"):
        measures_load(measures_path=bad)
    assert not ResponseMeasure.objects.filter(level="III").exists()
