"""Reads of the measures app for pages, the API and other apps (response orders, reports)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from accounts.roles import Role
from alerts.selectors import active_warning
from command.models import Area, MemberUnit
from core.errors import DomainError

from .domain.constants import DEFAULT_TARGETS, GRADES, LEVEL_FOR_WARNING, LEVELS, POLLUTANTS
from .domain.exemption import EnterpriseFacts, ExemptionDecision, small_micro_exemption
from .domain.matching import Match, select_entries
from .domain.reduction import NONE, Estimate, Factor, Source, combined_factor, estimate
from .models import Annex11Note, Enterprise, Industry, IndustryMeasure, ReductionTarget, ResponseMeasure

_LEVEL_ORDER = Case(
    *[When(level=lv, then=Value(i)) for i, lv in enumerate(LEVELS)], default=Value(9), output_field=IntegerField()
)
_GRADE_ORDER = Case(
    *[When(grade=g, then=Value(i)) for i, g in enumerate(GRADES)], default=Value(9), output_field=IntegerField()
)


class UnknownValue(DomainError, ValueError):
    """A level, grade or industry the plan does not have; the message is Chinese, for the user."""

    code = "measures.unknown_value"


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise UnknownValue(f"未知响应级别「{level}」，应为 III、II 或 I")
    return level


def check_grade(grade: str) -> str:
    if grade not in GRADES:
        raise UnknownValue(f"未知绩效等级「{grade}」，应为 {'、'.join(GRADES)} 之一")
    return grade


# --------------------------------------------------------------------------- §5.3 measures


def measures_for_level(level: str, *, ozone: bool = False) -> QuerySet[ResponseMeasure]:
    """The §5.3 measures of a response level, in the plan's order, with their responsible member
    units prefetched (``measure.units.all()``). ``ozone=True`` adds the ozone measure (§5.3.4),
    which applies when an ozone prompt (臭氧预警提示) is in force."""
    check_level(level)
    condition = Q(level=level) | Q(level="") if ozone else Q(level=level)
    return (
        ResponseMeasure.objects.filter(condition)
        .prefetch_related("units")
        .annotate(level_rank=Case(When(level="", then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by("level_rank", "order")
    )


def level_sections(level: str) -> list[dict]:
    """The §5.3 measures of a response level as the plan groups them: each run of measures of one
    category and title is a section ``{category, title, items: [{text, audience}]}``, in the plan's
    order (the office may have edited the texts in the admin); ``[]`` for no response level."""
    if level not in LEVELS:
        return []
    sections: list[dict] = []
    for m in (
        ResponseMeasure.objects.filter(level=level).order_by("order").only("category", "title", "text", "audience")
    ):
        if not sections or (sections[-1]["category"], sections[-1]["title"]) != (m.category, m.title):
            sections.append({"category": m.category, "title": m.title, "items": []})
        sections[-1]["items"].append({"text": m.text, "audience": m.audience})
    return sections


def health_texts(level: str) -> list[str]:
    """The health-protection items (健康防护引导措施) of a response level: what the public is told."""
    return [
        item["text"]
        for section in level_sections(level)
        if section["category"] == ResponseMeasure.Category.HEALTH
        for item in section["items"]
    ]


def ozone_measures() -> QuerySet[ResponseMeasure]:
    return ResponseMeasure.objects.filter(level="").prefetch_related("units").order_by("order")


def measures_for_unit(level: str, unit: MemberUnit) -> QuerySet[ResponseMeasure]:
    """The measures of a level one member unit is responsible for."""
    return measures_for_level(level).filter(units=unit)


def reduction_targets() -> dict[str, ReductionTarget]:
    return {t.level: t for t in ReductionTarget.objects.all()}


def target_percent(level: str) -> int:
    target = ReductionTarget.objects.filter(level=check_level(level)).values_list("percent", flat=True).first()
    return target if target is not None else DEFAULT_TARGETS[level]


# --------------------------------------------------------------------------- 附件11


def industries() -> QuerySet[Industry]:
    return Industry.objects.order_by("seq")


def find_industry(value: Any) -> Industry:
    """An industry by instance, primary key-free sequence number (序号) or name (as printed at any
    level, or a unique part of it)."""
    if isinstance(value, Industry):
        return value
    text = str(value).strip()
    if text.isdigit():
        found = Industry.objects.filter(seq=int(text)).first()
        if found:
            return found
    for industry in industries():
        if text in {industry.name, *industry.names_by_level.values()}:
            return industry
    partial = [
        i for i in industries() if text and (text in i.name or any(text in n for n in i.names_by_level.values()))
    ]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        raise UnknownValue(f"行业「{text}」不唯一，可指：{'、'.join(i.name for i in partial)}")
    raise UnknownValue(f"未知行业「{text}」，应为附件11的 22 个行业之一")


def industry_cells(
    level: str | None = None, industry: Any = None, grade: str | None = None
) -> QuerySet[IndustryMeasure]:
    """The 附件11 entries that match, ordered by industry (序号), level (Ⅲ, Ⅱ, Ⅰ), grade (A … 非引领性)
    and position in the cell. Raises :class:`UnknownValue` for a level, grade or industry the plan
    does not have."""
    qs = IndustryMeasure.objects.select_related("industry")
    if level:
        qs = qs.filter(level=check_level(level))
    if grade:
        qs = qs.filter(grade=check_grade(grade))
    if industry not in (None, ""):
        qs = qs.filter(industry=find_industry(industry))
    return qs.annotate(level_rank=_LEVEL_ORDER, grade_rank=_GRADE_ORDER).order_by(
        "industry__seq", "level_rank", "grade_rank", "order"
    )


@dataclass
class IndustryRow:
    """One industry at one level: its six grade cells (an empty list where the plan has "—")."""

    industry: Industry
    level: str
    cells: dict[str, list[IndustryMeasure]]

    @property
    def name(self) -> str:
        return self.industry.name_at(self.level)

    @property
    def cell_list(self) -> list[tuple[str, list[IndustryMeasure]]]:
        return [(g, self.cells[g]) for g in GRADES]

    @property
    def non_empty(self) -> int:
        return sum(1 for entries in self.cells.values() if entries)


def annex11_table(level: str, *, industry: Any = None, grade: str | None = None, query: str = "") -> list[IndustryRow]:
    """附件11 at one level as rows of six cells. ``query`` keeps the entries whose text or sub-type
    contains it (and the rows that still have one); ``grade`` keeps one column's entries."""
    entries = industry_cells(level=level, industry=industry, grade=grade)
    if query:
        entries = entries.filter(
            Q(text__icontains=query) | Q(subtype__icontains=query) | Q(industry__name__icontains=query)
        )
    chosen = industries()
    if industry not in (None, ""):
        chosen = chosen.filter(pk=find_industry(industry).pk)
    rows: OrderedDict[int, IndustryRow] = OrderedDict(
        (i.pk, IndustryRow(i, level, {g: [] for g in GRADES})) for i in chosen
    )
    for entry in entries:
        rows[entry.industry_id].cells[entry.grade].append(entry)
    result = list(rows.values())
    if query or grade:
        result = [row for row in result if row.non_empty]
    return result


