"""Expected emission reduction of the enterprise registry during a response (减排量测算).

§5.3 requires the mandatory measures to cut SO2, NOx, PM and VOCs by 20 % (Ⅲ), 30 % (Ⅱ) and 40 %
(Ⅰ) of society's total. The plan gives no formula; this module turns each 附件11 entry into a
documented factor per pollutant and adds up the registry.

Production factor of one entry (:func:`entry_factor`), read clause by clause (split at ；。):

* 鼓励结合实际，自主采取减排措施 (A, 引领性) → 0.
* 以阳泉市重污染天气应急减排清单的应急减排措施为准 (其他类行业) → 0, flagged "set per
  enterprise" (the plan leaves the measure to the enterprise's own list entry).
* A printed stop or limit percentage — 停产 50%, 停产30%（含）以上, 限产 25%, 停30%,
  50%焙烧工序停产保温 — is the factor (50 % → 0.5); with several, the largest.
* 停产 with no percentage — 停产, 全部停产, 所有涉气工序停产, 熔炼工序停产, 烧成工序（窑炉）停产,
  …工序停产 — → 1.0.
* Scope: a clause about VOC processes (涉VOCs排放工序, 涉及 VOCs 排放生产工序) cuts VOCs only; one
  about particulate processes (排放颗粒物/PM 工序, or only 破碎、研磨 named) cuts PM only; any
  other clause cuts all four pollutants. For each pollutant, a percentage that covers it wins over
  a bare 停产 of some processes (e.g. 有色金属压延 "熔炼工序停产50%…；挤压、喷涂…停产" = 0.5):
  the estimate must not promise more than the order delivers — an overestimate hides a shortfall.
* 禁止新坯进窑或蹲火保温 (a brick kiln kept warm, no new green bricks): the kiln still burns fuel;
  what is not otherwise cut counts half: p + (1 − p) × 0.5 (:data:`KILN_HOLD`).
* "未满足《…》的…车间…停产" stops only the non-compliant workshops: × 0.5 (:data:`CONDITIONAL`).
* Percentages that are not stops are ignored: "石墨化炉工艺用电控制在50%以内" (a cap printed beside
  an equal stop), "减少原量进窑40%" (only after 60 hours).

Transport (运输) clauses cut NOx and PM only (heavy diesel trucks emit those; their SO2 and VOCs
are negligible), applied to what production leaves (cut = p + (1 − p) × t):

* "停止使用国四及以下重型载货车辆（含燃气）进行运输": t = 3 % (:data:`TRANSPORT_PARTIAL`) — trucks are
  a small share of an industrial site's emissions and only the older ones stop;
* "停止公路运输" / "停止运输": t = 5 % (:data:`TRANSPORT_FULL`).

An enterprise bound by several entries (an unlabelled one and its sub-type's) takes, per
pollutant, the strongest. An exempt enterprise (小微涉气企业) and one whose cell cannot be
resolved count 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .constants import POLLUTANTS

TRANSPORT_PARTIAL = 0.03
TRANSPORT_FULL = 0.05
KILN_HOLD = 0.5
CONDITIONAL = 0.5
#: Pollutants the transport clauses cut.
TRANSPORT_POLLUTANTS = frozenset({"nox", "pm"})

_CLAUSE_SPLIT = re.compile(r"[；;。]")
_NUMBER = r"(\d+(?:\.\d+)?)\s*[%％]"
# 停产 50% / 限产30% / 停30% / 停产50%（含）以上 / 停产30%及以上
_PERCENT_AFTER = re.compile(r"(?:停产|限产|停)\s*" + _NUMBER)
# 50%焙烧工序停产保温 / 30%焙烧工序停产保密 (the percentage before the stop, within the clause)
_PERCENT_BEFORE = re.compile(_NUMBER + r"[^，,；;。%％]*?停产")
_STOP = re.compile(r"停产")
_ENCOURAGE = re.compile(r"鼓励|自主采取减排措施")
_PER_REGISTRY = re.compile(r"应急减排清单.*为准")
_KILN_HOLD = re.compile(r"禁止新坯进窑|蹲火")
_CONDITIONAL = re.compile(r"^未满足")
_TRANSPORT_FULL = re.compile(r"停止(?:公路)?运输")
_TRANSPORT_PARTIAL = re.compile(r"国四及以下.*运输")


@dataclass(frozen=True)
class Factor:
    """The share of each pollutant an entry's measures cut (0–1), and how it was read.
    ``production`` is per pollutant (a stop of "涉VOCs排放工序" cuts VOCs only)."""

    production: dict[str, float]
    transport: float = 0.0
    basis: str = ""
    per_registry: bool = False

    def for_pollutant(self, pollutant: str) -> float:
        share = self.production.get(pollutant, 0.0)
        if pollutant in TRANSPORT_POLLUTANTS:
            return share + (1 - share) * self.transport
        return share

    @property
    def by_pollutant(self) -> dict[str, float]:
        return {p: self.for_pollutant(p) for p in POLLUTANTS}

    @property
    def strength(self) -> float:
        return sum(self.by_pollutant.values())

    @property
    def full_stop(self) -> bool:
        return all(self.production.get(p, 0.0) >= 1.0 for p in POLLUTANTS)


def _uniform(value: float) -> dict[str, float]:
    return dict.fromkeys(POLLUTANTS, value)


NONE = Factor(_uniform(0.0), 0.0, "不计减排")


def _pct(value: float) -> str:
    return f"{round(value * 100, 2):g}%"


def _scope(clause: str) -> frozenset[str]:
    """The pollutants a clause's stop or limit concerns."""
    if re.search(r"VOCs", clause, re.IGNORECASE):
        return frozenset({"vocs"})
    if "颗粒物" in clause or "PM" in clause:
        return frozenset({"pm"})
    if re.search(r"破碎|研磨", clause) and not re.search(r"烧成|焙烧|熔炼|涉气|所有|窑", clause):
        return frozenset({"pm"})
    return frozenset(POLLUTANTS)


