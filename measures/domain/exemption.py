"""The small-micro enterprise exemption (小微涉气企业豁免), 附件11 备注（2） and §5.3.x ①.

The plan: "对非燃煤、非燃油，污染物组分单一、排放的大气污染物中无有毒有害及恶臭气体、污染物年排放
总量100千克以下（对于季节性生产企业，应按上述要求以日核算排放量）的小微涉气企业，在满足城市总体
减排要求的情况下，可不采取停限产措施。"

An enterprise is exempt when all four conditions hold:

1. fuel is neither coal nor oil (燃气、电 or none);
2. its pollutants are of a single component (污染物组分单一): the registry says so, and at most one of
   SO2, NOx, PM and VOCs has a non-zero annual figure (a registry that says "single" but lists two
   pollutants contradicts itself, and the enterprise is not exempted on a contradiction);
3. no toxic, hazardous or odorous gases (无有毒有害及恶臭气体);
4. the amount: annual total (SO2 + NOx + PM + VOCs) of at most 100 kg. "以下" includes the number
   itself, as Chinese statutes read it (刑法第九十九条：以上、以下、以内，包括本数), so exactly
   100 kg is exempt.
   For a seasonal producer (季节性生产企业) the annual total understates what it emits while it
   runs, so the plan says to judge "以日核算": we take the daily emission while producing, scale it
   to a year (× 365) and apply the same 100 kg limit — i.e. the daily figure must be at most
   100/365 ≈ 0.274 kg. A seasonal enterprise whose daily figure is missing cannot be judged and is
   not exempt (the reason says so).

The exemption is conditional on the city meeting its overall reduction ("在满足城市总体减排要求的情况
下"): the reduction estimate shows the emissions exempted, so the office can withdraw the exemption
when the target is not met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

#: 100 kg a year (附件11 备注（2）), in kilograms.
ANNUAL_LIMIT_KG = Decimal("100")
DAYS_PER_YEAR = Decimal("365")
#: The daily figure that corresponds to the annual limit for seasonal producers (kg/day).
DAILY_LIMIT_KG = ANNUAL_LIMIT_KG / DAYS_PER_YEAR
EXCLUDED_FUELS = frozenset({"coal", "oil"})
_FUEL_NAMES = {"coal": "燃煤", "oil": "燃油", "gas": "燃气", "electric": "电", "none": "无燃料"}


@dataclass(frozen=True)
class EnterpriseFacts:
    """What the exemption looks at. Emissions are annual tonnes (吨/年); the daily figure is kg/day."""

    fuel: str
    single_pollutant: bool
    toxic_or_odorous: bool
    seasonal: bool
    so2_t: Decimal = Decimal(0)
    nox_t: Decimal = Decimal(0)
    pm_t: Decimal = Decimal(0)
    vocs_t: Decimal = Decimal(0)
    daily_emission_kg: Decimal | None = None

    @property
    def annual_total_kg(self) -> Decimal:
        return (Decimal(self.so2_t) + Decimal(self.nox_t) + Decimal(self.pm_t) + Decimal(self.vocs_t)) * 1000

    @property
    def pollutants_present(self) -> int:
        return sum(1 for value in (self.so2_t, self.nox_t, self.pm_t, self.vocs_t) if Decimal(value) > 0)


@dataclass(frozen=True)
class ExemptionDecision:
    """``exempt`` with ``reasons`` saying why each condition holds (when exempt) or which conditions
    fail (when not). ``failed`` names the failing conditions: fuel, single, toxic, amount."""

    exempt: bool
    reasons: tuple[str, ...] = ()
    failed: tuple[str, ...] = field(default=())

    @property
    def summary(self) -> str:
        return "；".join(self.reasons)


def _kg(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'))}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def small_micro_exemption(facts: EnterpriseFacts) -> ExemptionDecision:
    """Decide the 小微涉气企业 exemption for one enterprise (module docstring)."""
    held: list[str] = []
    failed: list[tuple[str, str]] = []

    fuel_name = _FUEL_NAMES.get(facts.fuel, facts.fuel)
    if facts.fuel in EXCLUDED_FUELS:
        failed.append(("fuel", f"使用{fuel_name}（豁免仅限非燃煤、非燃油企业）"))
    else:
        held.append(f"非燃煤、非燃油（{fuel_name}）")

    if not facts.single_pollutant:
        failed.append(("single", "污染物组分不单一"))
    elif facts.pollutants_present > 1:
        failed.append(("single", f"清单标为组分单一，但有 {facts.pollutants_present} 种污染物排放量大于零"))
    else:
        held.append("污染物组分单一")

    if facts.toxic_or_odorous:
        failed.append(("toxic", "排放有毒有害或恶臭气体"))
    else:
        held.append("无有毒有害及恶臭气体")

    if facts.seasonal:
        if facts.daily_emission_kg is None:
            failed.append(("amount", "季节性生产企业未填日排放量，无法按日核算"))
        else:
            daily = Decimal(facts.daily_emission_kg)
            yearly = daily * DAYS_PER_YEAR
            text = f"季节性生产，按日核算：日排放 {_kg(daily)} 千克 × 365 = {_kg(yearly)} 千克/年"
            if yearly <= ANNUAL_LIMIT_KG:
                held.append(f"{text}，不超过 100 千克")
            else:
                failed.append(("amount", f"{text}，超过 100 千克"))
    else:
        total = facts.annual_total_kg
        if total <= ANNUAL_LIMIT_KG:
            held.append(f"年排放总量 {_kg(total)} 千克，不超过 100 千克")
        else:
            failed.append(("amount", f"年排放总量 {_kg(total)} 千克，超过 100 千克"))

    if failed:
        return ExemptionDecision(False, tuple(reason for _, reason in failed), tuple(key for key, _ in failed))
    return ExemptionDecision(True, tuple(held), ())