def annex11_notes(level: str) -> QuerySet[Annex11Note]:
    return Annex11Note.objects.filter(level=check_level(level)).order_by("number")


def cell_for(level: str, industry: Any, grade: str) -> list[IndustryMeasure]:
    """One cell of 附件11 (empty where the plan has "—")."""
    return list(industry_cells(level=level, industry=industry, grade=grade))


# --------------------------------------------------------------------------- enterprises


def enterprises(
    *,
    area: str | None = None,
    industry: Any = None,
    grade: str | None = None,
    query: str = "",
    active: bool | None = True,
) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.select_related("area", "industry", "responsible_unit")
    if active is not None:
        qs = qs.filter(active=active)
    if area:
        qs = qs.filter(area__code=area)
    if industry not in (None, ""):
        qs = qs.filter(industry=find_industry(industry))
    if grade is not None and grade != "all":
        qs = qs.filter(grade=grade if grade != "none" else "")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(subtype__icontains=query))
    return qs.order_by("area__order", "industry__seq", "name")


def enterprises_visible_to(user, qs: QuerySet[Enterprise] | None = None) -> QuerySet[Enterprise]:
    """The slice of the registry a person may see: a county user its county's enterprises; a
    member-unit user those it supervises (and, for a county government or the development
    zone's committee, those in its area); everyone else who may open the page, all of them."""
    qs = qs if qs is not None else enterprises()
    role = getattr(user, "role", None)
    if role == Role.COUNTY:
        return qs.filter(area_id=user.area_id)
    if role == Role.UNIT:
        unit = user.unit
        condition = Q(responsible_unit=unit)
        if unit is not None and unit.area_id:
            condition |= Q(area_id=unit.area_id)
        return qs.filter(condition)
    return qs