_SCOPE_NAMES = {frozenset({"vocs"}): "（仅 VOCs）", frozenset({"pm"}): "（仅颗粒物）"}


def entry_factor(text: str) -> Factor:
    """The factor of one 附件11 entry's text (module docstring)."""
    text = re.sub(r"\s+", "", text or "")
    if _PER_REGISTRY.search(text):
        return Factor(_uniform(0.0), 0.0, "按应急减排清单逐企业确定，未计入测算", per_registry=True)
    percents: list[tuple[float, frozenset[str]]] = []
    stops: list[frozenset[str]] = []
    hold = conditional = False
    transport = 0.0
    transport_basis = ""
    for clause in filter(None, _CLAUSE_SPLIT.split(text)):
        full = _TRANSPORT_FULL.search(clause)
        partial = None if full else _TRANSPORT_PARTIAL.search(clause)
        if full:
            transport, transport_basis = TRANSPORT_FULL, f"停止运输 {_pct(TRANSPORT_FULL)}"
            clause = clause[: full.start()]
        elif partial:
            if transport < TRANSPORT_PARTIAL:
                transport, transport_basis = TRANSPORT_PARTIAL, f"停用国四及以下重型货车 {_pct(TRANSPORT_PARTIAL)}"
            start = clause.find("停止使用")
            clause = clause[:start] if start >= 0 else ""
        if not clause or (_ENCOURAGE.search(clause) and not _STOP.search(clause)):
            continue
        if _KILN_HOLD.search(clause):
            hold = True
            # "禁止新坯进窑或蹲火保温，破碎、成型等排放PM工序停产": the stop after the comma is its own part.
            clause = (
                clause.split("，", 1)[1] if "，" in clause and not _STOP.search(clause.split("，", 1)[0]) else clause
            )
        if _CONDITIONAL.search(clause):
            conditional = True
        scope = _scope(clause)
        found = [float(m) for m in _PERCENT_AFTER.findall(clause)] + [float(m) for m in _PERCENT_BEFORE.findall(clause)]
        percents.extend((value, scope) for value in found)
        if not found and _STOP.search(clause):
            stops.append(scope)
    production: dict[str, float] = {}
    for pollutant in POLLUTANTS:
        covering = [value for value, scope in percents if pollutant in scope]
        if covering:
            share = max(covering) / 100
        elif any(pollutant in scope for scope in stops):
            share = 1.0
        else:
            share = 0.0
        if hold and share < 1.0:
            share = share + (1 - share) * KILN_HOLD
        if conditional:
            share *= CONDITIONAL
        production[pollutant] = round(min(max(share, 0.0), 1.0), 6)
    basis = _basis(percents, stops, hold=hold, conditional=conditional, production=production)
    if transport_basis:
        basis += f"；运输：{transport_basis}（NOx、颗粒物）"
    return Factor(production, transport, basis)


def _basis(percents, stops, *, hold: bool, conditional: bool, production: dict[str, float]) -> str:
    parts = []
    if percents:
        value, scope = max(percents, key=lambda item: item[0])
        parts.append(f"停限产 {value:g}%{_SCOPE_NAMES.get(scope, '')}")
    covered = {p for _, scope in percents for p in scope}
    for scope in dict.fromkeys(stops):
        if scope - covered:
            parts.append(f"停产{_SCOPE_NAMES.get(scope, '')}")
    if hold:
        parts.append(f"禁止新坯进窑/蹲火保温（窑炉余量计 {_pct(KILN_HOLD)}）")
    if conditional:
        parts.append(f"仅限未达标车间（× {_pct(CONDITIONAL)}）")
    if not parts:
        parts.append("无停限产")
    values = set(production.values())
    shares = (
        _pct(values.pop())
        if len(values) == 1
        else "、".join(f"{POLLUTANT_SHORT[p]} {_pct(v)}" for p, v in production.items())
    )
    return "，".join(parts) + f" → {shares}"


