"""The county pages: a county's headquarters and office with their people, kept by the office and
by the county itself (its own area only), each change audited; the print page and Excel."""

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from counties.models import CountyBody, CountyContact

pytestmark = pytest.mark.django_db

PERSON = {
    "post": "总指挥",
    "name": "李县长",
    "position": "平定县人民政府县长",
    "phone": "0353-6021234",
    "mobile": "13900000001",
    "order": 1,
}


def test_county_page_shows_both_bodies_with_default_names(client, people):
    client.force_login(people["vice"])
    page = client.get("/counties/140321/").content.decode()
    assert "平定县重污染天气应急指挥部" in page and "平定县重污染天气应急响应办公室" in page
    assert "添加人员" not in page  # a leader reads, does not edit


def test_area_pages_link_to_the_county_page(client, people):
    client.force_login(people["office"])
    assert 'href="/counties/140321/"' in client.get("/command/").content.decode()
    assert 'href="/counties/140321/"' in client.get("/command/units/pingding/").content.decode()


def test_office_adds_changes_and_removes_a_person_each_audited(client, people):
    client.force_login(people["office"])
    response = client.post("/counties/140321/headquarters/contacts/new/", PERSON)
    assert response.status_code == 302 and response["Location"] == "/counties/140321/"
    contact = CountyContact.objects.get()
    assert contact.body.area.code == "140321" and contact.body.kind == CountyBody.Kind.HEADQUARTERS
    page = client.get("/counties/140321/").content.decode()
    assert "李县长" in page and "13900000001" in page

    client.post(f"/counties/contacts/{contact.pk}/edit/", {**PERSON, "mobile": "13900000009"})
    contact.refresh_from_db()
    assert contact.mobile == "13900000009"
    changed = AuditEntry.objects.get(action="counties.contact.changed")
    assert changed.before == {"mobile": "13900000001"} and changed.after == {"mobile": "13900000009"}
    assert changed.actor == people["office"]

    client.post(f"/counties/contacts/{contact.pk}/delete/")
    assert not CountyContact.objects.exists()
    removed = AuditEntry.objects.get(action="counties.contact.removed")
    assert removed.before["name"] == "李县长"
    assert AuditEntry.objects.filter(action="counties.contact.added").count() == 1


def test_office_renames_the_office_and_sets_its_host_and_duty_phone(client, people):
    client.force_login(people["office"])
    client.post(
        "/counties/140322/office/",
        {"name": "盂县重污染天气应急办公室", "host": "盂县生态环境局", "duty_phone": "0353-8061111"},
    )
    body = CountyBody.objects.get(area__code="140322", kind="office")
    assert body.host == "盂县生态环境局"
    page = client.get("/counties/140322/").content.decode()
    assert "盂县重污染天气应急办公室" in page and "0353-8061111" in page
    entry = AuditEntry.objects.get(action="counties.body.saved")
    assert entry.before is None and entry.after["duty_phone"] == "0353-8061111"


def test_county_user_keeps_its_own_list(client, people):
    client.force_login(people["county"])  # 平定县
    assert client.get("/counties/").headers["Location"] == "/counties/140321/"
    assert "添加人员" in client.get("/counties/140321/").content.decode()
    client.post("/counties/140321/office/contacts/new/", {**PERSON, "post": "办公室主任"})
    assert CountyContact.objects.get().body.kind == "office"


def test_county_user_cannot_see_or_edit_another_county(client, people):
    client.force_login(people["office"])
    client.post("/counties/140322/headquarters/contacts/new/", PERSON)
    other = CountyContact.objects.get()
    client.force_login(people["county"])  # 平定县, not 盂县
    assert client.get("/counties/140322/").status_code == 404
    assert client.post("/counties/140322/headquarters/contacts/new/", PERSON).status_code == 404
    assert client.post(f"/counties/contacts/{other.pk}/edit/", {**PERSON, "name": "改"}).status_code == 404
    assert client.post(f"/counties/contacts/{other.pk}/delete/").status_code == 404
    other.refresh_from_db()
    assert other.name == "李县长" and CountyContact.objects.count() == 1


@pytest.mark.parametrize("who", ["vice", "supervisor", "forecaster", "jiaotong"])
def test_other_roles_cannot_edit(client, people, who):
    client.force_login(people[who])
    assert client.post("/counties/140321/headquarters/contacts/new/", PERSON).status_code == 403
    assert not CountyContact.objects.exists()


def test_a_person_needs_a_phone(client, people):
    client.force_login(people["office"])
    response = client.post("/counties/140321/headquarters/contacts/new/", {**PERSON, "phone": "", "mobile": ""})
    assert response.status_code == 400 and "请至少填写办公电话或手机中的一个" in response.content.decode()
    assert not CountyContact.objects.exists()


def test_office_prints_and_exports_the_contact_list(client, people):
    client.force_login(people["office"])
    client.post("/counties/140321/headquarters/contacts/new/", PERSON)
    client.post("/counties/140321/office/contacts/new/", {**PERSON, "post": "办公室主任", "name": "=王主任"})
    printed = client.get("/counties/140321/print/").content.decode()
    assert (
        "平定县重污染天气应急指挥部及办公室人员名单" in printed
        and "李县长" in printed
        and "data-language-switch" in printed
    )
    xlsx = client.get("/counties/140321/contacts.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[0][:4] == ("平定县", "平定县重污染天气应急指挥部", "总指挥", "李县长")
    assert rows[1][3] == "'=王主任"  # never a formula


def test_office_exports_every_countys_people_in_one_workbook(client, people):
    client.force_login(people["office"])
    client.post("/counties/140321/headquarters/contacts/new/", PERSON)
    client.post("/counties/140322/office/contacts/new/", {**PERSON, "name": "盂县联络员"})
    assert 'href="/counties/contacts.xlsx"' in client.get("/counties/").content.decode()
    sheet = load_workbook(io.BytesIO(client.get("/counties/contacts.xlsx").content)).active
    assert [(r[0], r[3]) for r in sheet.iter_rows(min_row=3, values_only=True)] == [
        ("平定县", "李县长"),
        ("盂县", "盂县联络员"),
    ]
    client.force_login(people["county"])  # a county: its own area only
    sheet = load_workbook(io.BytesIO(client.get("/counties/contacts.xlsx").content)).active
    assert [r[3] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["李县长"]


def test_unit_user_cannot_print(client, people):
    client.force_login(people["jiaotong"])
    assert client.get("/counties/140321/").status_code == 200
    assert client.get("/counties/140321/print/").status_code == 403
