"""Fixtures of the measures tests: spreadsheets built in memory, a small hand-made registry."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from measures.domain.registry import TEMPLATE_HEADERS


def xlsx_bytes(
    rows: list[list[object]], headers: list[str] | tuple[str, ...] = TEMPLATE_HEADERS, *, title: str | None = None
) -> bytes:
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(
    name="测试石灰有限公司",
    area="平定县",
    industry="石灰窑",
    subtype="",
    grade="C",
    lines=2,
    so2=10,
    nox=20,
    pm=5,
    vocs=0,
    fuel="燃煤",
    toxic="否",
    seasonal="否",
    daily=None,
    single="否",
    unit="",
):
    return [name, area, industry, subtype, grade, lines, so2, nox, pm, vocs, fuel, toxic, seasonal, daily, single, unit]


@pytest.fixture
def make_enterprise(plan):
    from command.models import Area
    from measures.models import Enterprise, Industry

    def _make(
        name: str,
        *,
        area: str = "140321",
        industry: int = 1,
        grade: str = "C",
        subtype: str = "",
        so2=0,
        nox=0,
        pm=0,
        vocs=0,
        fuel: str = "coal",
        unit: str | None = "gongxin",
        **kwargs,
    ) -> Enterprise:
        from command.models import MemberUnit

        return Enterprise.objects.create(
            name=name,
            area=Area.objects.get(code=area),
            industry=Industry.objects.get(seq=industry),
            grade=grade,
            subtype=subtype,
            so2_t=Decimal(str(so2)),
            nox_t=Decimal(str(nox)),
            pm_t=Decimal(str(pm)),
            vocs_t=Decimal(str(vocs)),
            fuel=fuel,
            responsible_unit=MemberUnit.objects.get(slug=unit) if unit else None,
            **kwargs,
        )

    return _make
