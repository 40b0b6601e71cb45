"""Inspections (督导检查, §7.2): recorded, edited, followed up and deleted by the supervision
group, with audit; read by the office; refused to member units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audit.models import AuditEntry
from supervision import services
from supervision.models import Inspection, InspectionPhoto

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TODAY = timezone.localdate()


def new_inspection(client, **extra):
    body = {
        "date": TODAY.isoformat(),
        "place": "平定县冠山镇",
        "enterprise_name": "某铸造厂",
        "county": "140321",
        "findings": "涉气工序未按要求停产",
        "violation": "on",
        "violation_description": "Ⅱ级响应期间未停产",
        **extra,
    }
    return client.post("/supervision/inspections/new/", body)


def test_supervisor_records_an_inspection_with_photos(client, people):
    client.force_login(people["supervisor"])
    reply = new_inspection(client, photos=[SimpleUploadedFile("现场.png", PNG, "image/png")])
    assert reply.status_code == 302, reply.content.decode()[:2000]
    inspection = Inspection.objects.get()
    assert inspection.county.code == "140321" and inspection.violation is True
    assert inspection.inspector == people["supervisor"] and inspection.follow_up_status == "open"
    photo = inspection.photos.get()
    assert photo.name == "现场.png" and photo.content_type == "image/png"
    assert AuditEntry.objects.filter(action="supervision.inspection.created", actor=people["supervisor"]).exists()
    detail = client.get(f"/supervision/inspections/{inspection.pk}/")
    assert "某铸造厂" in detail.content.decode()
    served = client.get(f"/supervision/inspections/{inspection.pk}/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"


def test_a_photo_that_is_not_an_image_is_refused(client, people):
    client.force_login(people["supervisor"])
    reply = new_inspection(client, photos=[SimpleUploadedFile("x.jpg", b"<html>not an image</html>", "image/jpeg")])
    assert reply.status_code == 400
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


def test_photo_size_limit(client, people, settings):
    settings.SUPERVISION_PHOTO_MAX_BYTES = 10
    client.force_login(people["supervisor"])
    reply = new_inspection(client, photos=[SimpleUploadedFile("x.png", PNG, "image/png")])
    assert reply.status_code == 400 and "过大" in reply.content.decode()


def test_a_violation_needs_its_description(client, people):
    client.force_login(people["supervisor"])
    assert new_inspection(client, violation_description="").status_code == 400
    assert not Inspection.objects.exists()


def test_edit_follow_up_and_delete_are_audited(client, people):
    client.force_login(people["supervisor"])
    new_inspection(client)
    inspection = Inspection.objects.get()
    edited = client.post(
        f"/supervision/inspections/{inspection.pk}/edit/",
        {
            "date": TODAY.isoformat(),
            "place": "平定县冠山镇",
            "enterprise_name": "某铸造有限公司",
            "county": "140321",
            "findings": "复查",
            "violation": "on",
            "violation_description": "未停产",
        },
    )
    assert edited.status_code == 302
    inspection.refresh_from_db()
    assert inspection.enterprise_name == "某铸造有限公司"
    entry = AuditEntry.objects.get(action="supervision.inspection.edited")
    assert entry.before["enterprise_name"] == "某铸造厂" and entry.after["enterprise_name"] == "某铸造有限公司"
    due = (TODAY + dt.timedelta(days=3)).isoformat()
    client.post(
        f"/supervision/inspections/{inspection.pk}/follow-up/",
        {"status": "rectifying", "due": due, "notes": "限期整改"},
    )
    inspection.refresh_from_db()
    assert inspection.follow_up_status == "rectifying" and inspection.follow_up_due.isoformat() == due
    client.post(f"/supervision/inspections/{inspection.pk}/follow-up/", {"status": "closed", "due": due, "notes": ""})
    inspection.refresh_from_db()
    assert inspection.follow_up_status == "rectifying"  # closing needs what was done
    client.post(
        f"/supervision/inspections/{inspection.pk}/follow-up/",
        {"status": "closed", "due": due, "notes": "已停产整改，处罚 5 万元"},
    )
    inspection.refresh_from_db()
    assert inspection.follow_up_status == "closed"
    assert AuditEntry.objects.filter(action="supervision.inspection.follow_up").count() == 2
    assert client.get(f"/supervision/inspections/{inspection.pk}/delete/").status_code == 200
    assert client.post(f"/supervision/inspections/{inspection.pk}/delete/").status_code == 302
    assert not Inspection.objects.exists()
    deleted = AuditEntry.objects.get(action="supervision.inspection.deleted")
    assert deleted.before["findings"] == "复查"


def test_office_reads_but_cannot_write(client, people):
    client.force_login(people["supervisor"])
    new_inspection(client)
    inspection = Inspection.objects.get()
    client.force_login(people["office"])
    assert client.get("/supervision/inspections/").status_code == 200
    assert client.get(f"/supervision/inspections/{inspection.pk}/").status_code == 200
    assert new_inspection(client).status_code == 403
    assert client.post(f"/supervision/inspections/{inspection.pk}/delete/").status_code == 403
    assert Inspection.objects.count() == 1


@pytest.mark.parametrize("who", ["unit", "county"])
def test_unit_and_county_users_are_refused(client, people, who):
    client.force_login(people["supervisor"])
    new_inspection(client)
    inspection = Inspection.objects.get()
    client.force_login(people[who])
    assert client.get("/supervision/inspections/").status_code == 403
    assert client.get(f"/supervision/inspections/{inspection.pk}/").status_code == 403
    assert new_inspection(client).status_code == 403
    assert client.post(f"/supervision/inspections/{inspection.pk}/follow-up/", {"status": "closed"}).status_code == 403
    assert client.get("/api/v1/inspections/").status_code == 403
    assert (
        client.post(
            "/api/v1/inspections/",
            {"date": TODAY.isoformat(), "place": "x", "findings": "y"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/inspections/{inspection.pk}/").status_code == 403
    assert Inspection.objects.count() == 1


def test_inspections_api_crud_by_the_supervisor(client, people):
    client.force_login(people["supervisor"])
    created = client.post(
        "/api/v1/inspections/",
        {"date": TODAY.isoformat(), "place": "矿区某工地", "county": "140303", "findings": "裸土未苫盖"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["county"] == "140303"
    assert client.get(f"/api/v1/inspections/{pk}/").json()["findings"] == "裸土未苫盖"
    patched = client.patch(
        f"/api/v1/inspections/{pk}/",
        {
            "violation": True,
            "violation_description": "未苫盖",
            "follow_up_status": "rectifying",
            "follow_up_due": (TODAY + dt.timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["violation"] is True and patched.json()["follow_up_status"] == "rectifying"
    bad = client.post(
        "/api/v1/inspections/",
        {"date": TODAY.isoformat(), "place": "x", "findings": "y", "county": "999"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert client.delete(f"/api/v1/inspections/{pk}/").status_code == 204
    assert not Inspection.objects.exists()
    client.force_login(people["office"])
    assert client.get("/api/v1/inspections/").status_code == 200


def test_services_refuse_other_roles(people):
    with pytest.raises(services.NotAllowedError):
        services.inspection_create(actor=people["office"], date=TODAY, place="x", findings="y")


def test_an_inspection_may_name_an_enterprise_of_the_registry(client, people):
    from command.models import Area
    from measures.models import Enterprise, Industry

    enterprise = Enterprise.objects.create(
        name="阳泉某焦化有限公司",
        area=Area.objects.get(code="140311"),
        industry=Industry.objects.order_by("seq").first(),
        grade="B",
    )
    client.force_login(people["supervisor"])
    reply = client.post(
        "/supervision/inspections/new/",
        {
            "date": TODAY.isoformat(),
            "place": "郊区河底镇",
            "enterprise": enterprise.pk,
            "enterprise_name": "",
            "county": "",
            "findings": "焦炉按要求延长结焦时间",
        },
    )
    assert reply.status_code == 302
    inspection = Inspection.objects.get()
    # The registry's name is kept as text too, and its county is taken when none was chosen.
    assert inspection.enterprise == enterprise and inspection.enterprise_name == "阳泉某焦化有限公司"
    assert inspection.county.code == "140311"
    api = client.post(
        "/api/v1/inspections/",
        {"date": TODAY.isoformat(), "place": "x", "findings": "y", "enterprise": 999999},
        content_type="application/json",
    )
    assert api.status_code == 400 and "清单" in api.json()["detail"]
