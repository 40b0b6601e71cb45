"""The response pages: orders with acknowledgement, daily report filing (own unit only), the
compliance grid and its Excel export (opened with openpyxl)."""

from __future__ import annotations

import io

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from response.models import DailyReport, Order

from .conftest import at

PDF = b"%PDF-1.4\n%%EOF\n"


def test_a_unit_sees_only_its_own_orders_and_the_office_sees_the_grid(client, started, people):
    client.force_login(people["jiaotong"])
    page = client.get("/response/orders/").content.decode()
    own = Order.objects.get(response=started, unit__slug="jiaotong")
    other = Order.objects.get(response=started, unit__slug="shengtai")
    assert f"/response/orders/{own.pk}/" in page and f"/response/orders/{other.pk}/" not in page
    assert client.get(f"/response/orders/{other.pk}/").status_code == 404
    detail = client.get(f"/response/orders/{own.pk}/").content.decode()
    assert "签收指令" in detail and "倡导公众绿色出行" in detail
    client.force_login(people["office"])
    grid = client.get("/response/orders/").content.decode()
    assert "市生态环境局" in grid and "市交通运输局" in grid and "已签收 0" in grid


def test_acknowledge_and_confirm_through_the_pages(client, started, people):
    order = Order.objects.get(response=started, unit__slug="jiaotong")
    with time_machine.travel(at(1, 8, 30), tick=False):
        client.force_login(people["jiaotong"])
        reply = client.post(f"/response/orders/{order.pk}/acknowledge/")
        assert reply.status_code == 302
        client.post(f"/response/orders/{order.pk}/in-place/", {"note": "已落实到位"})
    order.refresh_from_db()
    assert order.status == "in_place" and order.in_place_note == "已落实到位"
    with time_machine.travel(at(1, 8, 40), tick=False):
        client.force_login(people["office"])
        grid = client.get("/response/orders/").content.decode()
    assert "已签收 1" in grid and "已落实到位 1" in grid


def test_a_unit_cannot_act_on_another_units_order_through_the_pages(client, started, people):
    other = Order.objects.get(response=started, unit__slug="shengtai")
    client.force_login(people["jiaotong"])
    assert client.post(f"/response/orders/{other.pk}/acknowledge/").status_code == 404
    client.force_login(people["office"])
    assert client.post(f"/response/orders/{other.pk}/acknowledge/").status_code == 403
    other.refresh_from_db()
    assert other.acknowledged_at is None


def test_filing_through_the_page_is_for_the_users_own_unit(client, started, people):
    with time_machine.travel(at(2, 9, 30), tick=False):
        client.force_login(people["jiaotong"])
        form = client.get("/response/reports/new/")
        assert form.status_code == 200 and "市交通运输局" in form.content.decode()
        reply = client.post(
            "/response/reports/new/",
            {
                "report_date": "2026-12-01",
                "content": "已落实",
                "measures_done": "",
                "inspections": 2,
                "enterprises_checked": 1,
                "violations_found": 0,
                "figures": "洒水车次：40",
                "unit": people["shengtai"].unit_id,  # ignored: the page has no unit field
                "attachments": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
            },
        )
    assert reply.status_code == 302
    report = DailyReport.objects.get()
    assert report.unit.slug == "jiaotong" and report.figures == {"洒水车次": 40}
    assert report.attachments.count() == 1
    assert not DailyReport.objects.filter(unit__slug="shengtai").exists()
    # The attachment: the unit and the office may fetch it, another unit may not.
    url = f"/response/reports/{report.pk}/attachments/{report.attachments.get().pk}/"
    client.force_login(people["jiaotong"])  # a new session: the one above ended with its day (session limits)
    assert client.get(url).status_code == 200
    client.force_login(people["shengtai"])
    assert client.get(url).status_code == 404
    assert client.get(f"/response/reports/{report.pk}/").status_code == 404
    client.force_login(people["office"])
    assert client.get(url).status_code == 200
    assert client.post("/response/reports/new/", {"report_date": "2026-12-01", "content": "x"}).status_code == 403


def test_a_second_filing_on_the_page_goes_to_the_report_on_file(client, started, people):
    with time_machine.travel(at(2, 9), tick=False):
        client.force_login(people["jiaotong"])
        body = {
            "report_date": "2026-12-01",
            "content": "x",
            "inspections": 0,
            "enterprises_checked": 0,
            "violations_found": 0,
        }
        first = client.post("/response/reports/new/", body)
        second = client.post("/response/reports/new/", body, follow=True)
    assert first.status_code == 302
    assert "不能重复报送" in second.content.decode()
    assert DailyReport.objects.count() == 1


def test_compliance_grid_page_and_excel(client, started, people):
    with time_machine.travel(at(2, 9, 59), tick=False):
        client.force_login(people["jiaotong"])
        client.post(
            "/response/reports/new/",
            {
                "report_date": "2026-12-01",
                "content": "按时",
                "inspections": 1,
                "enterprises_checked": 0,
                "violations_found": 0,
            },
        )
    with time_machine.travel(at(2, 10, 1), tick=False):
        client.force_login(people["shengtai"])
        client.post(
            "/response/reports/new/",
            {
                "report_date": "2026-12-01",
                "content": "=1+1",
                "inspections": 0,
                "enterprises_checked": 0,
                "violations_found": 0,
            },
        )
    with time_machine.travel(at(2, 12), tick=False):
        client.force_login(people["office"])
        page = client.get("/response/compliance/")
        book_reply = client.get("/response/compliance.xlsx")
        client.force_login(people["jiaotong"])
        assert client.get("/response/compliance/").status_code == 403
        assert client.get("/response/compliance.xlsx").status_code == 403
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        'class="cell cell-on_time"' in html and 'class="cell cell-late"' in html and 'class="cell cell-missing"' in html
    )
    assert book_reply.status_code == 200
    assert book_reply["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(book_reply.content))
    sheet = book["报送情况"]
    assert sheet["A2"].value == "成员单位" and sheet["B2"].value == "2026-12-01"
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    assert sheet.cell(row=rows["市交通运输局"], column=2).value == "按时"
    assert sheet.cell(row=rows["市生态环境局"], column=2).value == "逾期"
    assert sheet.cell(row=rows["市教育局"], column=2).value == "未报"
    assert sheet.cell(row=rows["市教育局"], column=2).fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet.cell(row=rows["合计"], column=3).value == 1  # on time
    assert sheet.cell(row=rows["合计"], column=5).value == 31  # missing
    detail = book["报送明细"]
    assert detail.max_row == 3
    contents = {detail.cell(row=r, column=1).value: detail.cell(row=r, column=9).value for r in (2, 3)}
    assert contents["市生态环境局"] == "'=1+1"  # a unit's text never becomes a formula


def test_pages_without_any_response(client, people):
    client.force_login(people["office"])
    assert "目前没有应急响应" in client.get("/response/orders/").content.decode()
    assert "还没有应急响应" in client.get("/response/compliance/").content.decode()
    assert client.get("/response/compliance.xlsx").status_code == 302
    client.force_login(people["jiaotong"])
    assert client.get("/response/reports/").status_code == 200