POLLUTANT_SHORT = {"so2": "SO₂", "nox": "NOx", "pm": "PM", "vocs": "VOCs"}


def combined_factor(texts: Iterable[str]) -> Factor:
    """The factor for an enterprise bound by several entries (an unlabelled entry and its
    sub-type's): the entries add obligations, so each pollutant takes the strongest."""
    factors = [entry_factor(t) for t in texts]
    if not factors:
        return NONE
    if len(factors) == 1:
        return factors[0]
    production = {p: max(f.production.get(p, 0.0) for f in factors) for p in POLLUTANTS}
    best = max(factors, key=lambda f: f.strength)
    return Factor(
        production,
        max(f.transport for f in factors),
        best.basis
        if all(best.production[p] == production[p] for p in POLLUTANTS)
        else "；".join(f.basis for f in factors),
        per_registry=all(f.per_registry for f in factors),
    )


# --------------------------------------------------------------------------- the estimate


@dataclass(frozen=True)
class Source:
    """One enterprise as the estimate sees it: annual tonnes and the factor it gets."""

    key: object
    name: str
    area: str
    industry: str
    emissions: dict[str, float]
    factor: Factor
    counted: bool = True  # False: exempt or unresolved, contributes no cut
    note: str = ""  # shown instead of the factor, e.g. 小微豁免

    def cut(self, pollutant: str) -> float:
        if not self.counted:
            return 0.0
        return self.emissions.get(pollutant, 0.0) * self.factor.for_pollutant(pollutant)

    def remaining(self, pollutant: str) -> float:
        return self.emissions.get(pollutant, 0.0) - self.cut(pollutant)


@dataclass(frozen=True)
class PollutantLine:
    pollutant: str
    total: float
    cut: float
    target_percent: float
    exempt: float = 0.0

    @property
    def percent(self) -> float:
        return 100 * self.cut / self.total if self.total else 0.0

    @property
    def target(self) -> float:
        return self.total * self.target_percent / 100

    @property
    def shortfall(self) -> float:
        return max(0.0, self.target - self.cut)

    @property
    def short(self) -> bool:
        return self.total > 0 and self.shortfall > 1e-9


@dataclass(frozen=True)
class Hotspot:
    """Where more could be cut: remaining emissions of an enterprise, county or industry."""

    label: str
    remaining: float
    detail: str = ""


@dataclass
class Estimate:
    target_percent: float
    lines: list[PollutantLine]
    by_area: dict[str, list[Hotspot]] = field(default_factory=dict)
    by_industry: dict[str, list[Hotspot]] = field(default_factory=dict)
    top_sources: dict[str, list[Hotspot]] = field(default_factory=dict)

    @property
    def short(self) -> list[PollutantLine]:
        return [line for line in self.lines if line.short]

    @property
    def meets_target(self) -> bool:
        return not self.short


def estimate(
    sources: Sequence[Source], *, target_percent: float, exempt_keys: frozenset = frozenset(), top: int = 10
) -> Estimate:
    """Per pollutant: the registry's total (exempt enterprises included: the target is a share of
    everything emitted), the expected cut, its share, the target and the shortfall. For each
    pollutant that falls short: the largest remaining emitters not fully stopped, and the
    counties and industries with most left to cut. ``exempt_keys`` are the keys of the sources
    exempted as small-micro enterprises (their emissions are reported separately)."""
    lines = []
    for pollutant in POLLUTANTS:
        total = sum(s.emissions.get(pollutant, 0.0) for s in sources)
        cut = sum(s.cut(pollutant) for s in sources)
        exempted = sum(s.emissions.get(pollutant, 0.0) for s in sources if s.key in exempt_keys)
        lines.append(PollutantLine(pollutant, total, cut, target_percent, exempted))
    result = Estimate(target_percent, lines)
    for line in result.short:
        p = line.pollutant
        open_sources = [s for s in sources if s.remaining(p) > 1e-9]
        ranked = sorted(open_sources, key=lambda s: s.remaining(p), reverse=True)
        result.top_sources[p] = [
            Hotspot(
                s.name,
                s.remaining(p),
                f"{s.area} · {s.industry} · {s.note or '现计减排 ' + _pct(s.cut(p) / s.emissions[p] if s.emissions.get(p) else 0)}",
            )
            for s in ranked[:top]
        ]
        result.by_area[p] = _grouped(open_sources, p, key=lambda s: s.area)
        result.by_industry[p] = _grouped(open_sources, p, key=lambda s: s.industry)
    return result


def _grouped(sources: Sequence[Source], pollutant: str, *, key) -> list[Hotspot]:
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    for s in sources:
        label = key(s)
        totals[label] = totals.get(label, 0.0) + s.remaining(pollutant)
        counts[label] = counts.get(label, 0) + 1
    return [
        Hotspot(label, value, f"{counts[label]} 家未全部停产")
        for label, value in sorted(totals.items(), key=lambda item: item[1], reverse=True)
    ]
