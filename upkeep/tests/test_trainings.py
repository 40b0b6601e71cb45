"""The training register (预案 9.1.2): the office and a member unit enter trainings through the
page and the API; a unit only its own; the Excel export."""

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from command.models import MemberUnit
from upkeep.models import Training

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "topic": "重污染天气应急响应流程培训",
        "contents": ["reporting", "response_flow"],
        "trainer": "王老师",
        "held_on": "2026-11-20",
        "place": "市政府三楼会议室",
        "hours": "2",
        "attendees": "各成员单位联络员",
        "attendee_count": "40",
        "assessment": "written",
        "assessed_count": "38",
        "passed_count": "36",
        "result": "合格率较高",
        "note": "",
    }
    data.update(overrides)
    return data


def test_office_records_a_training_and_reads_it_back(client, people):
    client.force_login(people["office"])
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    response = client.post("/upkeep/trainings/new/", form(attendee_units=[jiaotong.pk]))
    training = Training.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/upkeep/trainings/{training.pk}/"
    assert training.unit is None and training.organiser_name == "阳泉市重污染天气应急指挥部办公室"
    assert training.contents == ["reporting", "response_flow"] and training.pass_rate == 94.7
    page = client.get(f"/upkeep/trainings/{training.pk}/").content.decode()
    assert "重污染天气应急响应流程培训" in page and "36/38" in page and "市交通运输局" in page
    assert "接警及上报程序、应急响应流程" in page
    entry = AuditEntry.objects.get(action="upkeep.training.recorded")
    assert entry.actor == people["office"] and entry.after["attendee_units"] == ["jiaotong"]


def test_figures_that_do_not_add_up_are_refused_on_the_form(client, people):
    client.force_login(people["office"])
    response = client.post("/upkeep/trainings/new/", form(passed_count="39"))
    assert response.status_code == 400
    assert "考核合格人数不能多于参加考核人数" in response.content.decode()
    assert not Training.objects.exists()


def test_a_member_unit_records_its_own_training_whatever_the_form_says(client, people):
    client.force_login(people["jiaotong"])
    shengtai = MemberUnit.objects.get(slug="shengtai")
    client.post("/upkeep/trainings/new/", form(unit=shengtai.pk))
    training = Training.objects.get()
    assert training.unit.slug == "jiaotong"  # the unit field is not offered to a unit; the service sets it


def test_a_unit_sees_and_edits_only_its_own_trainings(client, people):
    client.force_login(people["shengtai"])
    client.post("/upkeep/trainings/new/", form(topic="生态环境局内部培训"))
    own = Training.objects.get()
    client.force_login(people["office"])
    client.post("/upkeep/trainings/new/", form(topic="办公室组织的培训"))
    office_training = Training.objects.exclude(pk=own.pk).get()

    client.force_login(people["jiaotong"])
    listing = client.get("/upkeep/trainings/").content.decode()
    assert "生态环境局内部培训" not in listing and "办公室组织的培训" not in listing
    assert client.get(f"/upkeep/trainings/{own.pk}/").status_code == 404
    assert client.post(f"/upkeep/trainings/{own.pk}/edit/", form(topic="改")).status_code == 404

    client.force_login(people["shengtai"])
    listing = client.get("/upkeep/trainings/").content.decode()
    assert "生态环境局内部培训" in listing and "办公室组织的培训" not in listing
    # an attending unit sees the office's training but may not edit it
    office_training.attendee_units.add(MemberUnit.objects.get(slug="shengtai"))
    assert client.get(f"/upkeep/trainings/{office_training.pk}/").status_code == 200
    assert client.get(f"/upkeep/trainings/{office_training.pk}/edit/").status_code == 404
    response = client.post(f"/upkeep/trainings/{own.pk}/edit/", form(topic="生态环境局内部培训（更正）"))
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.topic == "生态环境局内部培训（更正）" and own.unit.slug == "shengtai"
    assert AuditEntry.objects.filter(action="upkeep.training.edited", actor=people["shengtai"]).count() == 1


@pytest.mark.parametrize("who", ["vice", "supervisor", "forecaster", "county"])
def test_only_the_office_and_units_record_trainings(client, people, who):
    client.force_login(people[who])
    assert client.post("/upkeep/trainings/new/", form()).status_code == 403
    assert not Training.objects.exists()


def test_forecaster_and_county_do_not_read_the_register(client, people):
    for who in ("forecaster", "county"):
        client.force_login(people[who])
        assert client.get("/upkeep/trainings/").status_code == 403


def test_excel_export_lists_the_years_trainings_with_totals(client, people):
    client.force_login(people["office"])
    client.post("/upkeep/trainings/new/", form(topic='=HYPERLINK("x")'))
    client.post(
        "/upkeep/trainings/new/",
        form(topic="2025年培训", held_on="2025-05-01", assessment="none", assessed_count="", passed_count=""),
    )
    response = client.get("/upkeep/trainings.xlsx?year=2026")
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "阳泉市重污染天气应急预案培训记录（2026年）"
    assert rows[1][:4] == ("序号", "培训日期", "组织单位", "培训主题")
    assert rows[2][3] == '\'=HYPERLINK("x")'  # free text is never a formula
    assert rows[2][10] == 40 and rows[2][13] == 36
    assert rows[-1][0] == "合计" and rows[-1][1] == "1 次培训"


def test_api_lists_and_creates_trainings(client, people):
    client.force_login(people["office"])
    body = {
        "topic": "API 培训",
        "trainer": "李",
        "held_on": "2026-11-01",
        "attendee_count": 12,
        "assessment": "oral",
        "assessed_count": 12,
        "passed_count": 12,
        "contents": ["measures"],
        "attendee_units": ["jiaotong", "shengtai"],
    }
    created = client.post("/api/v1/upkeep/trainings/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["organiser"] == "阳泉市重污染天气应急指挥部办公室" and created.json()["pass_rate"] == 100.0
    assert [t["topic"] for t in client.get("/api/v1/upkeep/trainings/?year=2026").json()] == ["API 培训"]
    bad = client.post("/api/v1/upkeep/trainings/", {**body, "passed_count": 13}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "upkeep.refused"


def test_a_unit_cannot_enter_another_units_training_through_the_api(client, people):
    client.force_login(people["jiaotong"])
    body = {"topic": "冒名培训", "trainer": "李", "held_on": "2026-11-01", "attendee_count": 5, "unit": "shengtai"}
    refused = client.post("/api/v1/upkeep/trainings/", body, content_type="application/json")
    assert refused.status_code == 403 and "本单位" in refused.json()["detail"]
    own = client.post("/api/v1/upkeep/trainings/", {**body, "unit": None}, content_type="application/json")
    assert own.status_code == 201 and own.json()["unit"] == "jiaotong"
    client.force_login(people["vice"])
    assert client.post("/api/v1/upkeep/trainings/", body, content_type="application/json").status_code == 403


def test_a_unit_slug_with_a_nul_character_is_no_such_unit(client, people):
    client.force_login(people["office"])
    body = {"topic": "培训", "trainer": "李", "held_on": "2026-11-01", "attendee_count": 5, "unit": "\x00"}
    assert client.post("/api/v1/upkeep/trainings/", body, content_type="application/json").status_code == 400
    body = {**body, "unit": None, "attendee_units": ["jiao\x00tong"]}
    assert client.post("/api/v1/upkeep/trainings/", body, content_type="application/json").status_code == 400
    assert not Training.objects.exists()
