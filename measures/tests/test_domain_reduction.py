"""Reduction factors of 附件11 texts and the estimate's arithmetic (no database)."""

from __future__ import annotations

import json

import pytest

from measures.domain.constants import POLLUTANTS
from measures.domain.reduction import (
    KILN_HOLD,
    TRANSPORT_FULL,
    TRANSPORT_PARTIAL,
    Factor,
    Source,
    combined_factor,
    entry_factor,
    estimate,
)
from measures.services import ANNEX11_FILE

TRUCKS = "停止使用国四及以下重型载货车辆（含燃气）进行运输。"

# (text, SO2, NOx, PM, VOCs production share, transport share)
FACTORS = [
    ("鼓励结合实际，自主采取减排措施。", (0, 0, 0, 0), 0),
    (TRUCKS, (0, 0, 0, 0), TRANSPORT_PARTIAL),
    ("停产 50%，以生产线计；" + TRUCKS, (0.5,) * 4, TRANSPORT_PARTIAL),
    ("停产，" + TRUCKS, (1,) * 4, TRANSPORT_PARTIAL),
    ("全部停产", (1,) * 4, 0),
    ("所有涉气工序停产，停止公路运输。", (1,) * 4, TRANSPORT_FULL),
    ("烧结、球团限产 25%（含）以上（单条生产线的降低生产负荷…）；" + TRUCKS, (0.25,) * 4, TRANSPORT_PARTIAL),
    ("熟料烧成和焙烧工序停30%，以生产线计（停产一年以上生产线不计入基数）；" + TRUCKS, (0.3,) * 4, TRANSPORT_PARTIAL),
    ("50%焙烧工序停产保密，以生产线计；停止公路运输。", (0.5,) * 4, TRANSPORT_FULL),
    ("停产保密；停止公路运输。", (1,) * 4, TRANSPORT_FULL),
    ("停产10%，以电解槽计，同时火法碳渣处理线停产，停止脱硫系统大修；" + TRUCKS, (0.1,) * 4, TRANSPORT_PARTIAL),
    (
        "焙烧工序停产30%及以上，以火焰系统计；石墨化炉工艺用电控制70%以内（以本年度非采暖季工艺日均用电量为基数）；"
        + TRUCKS,
        (0.3,) * 4,
        TRANSPORT_PARTIAL,
    ),
    ("熔炼工序停产50%，以熔炼炉和产能计；挤压、喷涂、辊涂等工序停产；" + TRUCKS, (0.5,) * 4, TRANSPORT_PARTIAL),
    ("混炼、硫化等涉VOCs排放工序停产；" + TRUCKS, (0, 0, 0, 1), TRANSPORT_PARTIAL),
    (
        "使用溶剂型原辅材料的调墨、印刷等涉及 VOCs 排放生产工序限产 50%，以印刷机数量计；" + TRUCKS,
        (0, 0, 0, 0.5),
        TRANSPORT_PARTIAL,
    ),
    ("破碎、成型等排放颗粒物工序停产；" + TRUCKS, (0, 0, 1, 0), TRANSPORT_PARTIAL),
    (
        "禁止新坯进窑或蹲火保温，并保证窑内产品生产完成，预警响应时间连续超过60小时，应减少原量进窑40%；破碎、成型等工序使用国四及以下重型载货车（含燃气）进行运输。",
        (KILN_HOLD,) * 4,
        TRANSPORT_PARTIAL,
    ),
    (
        "停产50%（以生产线计），剩余50%以生产线禁止新坯进窑或蹲火保温；破碎、成型等涉及颗粒物排放工序停产；停止公路运输。",
        (0.75,) * 4,
        TRANSPORT_FULL,
    ),
    ("禁止新坯进窑或蹲火保密，破碎、成型等排放PM工序停产；停止公路运输。", (0.5, 0.5, 1, 0.5), TRANSPORT_FULL),
    (
        "未满足《低挥发性有机化合物含量涂料产品技术要求》的溶剂型涂料生产车间配料、预混等工序停产；" + TRUCKS,
        (0.5,) * 4,
        TRANSPORT_PARTIAL,
    ),
    ("以阳泉市重污染天气应急减排清单的应急减排措施为准", (0, 0, 0, 0), 0),
]


@pytest.mark.parametrize(("text", "shares", "transport"), FACTORS, ids=[t[:16] for t, *_ in FACTORS])
def test_entry_factor(text, shares, transport):
    factor = entry_factor(text)
    assert tuple(factor.production[p] for p in POLLUTANTS) == pytest.approx(shares)
    assert factor.transport == transport
    assert factor.basis


def test_transport_cuts_nox_and_pm_only_on_what_production_leaves():
    factor = entry_factor("停产 50%，以生产线计；" + TRUCKS)
    assert factor.for_pollutant("so2") == 0.5
    assert factor.for_pollutant("vocs") == 0.5
    assert factor.for_pollutant("nox") == pytest.approx(0.5 + 0.5 * 0.03)
    assert factor.for_pollutant("pm") == pytest.approx(0.515)


