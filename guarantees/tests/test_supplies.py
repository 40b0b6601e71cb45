"""The register of supplies and funds (§8.2–8.6), kept by the office, every change audited."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from audit.models import AuditEntry
from command.models import MemberUnit
from guarantees import services
from guarantees.models import SupplyItem

pytestmark = pytest.mark.django_db


def _form(**overrides):
    values = {
        "kind": "vehicle",
        "name": "应急监测车",
        "quantity": "3",
        "measure": "辆",
        "keeper": "",
        "location": "市生态环境局大院",
        "last_checked_on": "2026-12-01",
        "note": "",
    }
    return {**values, **overrides}


def test_office_registers_changes_checks_and_retires_an_item(client, people):
    client.force_login(people["office"])
    shengtai = MemberUnit.objects.get(slug="shengtai")
    assert client.post("/guarantees/supplies/", _form(keeper=shengtai.pk)).status_code == 302
    item = SupplyItem.objects.get()
    assert (item.quantity, item.keeper, item.updated_by) == (Decimal("3.00"), shengtai, people["office"])
    page = client.get("/guarantees/supplies/").content.decode()
    assert "应急监测车" in page and "市生态环境局" in page
    client.post(f"/guarantees/supplies/{item.pk}/", _form(quantity="2", keeper=shengtai.pk))
    changed = AuditEntry.objects.get(action="guarantees.supply.changed")
    assert changed.before == {"quantity": "3.00"} and changed.after == {"quantity": "2.00"}
    client.post(f"/guarantees/supplies/{item.pk}/check/")
    client.post(f"/guarantees/supplies/{item.pk}/retire/", {"note": "报废"})
    item.refresh_from_db()
    assert not item.active
    assert "应急监测车" not in client.get("/guarantees/supplies/").content.decode()
    assert "应急监测车" in client.get("/guarantees/supplies/?retired=1").content.decode()
    actions = list(AuditEntry.objects.filter(action__startswith="guarantees.supply.").values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [
            "guarantees.supply.added",
            "guarantees.supply.changed",
            "guarantees.supply.checked",
            "guarantees.supply.retired",
        ]
    )
    reply = client.post(f"/guarantees/supplies/{item.pk}/check/", follow=True)
    assert "已注销" in reply.content.decode()


def test_funds_are_an_amount_in_ten_thousand_yuan(client, people):
    client.force_login(people["office"])
    client.post(
        "/guarantees/supplies/", _form(kind="funds", name="重污染天气应急专项经费", quantity="120.5", measure="万元")
    )
    api = client.get("/api/v1/guarantees/supplies/").json()
    assert api[0]["kind"] == "funds" and api[0]["quantity"] == "120.50" and api[0]["keeper"] is None
    reply = client.post("/guarantees/supplies/", _form(quantity="-1"))
    assert reply.status_code == 400 and SupplyItem.objects.count() == 1


def test_units_and_leaders_cannot_change_the_register(client, people):
    item = services.supply_add(actor=people["office"], kind="protective", name="防护口罩", quantity=500, measure="个")
    client.force_login(people["jiaotong"])
    assert client.get("/guarantees/supplies/").status_code == 403
    assert client.post("/guarantees/supplies/", _form()).status_code == 403
    client.force_login(people["vice"])
    assert client.get("/guarantees/supplies/").status_code == 200
    assert client.post(f"/guarantees/supplies/{item.pk}/retire/").status_code == 403
    with pytest.raises(services.NotYourGuaranteeError):
        services.supply_retire(actor=people["vice"], item_id=item.pk)
    item.refresh_from_db()
    assert item.active


def test_register_excel(client, people):
    services.supply_add(
        actor=people["office"],
        kind="monitoring",
        name="颗粒物便携监测仪",
        quantity=4,
        measure="台",
        keeper_id=MemberUnit.objects.get(slug="shengtai").pk,
    )
    client.force_login(people["office"])
    sheet = load_workbook(io.BytesIO(client.get("/guarantees/supplies/excel/").content)).active
    row = [c.value for c in sheet[3]]
    assert row[:5] == ["监测预警设备（8.4）", "颗粒物便携监测仪", 4, "台", "市生态环境局"]
