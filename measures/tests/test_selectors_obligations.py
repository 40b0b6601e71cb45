"""Obligations during a response: each enterprise's cell, exemptions, flags, groups, estimate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from measures import selectors
from measures.domain.reduction import TRANSPORT_PARTIAL


@pytest.fixture
def registry(make_enterprise):
    """A small hand-made registry in two counties."""
    return {
        "lime_c": make_enterprise("石灰甲", grade="C", so2=100, nox=100, pm=40),
        "lime_d": make_enterprise("石灰乙", grade="D", so2=50, nox=50, pm=10, area="140322"),
        "foundry_iron": make_enterprise(
            "生铁丙", industry=2, grade="C", subtype="铸造用生铁企业", so2=20, nox=20, pm=20
        ),
        "foundry_blank": make_enterprise("铸造丁", industry=2, grade="C", so2=5, nox=5, pm=5, area="140322"),
        "no_grade": make_enterprise("未评级戊", grade="", so2=10),
        "bad_grade": make_enterprise("引领己", grade="引领性", so2=10),
        "small": make_enterprise(
            "小微庚",
            industry=18,
            grade="D",
            vocs=Decimal("0.05"),
            fuel="electric",
            single_pollutant=True,
            area="140322",
            unit="shengtai",
        ),
        "coal_washing": make_enterprise("洗煤辛", industry=21, grade="", pm=30, fuel="electric", unit="nengyuan"),
    }


def _by_name(result):
    return {o.enterprise.name: o for o in result.items}


def test_each_enterprise_gets_its_cell_or_exemption_or_a_flag(registry):
    result = selectors.obligations_for("III")
    got = _by_name(result)
    assert got["石灰甲"].status == "cell"
    assert [e.text for e in got["石灰甲"].entries] == [
        "停产 50%，以生产线计；停止使用国四及以下重型载货车辆（含燃气）进行运输。"
    ]
    assert got["石灰乙"].factor.production["so2"] == 1.0
    assert [e.subtype for e in got["生铁丙"].entries] == ["铸造用生铁企业"]
    assert got["铸造丁"].status == "subtype" and "铸件企业" in got["铸造丁"].problem
    assert got["未评级戊"].status == "no_grade"
    assert got["引领己"].status == "empty_cell" and "引领性" in got["引领己"].problem
    assert got["小微庚"].exempt and "年排放总量 50 千克" in got["小微庚"].exemption.summary
    assert got["洗煤辛"].status == "cell" and "运输" in got["洗煤辛"].entries[0].text  # merged row, no grade needed
    assert {o.enterprise.name for o in result.flagged} == {"铸造丁", "未评级戊", "引领己"}


def test_obligations_follow_the_level(registry):
    ii = _by_name(selectors.obligations_for("II"))
    assert ii["石灰甲"].entries[0].text.startswith("停产50%")
    i = _by_name(selectors.obligations_for("I"))
    assert i["洗煤辛"].entries[0].text.startswith("停产，")
    assert i["洗煤辛"].factor.production["pm"] == 1.0


def test_grouping_by_county_and_by_unit(registry):
    result = selectors.obligations_for("II")
    assert [g.label for g in result.by_area] == ["平定县", "盂县"]
    assert len(result.by_area[0].items) == 5 and result.by_area[1].exempt == 1
    units = {g.key: len(g.items) for g in result.by_unit}
    assert units == {"gongxin": 6, "shengtai": 1, "nengyuan": 1}
    assert [g.key for g in result.by_unit] == ["gongxin", "shengtai", "nengyuan"]


def test_reduction_estimate_on_the_registry(registry):
    result = selectors.obligations_for("III")
    assert result.target_percent == 20
    so2 = next(line for line in result.estimate.lines if line.pollutant == "so2")
    # totals include flagged and exempt enterprises; cut: 100×0.5 + 50×1 + 20×0.25
    assert so2.total == pytest.approx(195)  # 100 + 50 + 20 + 5 + 10 + 10
    assert so2.cut == pytest.approx(105)
    pm = next(line for line in result.estimate.lines if line.pollutant == "pm")
    t = TRANSPORT_PARTIAL
    expected = 40 * (0.5 + 0.5 * t) + 10 * 1 + 20 * (0.25 + 0.75 * t) + 30 * t
    assert pm.cut == pytest.approx(expected)
    vocs = next(line for line in result.estimate.lines if line.pollutant == "vocs")
    assert vocs.exempt == pytest.approx(0.05) and vocs.short
    assert result.estimate.top_sources["vocs"][0].label == "小微庚"
    assert "豁免" in result.estimate.top_sources["vocs"][0].detail


def test_county_and_unit_users_see_their_slice(registry, make_user):
    from command.models import Area, MemberUnit

    county = make_user("county", area=Area.objects.get(code="140322"))
    assert {o.enterprise.name for o in selectors.obligations_for("II", user=county).items} == {
        "石灰乙",
        "铸造丁",
        "小微庚",
    }
    shengtai = make_user("unit", unit=MemberUnit.objects.get(slug="shengtai"))
    assert [o.enterprise.name for o in selectors.obligations_for("II", user=shengtai).items] == ["小微庚"]
    yuxian_gov = make_user("unit", unit=MemberUnit.objects.get(slug="yuxian"))
    assert {o.enterprise.name for o in selectors.obligations_for("II", user=yuxian_gov).items} == {
        "石灰乙",
        "铸造丁",
        "小微庚",
    }
    office = make_user("office")
    assert len(selectors.obligations_for("II", user=office).items) == 8


def test_unknown_level_is_refused(plan):
    with pytest.raises(selectors.UnknownValue, match="未知响应级别"):
        selectors.obligations_for("IV")


def test_demo_registry_shows_every_case(plan, settings):
    from django.core.management import call_command

    settings.DEMO_ACCOUNTS_ALLOWED = True
    call_command("make_demo_enterprises", "--import", verbosity=0)
    for level in ("III", "II", "I"):
        result = selectors.obligations_for(level)
        assert len(result.items) == 60
        assert len(result.exempt) == 4  # the toxic paint shop is not exempt
        assert result.flagged
        lines = {line.pollutant: line for line in result.estimate.lines}
        assert all(line.total > 0 for line in lines.values())
        assert lines["so2"].percent > 0
