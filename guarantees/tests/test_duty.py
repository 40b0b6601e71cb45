"""The on-duty roster (值班值守, §8.5): the office keeps its own and every unit's, a unit its own, a
county its government's; the office sees the gaps now, on the page and in the API."""

import io

import pytest
import time_machine
from openpyxl import load_workbook

from audit.models import AuditEntry
from command.models import MemberUnit
from guarantees import selectors, services
from guarantees.models import DutySlot

from .conftest import at

pytestmark = pytest.mark.django_db

NOW = at(7, 9)


@pytest.fixture
def response(make_response):
    return make_response(started=at(6, 20), units=("jiaotong", "shengtai"))


def _slot_form(**overrides):
    values = {
        "person": "李值班",
        "position": "科员",
        "phone": "0353-1234567",
        "starts_at": "2026-12-07T08:00",
        "ends_at": "2026-12-07T20:00",
        "note": "",
    }
    return {**values, **overrides}


def test_office_adds_its_own_and_a_units_slot_and_the_gaps_close(client, people, response):
    client.force_login(people["office"])
    with time_machine.travel(NOW, tick=False):
        page = client.get(f"/guarantees/duty/?response={response.pk}").content.decode()
        assert "3 个单位当前无人值班" in page  # the office, 交通运输局, 生态环境局
        reply = client.post("/guarantees/duty/", {**_slot_form(), "response": response.pk, "unit": ""})
        assert reply.status_code == 302
        jiaotong = MemberUnit.objects.get(slug="jiaotong")
        client.post(
            "/guarantees/duty/", {**_slot_form(person="交通值班员"), "response": response.pk, "unit": jiaotong.pk}
        )
        page = client.get(f"/guarantees/duty/?response={response.pk}").content.decode()
    assert "1 个单位当前无人值班" in page and "交通值班员" in page
    office_slot = DutySlot.objects.get(unit=None)
    assert office_slot.person == "李值班" and office_slot.created_by == people["office"]
    with time_machine.travel(NOW, tick=False):
        gaps = [row.unit.slug for row in selectors.duty_gaps(response)]
    assert gaps == ["shengtai"]
    entry = AuditEntry.objects.filter(action="guarantees.duty.added").first()
    assert entry is not None and entry.actor == people["office"]


def test_unit_keeps_its_own_slot_only(client, people, response):
    client.force_login(people["jiaotong"])
    shengtai = MemberUnit.objects.get(slug="shengtai")
    with time_machine.travel(NOW, tick=False):
        # a unit names no unit: whatever it sends, the slot is its own
        client.post("/guarantees/duty/", {**_slot_form(), "response": response.pk, "unit": shengtai.pk})
        services.duty_slot_add(
            actor=people["office"],
            response_id=response.pk,
            unit_id=shengtai.pk,
            person="生态值班员",
            phone="0353-7654321",
            starts_at=at(7, 8),
            ends_at=at(7, 20),
        )
        page = client.get(f"/guarantees/duty/?response={response.pk}").content.decode()
    assert DutySlot.objects.get(person="李值班").unit.slug == "jiaotong"
    assert "李值班" in page and "生态值班员" not in page and "当前在岗情况" not in page
    other = DutySlot.objects.get(person="生态值班员")
    assert client.get(f"/guarantees/duty/{other.pk}/edit/").status_code == 404
    assert client.post(f"/guarantees/duty/{other.pk}/remove/").status_code == 404
    assert DutySlot.objects.filter(pk=other.pk).exists()
    with pytest.raises(services.NotYourGuaranteeError):
        services.duty_slot_add(
            actor=people["jiaotong"],
            response_id=response.pk,
            unit_id=shengtai.pk,
            person="某人",
            phone="1",
            starts_at=at(7, 8),
            ends_at=at(7, 9),
        )


