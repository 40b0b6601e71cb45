"""The contact list kept current (通讯保障, §8.5): a unit (a county for its government) confirms its
entry unchanged or edits its contacts, which resets the date; entries older than the set number of
days are flagged to the office."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from audit.models import AuditEntry
from command.models import MemberUnit
from guarantees import selectors, services
from guarantees.models import ContactConfirmation
from notifications.models import UnitContact

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiaotong_contact():
    return UnitContact.objects.create(
        unit=MemberUnit.objects.get(slug="jiaotong"), name="王联络", position="科长", mobile="13700000011"
    )


def _entry(slug):
    return next(e for e in selectors.contact_entries() if e.unit.slug == slug)


def test_unit_confirms_its_entry_unchanged_and_the_date_resets(client, people, jiaotong_contact):
    client.force_login(people["jiaotong"])
    page = client.get("/guarantees/contacts/mine/").content.decode()
    assert "王联络" in page and "信息无变化，确认" in page and "从未确认" in page
    with time_machine.travel(at(7, 10), tick=False):
        reply = client.post("/guarantees/contacts/mine/confirm/", follow=True)
    assert "已确认本单位通讯录信息无变化" in reply.content.decode()
    confirmation = ContactConfirmation.objects.get(unit__slug="jiaotong")
    assert confirmation.confirmed_at == at(7, 10) and not confirmation.changed
    assert confirmation.confirmed_by == people["jiaotong"]
    assert AuditEntry.objects.filter(action="guarantees.contact.confirmed", actor=people["jiaotong"]).exists()
    with time_machine.travel(at(7, 10) + dt.timedelta(days=30), tick=False):
        assert not _entry("jiaotong").stale


def test_entries_older_than_the_setting_are_flagged_to_the_office(client, people, jiaotong_contact, settings):
    with time_machine.travel(at(1, 10), tick=False):
        services.contact_confirm(actor=people["jiaotong"])
    with time_machine.travel(at(1, 10) + dt.timedelta(days=91), tick=False):
        client.force_login(people["office"])  # (a session from before the jump would have timed out)
        assert _entry("jiaotong").stale
        page = client.get("/guarantees/contacts/?stale=1").content.decode()
        api = client.get("/api/v1/guarantees/contacts/?stale=1").json()
    assert "市交通运输局" in page and "超期未确认" in page
    jiaotong = next(e for e in api if e["unit"] == "jiaotong")
    assert jiaotong["stale"] and jiaotong["people"][0]["mobile"] == "13700000011"
    settings.GUARANTEES_CONTACT_STALE_DAYS = 120
    with time_machine.travel(at(1, 10) + dt.timedelta(days=91), tick=False):
        assert not _entry("jiaotong").stale
    assert _entry("shengtai").stale  # never confirmed


def test_confirming_without_any_contact_is_refused(client, people):
    client.force_login(people["shengtai"])
    reply = client.post("/guarantees/contacts/mine/confirm/", follow=True)
    assert "请先登记" in reply.content.decode()
    assert not ContactConfirmation.objects.exists()


def test_unit_adds_changes_and_removes_its_contacts_each_confirming(client, people):
    client.force_login(people["shengtai"])
    reply = client.post(
        "/guarantees/contacts/mine/",
        {"duty_role": "head", "name": "赵局长", "position": "副局长", "mobile": "137 0000 0021"},
    )
    assert reply.status_code == 302
    contact = UnitContact.objects.get(unit__slug="shengtai", name="赵局长")
    assert contact.mobile == "13700000021" and contact.duty_role == "head"
    client.post(
        f"/guarantees/contacts/people/{contact.pk}/",
        {"duty_role": "head", "name": "赵局长", "position": "局长", "mobile": "13700000022"},
    )
    contact.refresh_from_db()
    assert (contact.position, contact.mobile) == ("局长", "13700000022")
    client.post(f"/guarantees/contacts/people/{contact.pk}/remove/")
    contact.refresh_from_db()
    assert not contact.active
    assert (
        list(ContactConfirmation.objects.filter(unit__slug="shengtai").values_list("changed", flat=True)) == [True] * 3
    )
    changed = AuditEntry.objects.get(action="guarantees.contact.changed")
    assert changed.before == {"position": "副局长", "mobile": "13700000021"}
    reply = client.post("/guarantees/contacts/mine/", {"duty_role": "liaison", "name": "钱", "mobile": "12345"})
    assert reply.status_code == 400 and "11 位手机号码" in reply.content.decode()


def test_unit_cannot_touch_another_units_contact(client, people, jiaotong_contact):
    client.force_login(people["shengtai"])
    assert client.get(f"/guarantees/contacts/people/{jiaotong_contact.pk}/").status_code == 404
    assert client.post(f"/guarantees/contacts/people/{jiaotong_contact.pk}/remove/").status_code == 404
    jiaotong_contact.refresh_from_db()
    assert jiaotong_contact.active
    with pytest.raises(services.NotYourGuaranteeError):
        services.contact_person_remove(actor=people["shengtai"], contact_id=jiaotong_contact.pk)


def test_county_confirms_its_governments_entry(client, people):
    pingding = MemberUnit.objects.get(slug="pingding")
    UnitContact.objects.create(unit=pingding, name="平定联络员", mobile="13700000031")
    client.force_login(people["county"])
    page = client.get("/guarantees/contacts/mine/").content.decode()
    assert pingding.name in page and "平定联络员" in page
    client.post("/guarantees/contacts/mine/confirm/")
    assert ContactConfirmation.objects.get().unit == pingding
    entry = _entry("pingding")
    assert entry.area.code == "140321" and not entry.stale


def test_office_and_leaders_read_but_do_not_confirm(client, people):
    for name in ("office", "vice", "forecaster"):
        client.force_login(people[name])
        assert client.get("/guarantees/contacts/").status_code == 200
        assert client.post("/guarantees/contacts/mine/confirm/").status_code == 403
    with pytest.raises(services.NotYourGuaranteeError):
        services.contact_confirm(actor=people["office"])


def test_contact_list_excel_has_each_person_and_the_flag(client, people, jiaotong_contact):
    client.force_login(people["office"])
    reply = client.get("/guarantees/contacts/excel/")
    sheet = load_workbook(io.BytesIO(reply.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    jiaotong = next(r for r in rows if r[0] == "市交通运输局")
    assert jiaotong[4:7] == ["王联络", "科长", "13700000011"] and jiaotong[8] == "是"
    assert len({r[0] for r in rows}) == MemberUnit.objects.filter(active=True).count()
