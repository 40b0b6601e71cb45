"""The training register as an Excel workbook (openpyxl), laid out as reviews' 附件6 workbook;
free text goes through core.sheets' guard against formulas (CSV/Excel injection)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.sheets import sheet_text as cell_text

from .selectors import training_totals

HEADER = (
    "序号",
    "培训日期",
    "组织单位",
    "培训主题",
    "培训内容",
    "授课人",
    "培训地点",
    "学时",
    "参训单位",
    "参训人员",
    "参训人数",
    "考核方式",
    "参加考核人数",
    "考核合格人数",
    "合格率（%）",
    "考核结果",
)
WIDTHS = (6, 12, 28, 30, 28, 14, 18, 8, 36, 30, 10, 10, 12, 12, 12, 30)


def trainings_workbook(rows, *, title: str) -> bytes:
    rows = list(rows)
    book = Workbook()
    sheet = book.active
    sheet.title = "培训记录"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for seq, t in enumerate(rows, start=1):
        sheet.append(
            [
                seq,
                t.held_on,
                cell_text(t.organiser_name),
                cell_text(t.topic),
                t.contents_display(),
                cell_text(t.trainer),
                cell_text(t.place),
                float(t.hours) if t.hours is not None else None,
                "、".join(u.name for u in t.attendee_units.all()),
                cell_text(t.attendees),
                t.attendee_count,
                t.get_assessment_display(),
                t.assessed_count,
                t.passed_count,
                t.pass_rate,
                cell_text(t.result),
            ]
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "yyyy-mm-dd"
    totals = training_totals(rows)
    sheet.append([])
    sheet.append(
        [
            "合计",
            f"{totals['count']} 次培训",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            totals["attendees"],
            None,
            totals["assessed"],
            totals["passed"],
            totals["pass_rate"],
        ]
    )
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
