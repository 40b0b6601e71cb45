"""The roster, the contact list and the register as Excel workbooks (openpyxl), as the office
sends them. Same shape as response/exports.py: a title row, a bold header, local times."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from core.sheets import sheet_text

from .selectors import ContactEntry, DutyRow, stale_days
from .services import OFFICE_NAME

GAP_FILL = PatternFill("solid", fgColor="FFC7CE")


def _local(value: dt.datetime | None):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _sheet(book: Workbook, title: str, heading: str, header: list[str], widths: list[int]):
    sheet = book.active
    sheet.title = title
    sheet["A1"] = heading
    sheet["A1"].font = Font(bold=True)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    return sheet


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def roster_workbook(response, rows: list[DutyRow], *, now: dt.datetime | None = None) -> bytes:
    """值班表: one line per slot, the keepers with nobody on duty now marked 空岗."""
    now = now or timezone.now()
    book = Workbook()
    sheet = _sheet(
        book,
        "值班表",
        f"{response.warning.number} {response.get_level_display()} 值班值守安排"
        f"（截至 {timezone.localtime(now):%Y-%m-%d %H:%M}）",
        ["单位", "值班人员", "职务", "值班电话", "开始时间", "结束时间", "备注", "当前"],
        [30, 12, 16, 18, 18, 18, 24, 10],
    )
    for row in rows:
        if not row.slots:
            sheet.append([row.name, "", "", "", None, None, "", "空岗" if row.gap else ""])
        for slot in row.slots:
            current = slot.starts_at <= now < slot.ends_at
            sheet.append(
                [
                    row.name,
                    sheet_text(slot.person),
                    sheet_text(slot.position),
                    sheet_text(slot.phone),
                    _local(slot.starts_at),
                    _local(slot.ends_at),
                    sheet_text(slot.note),
                    "在岗" if current else ("空岗" if row.gap else ""),
                ]
            )
            for column in (5, 6):
                sheet.cell(row=sheet.max_row, column=column).number_format = "yyyy-mm-dd hh:mm"
        if row.gap:
            sheet.cell(row=sheet.max_row, column=8).fill = GAP_FILL
    return _bytes(book)


def contacts_workbook(entries: list[ContactEntry], *, now: dt.datetime | None = None) -> bytes:
    """应急组织机构通讯录 (§8.5): one line per contact person, with the plan's phones and the last confirmation."""
    now = now or timezone.now()
    book = Workbook()
    sheet = _sheet(
        book,
        "通讯录",
        f"阳泉市重污染天气应急组织机构通讯录（{timezone.localtime(now):%Y-%m-%d}）",
        [
            "成员单位",
            "县区",
            "单位电话",
            "应急职责",
            "姓名",
            "职务",
            "手机号码",
            "最近确认",
            f"超过 {stale_days()} 天未确认",
        ],
        [30, 14, 26, 10, 12, 18, 14, 12, 16],
    )
    for entry in entries:
        common = [entry.unit.name, entry.area.name if entry.area else "", sheet_text(entry.unit.phones_display)]
        tail = [
            timezone.localtime(entry.confirmed_at).date() if entry.confirmed_at else None,
            "是" if entry.stale else "",
        ]
        people = entry.people or [None]
        for person in people:
            if person is None:
                sheet.append([*common, "", "", "", "", *tail])
            else:
                sheet.append(
                    [
                        *common,
                        person.get_duty_role_display(),
                        sheet_text(person.name),
                        sheet_text(person.position),
                        person.mobile,
                        *tail,
                    ]
                )
            sheet.cell(row=sheet.max_row, column=8).number_format = "yyyy-mm-dd"
            if entry.stale:
                sheet.cell(row=sheet.max_row, column=9).fill = GAP_FILL
    return _bytes(book)


def supplies_workbook(items) -> bytes:
    """应急物资与经费登记表 (§8.2–8.6)."""
    book = Workbook()
    sheet = _sheet(
        book,
        "物资与经费",
        f"应急物资与经费登记表（{timezone.localdate():%Y-%m-%d}）",
        ["类别", "名称", "数量/金额", "计量单位", "储备维护单位", "存放地点", "最近检查日期", "备注"],
        [18, 24, 12, 10, 30, 24, 14, 24],
    )
    for item in items:
        sheet.append(
            [
                item.get_kind_display(),
                sheet_text(item.name),
                float(item.quantity),
                sheet_text(item.measure),
                item.keeper.name if item.keeper_id else OFFICE_NAME,
                sheet_text(item.location),
                item.last_checked_on,
                sheet_text(item.note),
            ]
        )
        sheet.cell(row=sheet.max_row, column=7).number_format = "yyyy-mm-dd"
    return _bytes(book)
