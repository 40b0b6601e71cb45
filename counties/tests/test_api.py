"""The API: every staff role reads the county contacts (a county its own); the office writes them
(a county its own area); a county files its extra measures, the office reads them per response."""

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from counties.models import CountyContact, ExtraMeasure

pytestmark = pytest.mark.django_db

PERSON = {
    "kind": "headquarters",
    "post": "副总指挥",
    "name": "赵副县长",
    "position": "平定县人民政府副县长",
    "mobile": "13900000002",
}


def test_office_writes_contacts_through_the_api(client, people):
    client.force_login(people["office"])
    created = client.post("/api/v1/counties/140321/contacts/", PERSON, content_type="application/json")
    assert created.status_code == 201 and created.json()["kind"] == "headquarters"
    pk = created.json()["id"]
    patched = client.patch(
        f"/api/v1/counties/contacts/{pk}/", {"phone": "0353-6020000"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "0353-6020000"
    assert patched.json()["mobile"] == "13900000002"
    county = client.get("/api/v1/counties/140321/").json()
    hq = next(b for b in county["bodies"] if b["kind"] == "headquarters")
    assert hq["name"] == "平定县重污染天气应急指挥部" and hq["people"][0]["name"] == "赵副县长"
    assert client.delete(f"/api/v1/counties/contacts/{pk}/").status_code == 204
    assert not CountyContact.objects.exists()
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="counties.").order_by("id")] == [
        "counties.contact.added",
        "counties.contact.changed",
        "counties.contact.removed",
    ]


def test_everybody_on_the_staff_reads_all_counties_a_county_its_own(client, people):
    client.force_login(people["jiaotong"])
    codes = [c["code"] for c in client.get("/api/v1/counties/").json()]
    assert "140321" in codes and "140322" in codes and "140300" not in codes
    client.force_login(people["county"])
    assert [c["code"] for c in client.get("/api/v1/counties/").json()] == ["140321"]
    assert client.get("/api/v1/counties/140322/").status_code == 404


def test_county_cannot_write_another_countys_contacts(client, people):
    client.force_login(people["county"])
    assert client.post("/api/v1/counties/140322/contacts/", PERSON, content_type="application/json").status_code == 404
    assert client.post("/api/v1/counties/140321/contacts/", PERSON, content_type="application/json").status_code == 201


@pytest.mark.parametrize("who", ["vice", "jiaotong", "supervisor"])
def test_other_roles_cannot_write_contacts(client, people, who):
    client.force_login(people[who])
    response = client.post("/api/v1/counties/140321/contacts/", PERSON, content_type="application/json")
    assert response.status_code == 403 and "detail" in response.json()


def test_a_contact_without_a_phone_is_refused_readably(client, people):
    client.force_login(people["office"])
    response = client.post(
        "/api/v1/counties/140321/contacts/", {**PERSON, "mobile": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "counties.no_phone"


def test_county_files_a_measure_and_the_office_lists_it(client, people, response_in_force):
    body = {
        "response": response_in_force.pk,
        "category": "industry",
        "measure": "重点企业在Ⅱ级基础上再限产10%",
        "started_at": timezone.now().isoformat(),
        "sites": 8,
    }
    client.force_login(people["county2"])
    created = client.post("/api/v1/counties/extra-measures/", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["area_code"] == "140322"
    client.force_login(people["office"])
    assert client.post("/api/v1/counties/extra-measures/", body, content_type="application/json").status_code == 403
    listed = client.get(f"/api/v1/counties/extra-measures/?response={response_in_force.pk}").json()
    assert [(m["area_name"], m["category_label"], m["sites"]) for m in listed] == [("盂县", "工业企业", 8)]
    client.force_login(people["county"])
    assert client.get("/api/v1/counties/extra-measures/").json() == []


def test_filing_on_an_ended_response_is_409(client, people, ended_response):
    client.force_login(people["county"])
    body = {
        "response": ended_response.pk,
        "category": "other",
        "measure": "示例",
        "started_at": timezone.now().isoformat(),
    }
    response = client.post("/api/v1/counties/extra-measures/", body, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "counties.response_ended"
    assert not ExtraMeasure.objects.exists()