def test_county_keeps_its_governments_slots(client, people, make_response):
    response = make_response(started=at(6, 20), units=("pingding",))
    client.force_login(people["county"])
    with time_machine.travel(NOW, tick=False):
        reply = client.post("/guarantees/duty/", {**_slot_form(person="平定值班员"), "response": response.pk})
    assert reply.status_code == 302
    assert DutySlot.objects.get(person="平定值班员").unit.slug == "pingding"
    client.force_login(people["county2"])
    assert "平定值班员" not in client.get(f"/guarantees/duty/?response={response.pk}").content.decode()


def test_leaders_read_the_roster_but_cannot_write_it(client, people, response):
    client.force_login(people["vice"])
    assert client.get("/guarantees/duty/").status_code == 200
    assert client.post("/guarantees/duty/", {**_slot_form(), "response": response.pk}).status_code == 403
    client.force_login(people["forecaster"])
    assert client.get("/guarantees/duty/").status_code == 403


def test_end_before_start_and_double_booking_are_refused_on_the_form(client, people, response):
    client.force_login(people["office"])
    reply = client.post("/guarantees/duty/", {**_slot_form(ends_at="2026-12-07T07:00"), "response": response.pk})
    assert reply.status_code == 400 and "值班结束时间应晚于开始时间" in reply.content.decode()
    client.post("/guarantees/duty/", {**_slot_form(), "response": response.pk})
    reply = client.post(
        "/guarantees/duty/",
        {**_slot_form(starts_at="2026-12-07T19:00", ends_at="2026-12-08T08:00"), "response": response.pk},
    )
    assert reply.status_code == 400 and "已有值班安排" in reply.content.decode()
    assert DutySlot.objects.count() == 1


def test_a_slot_that_is_over_and_an_ended_response_are_records(people, response, make_response):
    slot = services.duty_slot_add(
        actor=people["office"],
        response_id=response.pk,
        unit_id=None,
        person="甲",
        phone="1",
        starts_at=at(6, 20),
        ends_at=at(7, 8),
    )
    with time_machine.travel(NOW, tick=False), pytest.raises(services.GuaranteeError, match="已经结束"):
        services.duty_slot_remove(actor=people["office"], slot_id=slot.pk)
    ended = make_response(started=at(1, 8), number=2, active=False)
    with pytest.raises(services.GuaranteeError, match="已终止"):
        services.duty_slot_add(
            actor=people["office"],
            response_id=ended.pk,
            unit_id=None,
            person="乙",
            phone="1",
            starts_at=at(7, 8),
            ends_at=at(7, 9),
        )


def test_office_changes_a_slot_and_the_audit_keeps_before_and_after(client, people, response):
    slot = services.duty_slot_add(
        actor=people["office"],
        response_id=response.pk,
        unit_id=None,
        person="甲",
        phone="0353-1",
        starts_at=at(7, 8),
        ends_at=at(7, 20),
    )
    client.force_login(people["office"])
    with time_machine.travel(NOW, tick=False):
        assert client.get(f"/guarantees/duty/{slot.pk}/edit/").status_code == 200
        reply = client.post(f"/guarantees/duty/{slot.pk}/edit/", _slot_form(person="乙", phone="0353-2"))
    assert reply.status_code == 302
    slot.refresh_from_db()
    assert (slot.person, slot.phone) == ("乙", "0353-2")
    entry = AuditEntry.objects.get(action="guarantees.duty.changed")
    assert entry.before["person"] == "甲" and entry.after["person"] == "乙"


