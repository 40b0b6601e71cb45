"""The small-micro exemption (附件11 备注（2）): every condition, table-driven, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from measures.domain.exemption import DAILY_LIMIT_KG, EnterpriseFacts, small_micro_exemption

D = Decimal


def facts(**overrides) -> EnterpriseFacts:
    base = {
        "fuel": "electric",
        "single_pollutant": True,
        "toxic_or_odorous": False,
        "seasonal": False,
        "vocs_t": D("0.05"),
    }
    base.update(overrides)
    return EnterpriseFacts(**base)


CASES = [
    # (id, overrides, exempt, failed conditions)
    ("small_electric_printer", {}, True, ()),
    ("gas_fuel_is_fine", {"fuel": "gas"}, True, ()),
    ("no_fuel_is_fine", {"fuel": "none"}, True, ()),
    ("coal_is_never_exempt", {"fuel": "coal"}, False, ("fuel",)),
    ("oil_is_never_exempt", {"fuel": "oil"}, False, ("fuel",)),
    ("several_components", {"single_pollutant": False}, False, ("single",)),
    ("declared_single_but_two_pollutants", {"pm_t": D("0.01")}, False, ("single",)),
    ("toxic_or_odorous", {"toxic_or_odorous": True}, False, ("toxic",)),
    ("exactly_100_kg_is_included", {"vocs_t": D("0.1")}, True, ()),
    ("just_over_100_kg", {"vocs_t": D("0.100001")}, False, ("amount",)),
    ("large_emitter", {"vocs_t": D("3")}, False, ("amount",)),
    ("zero_emissions", {"vocs_t": D("0")}, True, ()),
    ("seasonal_judged_by_day_under", {"seasonal": True, "vocs_t": D("5"), "daily_emission_kg": D("0.27")}, True, ()),
    ("seasonal_judged_by_day_at_limit", {"seasonal": True, "daily_emission_kg": DAILY_LIMIT_KG}, True, ()),
    (
        "seasonal_judged_by_day_over",
        {"seasonal": True, "vocs_t": D("0.01"), "daily_emission_kg": D("0.28")},
        False,
        ("amount",),
    ),
    ("seasonal_without_daily_figure", {"seasonal": True}, False, ("amount",)),
    (
        "everything_wrong",
        {"fuel": "coal", "single_pollutant": False, "toxic_or_odorous": True, "vocs_t": D("2")},
        False,
        ("fuel", "single", "toxic", "amount"),
    ),
]


@pytest.mark.parametrize(("overrides", "exempt", "failed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_exemption_conditions(overrides, exempt, failed):
    decision = small_micro_exemption(facts(**overrides))
    assert decision.exempt is exempt
    assert decision.failed == failed
    assert decision.reasons, "a decision always says why"


def test_exempt_decision_lists_every_condition_that_holds():
    decision = small_micro_exemption(facts(fuel="gas", vocs_t=D("0.08")))
    assert decision.exempt
    assert (
        decision.summary
        == "非燃煤、非燃油（燃气）；污染物组分单一；无有毒有害及恶臭气体；年排放总量 80 千克，不超过 100 千克"
    )


def test_refusal_names_the_failing_conditions_only():
    decision = small_micro_exemption(facts(fuel="coal", vocs_t=D("0.5")))
    assert decision.reasons == ("使用燃煤（豁免仅限非燃煤、非燃油企业）", "年排放总量 500 千克，超过 100 千克")


def test_seasonal_reason_shows_the_daily_arithmetic():
    decision = small_micro_exemption(facts(seasonal=True, daily_emission_kg=D("0.2")))
    assert decision.exempt
    assert "日排放 0.2 千克 × 365 = 73 千克/年" in decision.summary


def test_annual_total_adds_all_four_pollutants():
    f = EnterpriseFacts("gas", False, False, False, D("0.01"), D("0.02"), D("0.03"), D("0.04"))
    assert f.annual_total_kg == D("100")
    assert f.pollutants_present == 4