def enterprise_facts(enterprise: Enterprise) -> EnterpriseFacts:
    return EnterpriseFacts(
        fuel=enterprise.fuel,
        single_pollutant=enterprise.single_pollutant,
        toxic_or_odorous=enterprise.toxic_or_odorous,
        seasonal=enterprise.seasonal,
        so2_t=enterprise.so2_t,
        nox_t=enterprise.nox_t,
        pm_t=enterprise.pm_t,
        vocs_t=enterprise.vocs_t,
        daily_emission_kg=enterprise.daily_emission_kg,
    )


def enterprise_exemption(enterprise: Enterprise) -> ExemptionDecision:
    return small_micro_exemption(enterprise_facts(enterprise))


# --------------------------------------------------------------------------- obligations


@dataclass
class Obligation:
    """What an enterprise must do at a level: its 附件11 entries, or the exemption, or a flag.

    ``status``: "cell" (entries bind it), "exempt" (小微涉气企业), or one of the problems of
    :class:`measures.domain.matching.Match` ("no_grade", "empty_cell", "subtype") — flagged for the
    office to check the registry."""

    enterprise: Enterprise
    status: str
    entries: list[IndustryMeasure]
    exemption: ExemptionDecision
    factor: Factor
    problem: str = ""

    @property
    def flagged(self) -> bool:
        return self.status not in ("cell", "exempt")

    @property
    def exempt(self) -> bool:
        return self.status == "exempt"

    @property
    def cuts(self) -> dict[str, float]:
        return self.factor.by_pollutant if self.status == "cell" else dict.fromkeys(POLLUTANTS, 0.0)

    @property
    def emissions(self) -> dict[str, float]:
        e = self.enterprise
        return {"so2": float(e.so2_t), "nox": float(e.nox_t), "pm": float(e.pm_t), "vocs": float(e.vocs_t)}


@dataclass
class ObligationGroup:
    key: str
    label: str
    items: list[Obligation] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return sum(1 for o in self.items if o.flagged)

    @property
    def exempt(self) -> int:
        return sum(1 for o in self.items if o.exempt)


@dataclass
class Obligations:
    level: str
    target_percent: int
    items: list[Obligation]
    estimate: Estimate

    @property
    def by_area(self) -> list[ObligationGroup]:
        groups: OrderedDict[str, ObligationGroup] = OrderedDict()
        for o in sorted(
            self.items, key=lambda o: (o.enterprise.area.order, o.enterprise.industry.seq, o.enterprise.name)
        ):
            area = o.enterprise.area
            groups.setdefault(area.code, ObligationGroup(area.code, area.name)).items.append(o)
        return list(groups.values())

    @property
    def by_unit(self) -> list[ObligationGroup]:
        groups: dict[str, ObligationGroup] = {}
        orders: dict[str, int] = {}
        for o in self.items:
            unit = o.enterprise.responsible_unit
            code = unit.slug if unit else ""
            label = unit.name if unit else "未指定责任单位"
            orders[code] = unit.order if unit else 999
            groups.setdefault(code, ObligationGroup(code, label)).items.append(o)
        for group in groups.values():
            group.items.sort(key=lambda o: (o.enterprise.area.order, o.enterprise.industry.seq, o.enterprise.name))
        return sorted(groups.values(), key=lambda g: orders[g.key])

    @property
    def flagged(self) -> list[Obligation]:
        return [o for o in self.items if o.flagged]

    @property
    def exempt(self) -> list[Obligation]:
        return [o for o in self.items if o.exempt]