def test_api_roster_read_write_and_gaps(client, people, response):
    client.force_login(people["office"])
    with time_machine.travel(NOW, tick=False):
        gaps = client.get(f"/api/v1/guarantees/duty-gaps/?response={response.pk}").json()
        assert [g["unit"] for g in gaps["gaps"]] == [None, "shengtai", "jiaotong"]  # the plan's order
        body = {
            "response": response.pk,
            "unit": "jiaotong",
            "person": "接口值班员",
            "phone": "0353-1",
            "starts_at": "2026-12-07T08:00:00+08:00",
            "ends_at": "2026-12-07T20:00:00+08:00",
        }
        created = client.post("/api/v1/guarantees/duty-slots/", body, content_type="application/json")
        assert created.status_code == 201 and created.json()["unit"] == "jiaotong"
        gaps = client.get(f"/api/v1/guarantees/duty-gaps/?response={response.pk}").json()
        assert [g["unit"] for g in gaps["gaps"]] == [None, "shengtai"]
        pk = created.json()["id"]
        changed = client.put(
            f"/api/v1/guarantees/duty-slots/{pk}/", {**body, "phone": "0353-9"}, content_type="application/json"
        )
        assert changed.status_code == 200 and changed.json()["phone"] == "0353-9"
        listed = client.get(f"/api/v1/guarantees/duty-slots/?response={response.pk}").json()
        assert [s["person"] for s in listed] == ["接口值班员"]
        assert client.delete(f"/api/v1/guarantees/duty-slots/{pk}/").status_code == 204
    assert not DutySlot.objects.exists()


def test_api_unit_cannot_file_for_another_unit_nor_read_the_gaps(client, people, response):
    client.force_login(people["jiaotong"])
    body = {
        "response": response.pk,
        "unit": "shengtai",
        "person": "某人",
        "phone": "1",
        "starts_at": "2026-12-07T08:00:00+08:00",
        "ends_at": "2026-12-07T20:00:00+08:00",
    }
    reply = client.post("/api/v1/guarantees/duty-slots/", body, content_type="application/json")
    assert reply.status_code == 403 and "本单位" in reply.json()["detail"]
    assert client.get("/api/v1/guarantees/duty-gaps/").status_code == 403
    own = client.post("/api/v1/guarantees/duty-slots/", {**body, "unit": None}, content_type="application/json")
    assert own.status_code == 201 and own.json()["unit"] == "jiaotong"
    other = services.duty_slot_add(
        actor=people["office"],
        response_id=response.pk,
        unit_id=None,
        person="办公室",
        phone="1",
        starts_at=at(7, 8),
        ends_at=at(8, 8),
    )
    assert client.get(f"/api/v1/guarantees/duty-slots/{other.pk}/").status_code == 404
    assert client.delete(f"/api/v1/guarantees/duty-slots/{other.pk}/").status_code == 404


def test_roster_excel_lists_the_slots_and_marks_the_gaps(client, people, response):
    services.duty_slot_add(
        actor=people["office"],
        response_id=response.pk,
        unit_id=None,
        person="甲",
        phone="=1+1",
        starts_at=at(7, 8),
        ends_at=at(7, 20),
    )
    client.force_login(people["office"])
    with time_machine.travel(NOW, tick=False):
        reply = client.get(f"/guarantees/duty/excel/?response={response.pk}")
    assert reply.status_code == 200
    sheet = load_workbook(io.BytesIO(reply.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:2] == ["应急指挥部办公室", "甲"] and rows[0][3] == "'=1+1" and rows[0][7] == "在岗"
    assert {r[0] for r in rows if r[7] == "空岗"} == {"市交通运输局", "市生态环境局"}


def test_a_slot_serves_the_response_and_lasts_at_most_a_week(people, response):
    with pytest.raises(services.GuaranteeError, match="晚于应急响应启动时间"):
        services.duty_slot_add(
            actor=people["office"],
            response_id=response.pk,
            unit_id=None,
            person="甲",
            phone="1",
            starts_at=at(6, 8),
            ends_at=at(6, 20),
        )
    with pytest.raises(services.GuaranteeError, match="不超过 7 天"):
        services.duty_slot_add(
            actor=people["office"],
            response_id=response.pk,
            unit_id=None,
            person="甲",
            phone="1",
            starts_at=at(7, 8),
            ends_at=at(14, 9),
        )
    assert not DutySlot.objects.exists()
