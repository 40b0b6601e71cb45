"""Fixtures of the advisories tests: people, the plan's measures, a registry, evaluations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI)


def hour_text(day: int, hour: int) -> str:
    return at(day, hour).isoformat()


@pytest.fixture
def people_cast():
    return ("office", "forecaster", "vice", "jiaotong", "shengtai", "county", "county2", "pingding", "gongxin")


@pytest.fixture
def people(people_cast, make_user):
    from command.models import Area, MemberUnit
    from conftest import CAST

    made = {}
    for name in people_cast:
        if name in ("pingding", "gongxin"):
            made[name] = make_user("unit", unit=MemberUnit.objects.get(slug=name))
            continue
        role, fields = CAST[name]
        fields = dict(fields)
        if "unit" in fields:
            fields["unit"] = MemberUnit.objects.get(slug=fields["unit"])
        if "area" in fields:
            fields["area"] = Area.objects.get(code=fields["area"])
        made[name] = make_user(role, **fields)
    return made


@pytest.fixture
def measures(plan):
    from measures.models import ResponseMeasure
    from measures.services import measures_load

    if not ResponseMeasure.objects.exists():
        measures_load()
    return ResponseMeasure.objects.all()


@pytest.fixture
def registry(measures):
    """Four enterprises: a coking plant (SO2, NOx) and a small shop in 平定县, a chemical plant (VOCs)
    in 盂县 under 工信局, and one that emits nothing much."""
    from command.models import Area, MemberUnit
    from measures.models import Enterprise, Industry

    industry, _ = Industry.objects.get_or_create(seq=90, defaults={"name": "示例焦化"})
    chem, _ = Industry.objects.get_or_create(seq=91, defaults={"name": "示例化工"})
    pingding, yuxian = Area.objects.get(code="140321"), Area.objects.get(code="140322")
    return {
        "coking": Enterprise.objects.create(
            name="平定示例焦化厂",
            area=pingding,
            industry=industry,
            so2_t=Decimal("120.5"),
            nox_t=Decimal("300"),
            vocs_t=Decimal("40"),
        ),
        "shop": Enterprise.objects.create(
            name="平定示例小作坊",
            area=pingding,
            industry=chem,
            so2_t=Decimal("0"),
            nox_t=Decimal("0.1"),
            vocs_t=Decimal("0.2"),
        ),
        "chemical": Enterprise.objects.create(
            name="盂县示例化工厂",
            area=yuxian,
            industry=chem,
            so2_t=Decimal("3"),
            vocs_t=Decimal("80"),
            responsible_unit=MemberUnit.objects.get(slug="gongxin"),
        ),
    }


@pytest.fixture
def make_evaluation(plan):
    from forecasts.models import Evaluation

    def _make(*, now: dt.datetime, ozone_windows=(), so2_alerts=()):
        result = {
            "level": "none",
            "processes": [],
            "reasons": ["臭氧预警提示条件成立（臭氧为首要污染物）：示例"],
            "now": now.isoformat(),
            "ozone_prompt": bool(ozone_windows),
            "ozone_windows": [
                {"start": s.isoformat(), "end": e.isoformat(), "value": v, "rule": "AQI > 200 持续 24 小时"}
                for s, e, v in ozone_windows
            ],
            "so2_alerts": [
                {"area": name, "area_code": code, "start": s.isoformat(), "end": e.isoformat(), "max_so2": peak}
                for code, name, s, e, peak in so2_alerts
            ],
        }
        return Evaluation.objects.create(
            trigger=Evaluation.Trigger.MANUAL,
            now=now,
            level="none",
            recommendation="none",
            ozone_prompt=bool(ozone_windows),
            result=result,
        )

    return _make