def test_per_registry_text_is_flagged():
    assert entry_factor("以阳泉市重污染天气应急减排清单的应急减排措施为准").per_registry


def test_every_annex11_text_gets_a_factor_between_0_and_1():
    data = json.loads(ANNEX11_FILE.read_text(encoding="utf-8"))
    texts = {e["text"] for i in data["industries"] for c in i["cells"].values() for cell in c.values() for e in cell}
    for text in texts:
        factor = entry_factor(text)
        assert all(0 <= v <= 1 for v in factor.by_pollutant.values()), text
        assert factor.basis, text
        stops = "停产" in text or "限产" in text or "停30%" in text or "停50%" in text or "停70%" in text
        if stops and "禁止新坯" not in text:
            assert max(factor.production.values()) > 0, text


def test_combined_factor_takes_the_strongest_per_pollutant():
    combined = combined_factor(["鼓励结合实际，自主采取减排措施。", "涉气排放工序停产；" + TRUCKS])
    assert combined.production == dict.fromkeys(POLLUTANTS, 1.0)
    mixed = combined_factor(["混炼、硫化等涉VOCs排放工序停产；", "停产 30%；停止公路运输。"])
    assert mixed.production == {"so2": 0.3, "nox": 0.3, "pm": 0.3, "vocs": 1.0}
    assert mixed.transport == TRANSPORT_FULL


def _src(
    key, *, so2=0.0, nox=0.0, pm=0.0, vocs=0.0, share=0.0, transport=0.0, counted=True, area="平定县", industry="石灰窑"
):
    return Source(
        key,
        f"企业{key}",
        area,
        industry,
        {"so2": so2, "nox": nox, "pm": pm, "vocs": vocs},
        Factor(dict.fromkeys(POLLUTANTS, share), transport, "test"),
        counted,
    )


def test_estimate_on_a_small_hand_made_registry():
    sources = [
        _src(1, so2=100, nox=200, pm=50, share=1.0),  # stopped
        _src(2, so2=100, nox=100, pm=50, share=0.5, transport=0.03, area="盂县"),  # half
        _src(3, so2=200, nox=100, pm=100, share=0.0, transport=0.03, industry="水泥"),  # trucks only
        _src(4, vocs=0.05, counted=False, area="城区", industry="包装印刷"),  # exempt
    ]
    result = estimate(sources, target_percent=30, exempt_keys=frozenset({4}))
    lines = {line.pollutant: line for line in result.lines}
    so2 = lines["so2"]
    assert so2.total == 400 and so2.cut == 150
    assert so2.percent == pytest.approx(37.5) and not so2.short and so2.shortfall == 0
    nox = lines["nox"]
    # 200 + 100 × (0.5 + 0.5 × 0.03) + 100 × 0.03 = 200 + 51.5 + 3
    assert nox.total == 400 and nox.cut == pytest.approx(254.5) and not nox.short
    pm = lines["pm"]
    # 50 + 50 × 0.515 + 100 × 0.03 = 78.75 of 200 → 39.4 %
    assert pm.cut == pytest.approx(78.75) and pm.percent == pytest.approx(39.375)
    vocs = lines["vocs"]
    assert vocs.total == pytest.approx(0.05) and vocs.cut == 0 and vocs.exempt == pytest.approx(0.05)
    assert vocs.short and vocs.shortfall == pytest.approx(0.015)
    assert result.short == [vocs] and not result.meets_target


def test_shortfall_points_to_the_largest_remaining_emitters():
    sources = [
        _src(1, so2=100, share=1.0),
        _src(2, so2=100, share=0.1, area="盂县", industry="氧化铝"),
        _src(3, so2=50, share=0.0, area="郊区", industry="水泥"),
        _src(4, so2=10, share=0.0, area="盂县", industry="水泥"),
    ]
    result = estimate(sources, target_percent=40, top=2)
    so2 = result.lines[0]
    assert so2.total == 260 and so2.cut == pytest.approx(110)
    assert not so2.short and so2.shortfall == 0  # 40 % of 260 = 104 ≤ 110
    result = estimate(sources, target_percent=50, top=2)
    so2 = result.lines[0]
    assert so2.short and so2.shortfall == pytest.approx(20)
    assert [h.label for h in result.top_sources["so2"]] == ["企业2", "企业3"]
    assert result.top_sources["so2"][0].remaining == pytest.approx(90)
    assert [(h.label, h.remaining) for h in result.by_area["so2"]] == [("盂县", pytest.approx(100)), ("郊区", 50)]
    assert result.by_industry["so2"][0].label == "氧化铝"
    assert "企业1" not in [h.label for h in result.top_sources["so2"]]


def test_empty_registry_is_not_short():
    result = estimate([], target_percent=20)
    assert result.meets_target and all(line.total == 0 and line.percent == 0 for line in result.lines)
