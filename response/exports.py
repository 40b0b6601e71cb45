"""The compliance grid as an Excel workbook (openpyxl): sheet 报送情况 (units × days, coloured as
on the page) and sheet 报送明细 (one row per report)."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core.sheets import sheet_text

from .models import Response
from .selectors import LATE, MISSING, NOT_REQUIRED, ON_TIME, PENDING, STATUS_NAMES, compliance_grid
from .services import SHANGHAI

#: Fill colours per status; the page uses the same ones (static/css/app.css).
FILLS = {
    ON_TIME: "C6EFCE",
    LATE: "FFEB9C",
    MISSING: "FFC7CE",
    PENDING: "DDEBF7",
    NOT_REQUIRED: "EDEDED",
}


def compliance_workbook(response: Response, *, now: dt.datetime | None = None) -> bytes:
    now = now or timezone.now()
    days, rows, totals = compliance_grid(response, now=now)
    book = Workbook()
    sheet = book.active
    sheet.title = "报送情况"
    sheet["A1"] = (
        f"{response.warning.number} {response.get_level_display()} 每日落实情况报送（截至 {timezone.localtime(now, SHANGHAI):%Y-%m-%d %H:%M}）"
    )
    sheet["A1"].font = Font(bold=True)
    header = ["成员单位", *[f"{day:%Y-%m-%d}" for day in days], "按时", "逾期", "未报"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        sheet.append(
            [
                row.unit.name,
                *[STATUS_NAMES[status] for _, status, _ in row.cells],
                row.counts[ON_TIME],
                row.counts[LATE],
                row.counts[MISSING],
            ]
        )
        excel_row = sheet.max_row
        for offset, (_, status, _) in enumerate(row.cells, start=2):
            cell = sheet.cell(row=excel_row, column=offset)
            cell.fill = PatternFill("solid", fgColor=FILLS[status])
            cell.alignment = Alignment(horizontal="center")
    sheet.append(["合计", *["" for _ in days], totals[ON_TIME], totals[LATE], totals[MISSING]])
    sheet.column_dimensions["A"].width = 34
    for index in range(2, len(days) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 12
    sheet.freeze_panes = "B3"

    detail = book.create_sheet("报送明细")
    detail.append(
        [
            "成员单位",
            "所述日期",
            "报送时间",
            "状态",
            "检查次数",
            "检查企业数",
            "发现问题数",
            "已落实措施",
            "落实情况",
            "报送人",
        ]
    )
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for report in response.reports.select_related("unit", "submitted_by").order_by("report_date", "unit__order"):
        detail.append(
            [
                report.unit.name,
                report.report_date,
                timezone.localtime(report.submitted_at, SHANGHAI).replace(tzinfo=None),
                STATUS_NAMES[LATE if report.late else ON_TIME],
                report.inspections,
                report.enterprises_checked,
                report.violations_found,
                sheet_text(report.measures_done),
                sheet_text(report.content),
                sheet_text(report.submitted_by.get_full_name() or report.submitted_by.username),
            ]
        )
        detail.cell(row=detail.max_row, column=2).number_format = "yyyy-mm-dd"
        detail.cell(row=detail.max_row, column=3).number_format = "yyyy-mm-dd hh:mm"
    detail.column_dimensions["A"].width = 34
    detail.column_dimensions["C"].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
