"""The office's Excel workbooks (openpyxl, as response/exports.py): a county's headquarters and
office contact list, and a response's extra measures of the counties."""

from __future__ import annotations

import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from command.models import Area
from core.sheets import sheet_text
from response.models import Response

from .models import CountyBody, ExtraMeasure


def _book(title: str, header: list[str], rows: list[list], widths: list[int]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append([value if isinstance(value, int) else sheet_text(value) for value in row])
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def contacts_workbook(areas: list[tuple[Area, list[CountyBody]]], *, title: str) -> bytes:
    """One row per person: county, body, post, name, unit and position, phones."""
    rows = []
    for area, bodies in areas:
        for body in bodies:
            for person in body.people:
                rows.append(
                    [area.name, body.name, person.post, person.name, person.position, person.phone, person.mobile]
                )
    return _book(
        title, ["县区", "机构", "职务", "姓名", "单位及职务", "办公电话", "手机"], rows, [14, 34, 14, 10, 30, 16, 16]
    )


def measures_workbook(response: Response, measures: list[ExtraMeasure]) -> bytes:
    rows = [
        [
            m.area.name,
            m.get_category_display(),
            m.measure,
            f"{timezone.localtime(m.started_at):%Y-%m-%d %H:%M}",
            m.scope,
            m.sites if m.sites is not None else "",
            m.note,
            f"{timezone.localtime(m.filed_at):%Y-%m-%d %H:%M}",
        ]
        for m in measures
    ]
    return _book(
        f"{response.warning.number} 县区加强应急减排措施",
        ["县区", "类别", "措施内容", "执行开始时间", "范围", "涉及企业（工地）数", "备注", "填报时间"],
        rows,
        [16, 14, 48, 18, 24, 12, 30, 18],
    )
