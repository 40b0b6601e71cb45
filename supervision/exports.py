"""The supervision list as an Excel workbook (openpyxl, as response/exports.py): one row per
inspection with its repeat-offender flag (屡查屡犯) and the enforcement actions ordered on it."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.sheets import sheet_text

from .models import EnforcementAction, Inspection

HEADERS = [
    "检查日期",
    "企业（工地）名称",
    "检查地点",
    "县区",
    "发现违法违规",
    "屡查屡犯",
    "违法违规情况",
    "处理状态",
    "责令停产",
    "罚款（次）",
    "罚款金额（元）",
    "决定书文号",
    "移送",
    "执法措施状态",
    "记录人",
]
REPEAT_FILL = PatternFill("solid", fgColor="FFC7CE")


def inspections_workbook(inspections: Iterable[Inspection], *, repeat_ids: set[int]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "督导检查"
    sheet.append([f"督导检查记录（导出时间 {timezone.localtime():%Y-%m-%d %H:%M}）"])
    sheet["A1"].font = Font(bold=True)
    sheet.append(HEADERS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for item in inspections:
        actions: list[EnforcementAction] = list(item.actions.all())
        fines = [a for a in actions if a.kind == EnforcementAction.Kind.FINE]
        repeat = item.pk in repeat_ids
        sheet.append(
            [
                item.date,
                sheet_text(item.enterprise_name),
                sheet_text(item.place),
                item.county.name if item.county_id else "",
                "是" if item.violation else "否",
                "是" if repeat else "",
                sheet_text(item.violation_description),
                item.get_follow_up_status_display(),
                sum(1 for a in actions if a.kind == EnforcementAction.Kind.STOP),
                len(fines),
                float(sum((a.fine_amount or 0) for a in fines)) if fines else 0,
                sheet_text("；".join(a.decision_number for a in actions if a.decision_number)),
                sheet_text("；".join(a.referred_to for a in actions if a.kind == EnforcementAction.Kind.REFERRAL)),
                "；".join(f"{a.get_kind_display()}{a.get_status_display()}" for a in actions),
                sheet_text(item.inspector.get_full_name() or item.inspector.username),
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
        sheet.cell(row=row, column=11).number_format = "#,##0.00"
        if repeat:
            sheet.cell(row=row, column=6).fill = REPEAT_FILL
    for letter, width in {"A": 12, "B": 28, "C": 24, "D": 12, "G": 36, "L": 24, "M": 20, "N": 24}.items():
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