def _cells_by_key(level: str) -> dict[tuple[int, str], list[IndustryMeasure]]:
    cells: dict[tuple[int, str], list[IndustryMeasure]] = {}
    for entry in industry_cells(level=level):
        cells.setdefault((entry.industry_id, entry.grade), []).append(entry)
    return cells


def obligation_for(
    enterprise: Enterprise, level: str, cells: dict[tuple[int, str], list[IndustryMeasure]]
) -> Obligation:
    exemption = enterprise_exemption(enterprise)
    industry = enterprise.industry
    grade = enterprise.grade
    if industry.single_measure and not grade:
        grade = GRADES[0]  # a merged row: every grade has the same measure
    entries = cells.get((industry.pk, grade), []) if grade else []
    match: Match = select_entries(
        entries, subtype=enterprise.subtype, grade=grade, single_measure=industry.single_measure
    )
    if exemption.exempt:
        return Obligation(enterprise, "exempt", list(match.entries), exemption, NONE)
    if not match.ok:
        return Obligation(enterprise, match.status, list(match.entries), exemption, NONE, match.problem)
    factor = combined_factor(e.text for e in match.entries)
    problem = factor.basis if factor.per_registry else ""
    return Obligation(enterprise, "cell", list(match.entries), exemption, factor, problem)


def obligations_for(
    level: str, *, user=None, enterprises_qs: Iterable[Enterprise] | None = None, top: int = 10
) -> Obligations:
    """Every active enterprise's obligations at a response level — its 附件11 entries for its
    industry, grade and sub-type, or its small-micro exemption (with the reason), or a flag when
    no entry can be chosen — and the expected reduction of each pollutant against the level's
    target. ``user`` restricts both to the slice that person may see."""
    check_level(level)
    qs = enterprises_qs if enterprises_qs is not None else enterprises()
    if user is not None:
        qs = enterprises_visible_to(user, qs)
    cells = _cells_by_key(level)
    items = [obligation_for(e, level, cells) for e in qs]
    percent = target_percent(level)
    sources = [_source(o) for o in items]
    exempt = frozenset(o.enterprise.pk for o in items if o.exempt)
    return Obligations(level, percent, items, estimate(sources, target_percent=percent, exempt_keys=exempt, top=top))


def _source(o: Obligation) -> Source:
    e = o.enterprise
    return Source(
        key=e.pk,
        name=e.name,
        area=e.area.name,
        industry=e.industry.name,
        emissions=o.emissions,
        factor=o.factor,
        counted=o.status == "cell",
        note="小微涉气企业豁免" if o.exempt else ("待核实：" + o.problem if o.flagged else ""),
    )


def default_level() -> str:
    """The response level in force (from the active warning), else Ⅲ."""
    warning = active_warning()
    if warning is None:
        return LEVELS[0]
    return warning.response_level or LEVEL_FOR_WARNING.get(warning.level, LEVELS[0])


def response_in_force() -> str | None:
    """The response level of the warning in force, or None."""
    warning = active_warning()
    if warning is None:
        return None
    return warning.response_level or LEVEL_FOR_WARNING.get(warning.level)


def areas_for_filter() -> QuerySet[Area]:
    return Area.objects.exclude(kind=Area.Kind.CITY).order_by("order")
