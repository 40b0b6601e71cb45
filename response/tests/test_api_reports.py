"""The daily-report API of interfaces.md §4: a unit files for itself only; one report per unit and
day (409); compliance per member unit."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from response.models import DailyReport, Order, ReportAttachment

from .conftest import at

URL = "/api/v1/daily-reports/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post_json(client, user, body):
    client.force_login(user)
    return client.post(URL, body, content_type="application/json")


def test_a_unit_files_its_report_through_the_api(client, started, people):
    with time_machine.travel(at(2, 9, 30), tick=False):
        reply = post_json(
            client,
            people["jiaotong"],
            {"date": "2026-12-01", "content": "公交运力保障到位", "inspections": 4, "figures": {"加开班次": 20}},
        )
    assert reply.status_code == 201, reply.json()
    data = reply.json()
    assert data["unit"] == "jiaotong" and data["date"] == "2026-12-01" and data["status"] == "on_time"
    assert data["figures"] == {"加开班次": 20} and data["inspections"] == 4


def test_a_unit_cannot_file_for_another_unit(client, started, people):
    with time_machine.travel(at(2, 9), tick=False):
        for named in ("shengtai", str(people["shengtai"].unit_id), "市生态环境局"):
            reply = post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "代报", "unit": named})
            assert reply.status_code == 403, named
            assert "本单位" in reply.json()["detail"]
    assert not DailyReport.objects.exists()
    # Naming its own unit is harmless.
    with time_machine.travel(at(2, 9), tick=False):
        reply = post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "自报", "unit": "jiaotong"})
    assert reply.status_code == 201
    assert list(DailyReport.objects.values_list("unit__slug", flat=True)) == ["jiaotong"]


@pytest.mark.parametrize("role", ["office", "supervisor", "vice"])
def test_other_roles_cannot_file(client, started, people, role):
    reply = post_json(client, people[role], {"date": "2026-12-01", "content": "x"})
    assert reply.status_code == 403
    assert not DailyReport.objects.exists()


def test_a_second_report_for_the_same_day_is_a_conflict(client, started, people):
    with time_machine.travel(at(2, 9), tick=False):
        first = post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "第一次"})
        second = post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "第二次"})
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["report"] == first.json()["id"]
    assert DailyReport.objects.get().content == "第一次"


def test_content_is_required(client, started, people):
    reply = post_json(client, people["jiaotong"], {"date": "2026-12-01"})
    assert reply.status_code == 400
    assert "content" in reply.json()["errors"]


def test_attachments_by_multipart_are_checked_and_stored(client, started, people, settings):
    with time_machine.travel(at(2, 9), tick=False):
        client.force_login(people["jiaotong"])
        reply = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "见附件",
                "figures": '{"a": 1}',
                "attachments": [SimpleUploadedFile("汇总.pdf", PDF, "application/pdf")],
            },
        )
    assert reply.status_code == 201, reply.json()
    assert reply.json()["attachments"][0]["name"] == "汇总.pdf"
    assert ReportAttachment.objects.get().content_type == "application/pdf"


def test_a_renamed_executable_is_refused(client, started, people):
    with time_machine.travel(at(2, 9), tick=False):
        client.force_login(people["jiaotong"])
        reply = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "x",
                "attachments": [SimpleUploadedFile("report.pdf", b"MZ\x90\x00binary", "application/pdf")],
            },
        )
    assert reply.status_code == 400
    assert "不符" in reply.json()["detail"]
    assert not DailyReport.objects.exists()


def test_attachment_size_and_type_limits(client, started, people, settings):
    settings.RESPONSE_ATTACHMENT_MAX_BYTES = 20
    with time_machine.travel(at(2, 9), tick=False):
        client.force_login(people["jiaotong"])
        big = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "x",
                "attachments": [SimpleUploadedFile("a.pdf", PDF, "application/pdf")],
            },
        )
        exe = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "x",
                "attachments": [SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")],
            },
        )
    assert big.status_code == 400 and "过大" in big.json()["detail"]
    assert exe.status_code == 400 and "类型" in exe.json()["detail"]


def test_xlsx_attachment_must_be_a_real_workbook(client, started, people):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with time_machine.travel(at(2, 9), tick=False):
        client.force_login(people["jiaotong"])
        fake = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "x",
                "attachments": [SimpleUploadedFile("a.xlsx", b"PK\x03\x04not a zip", "application/zip")],
            },
        )
        real = client.post(
            URL,
            {
                "date": "2026-12-01",
                "content": "x",
                "attachments": [SimpleUploadedFile("a.xlsx", buffer.getvalue(), "application/zip")],
            },
        )
    assert fake.status_code == 400
    assert real.status_code == 201


def test_compliance_api_on_time_late_missing(client, started, people):
    with time_machine.travel(at(2, 9, 59), tick=False):
        post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "按时"})
    with time_machine.travel(at(2, 10, 1), tick=False):
        post_json(client, people["shengtai"], {"date": "2026-12-01", "content": "逾期"})
    with time_machine.travel(at(2, 11), tick=False):
        client.force_login(people["office"])
        reply = client.get("/api/v1/daily-reports/compliance/", {"date": "2026-12-01"})
    assert reply.status_code == 200
    data = reply.json()
    by_unit = {row["unit"]: row["status"] for row in data["units"]}
    assert by_unit["jiaotong"] == "on_time" and by_unit["shengtai"] == "late" and by_unit["jiaoyu"] == "missing"
    assert len(by_unit) == 33
    assert data["counts"]["on_time"] == 1 and data["counts"]["late"] == 1 and data["counts"]["missing"] == 31
    assert data["response"]["id"] == started.pk and data["response"]["level"] == "II"


def test_compliance_api_is_for_the_office_not_the_units(client, started, people):
    client.force_login(people["jiaotong"])
    assert client.get("/api/v1/daily-reports/compliance/").status_code == 403
    client.force_login(people["office"])
    assert client.get("/api/v1/daily-reports/compliance/", {"date": "bad"}).status_code == 400
    outside = client.get("/api/v1/daily-reports/compliance/", {"date": "2026-01-01"}).json()
    assert outside["response"] is None and outside["units"] == []


def test_units_list_only_their_own_reports(client, started, people):
    with time_machine.travel(at(2, 9), tick=False):
        post_json(client, people["jiaotong"], {"date": "2026-12-01", "content": "a"})
        post_json(client, people["shengtai"], {"date": "2026-12-01", "content": "b"})
    client.force_login(people["jiaotong"])
    assert [r["unit"] for r in client.get(URL).json()] == ["jiaotong"]
    client.force_login(people["office"])
    assert len(client.get(URL, {"date": "2026-12-01"}).json()) == 2


def test_orders_api_acknowledge_and_in_place(client, started, people):
    own = Order.objects.get(response=started, unit__slug="jiaotong")
    other = Order.objects.get(response=started, unit__slug="shengtai")
    client.force_login(people["jiaotong"])
    listed = client.get("/api/v1/orders/").json()
    assert [o["unit"] for o in listed] == ["jiaotong"]
    assert client.post(f"/api/v1/orders/{other.pk}/acknowledge/").status_code == 404
    with time_machine.travel(at(1, 9), tick=False):
        client.force_login(people["jiaotong"])
        assert client.post(f"/api/v1/orders/{own.pk}/acknowledge/").json()["status"] == "acknowledged"
        assert client.post(f"/api/v1/orders/{own.pk}/acknowledge/").status_code == 409
        done = client.post(f"/api/v1/orders/{own.pk}/in-place/", {"note": "已落实"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "in_place"
    client.force_login(people["office"])
    assert client.post(f"/api/v1/orders/{own.pk}/acknowledge/").status_code == 403
