"""Tip-offs beyond the web form (§7.3): hotline tip-offs (12369, 12345) entered by the office or
the supervision group; each routed to the responsible member unit by kind and area, which sees it
in its own list and answers it (only that unit); the public looks up the state by reference
number and check code; the API."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from accounts.roles import Role
from audit.models import AuditEntry
from command.models import MemberUnit
from notifications.models import Notification
from supervision import services
from supervision.models import TipOff
from tests.factories import UserFactory

from .test_tipoffs import tip


@pytest.fixture
def people_cast():
    return ("office", "supervisor", "vice", "unit", "county", "county2", "shengtai", "zhujian")


def enter(client, **extra):
    body = {
        "channel": "12369",
        "category": "enterprise",
        "area": "140321",
        "place": "平定县某焦化厂",
        "description": "夜间偷排",
        "reporter_name": "李四",
        "reporter_phone": "13900000000",
        **extra,
    }
    return client.post("/supervision/tipoffs/new/", body)


def test_office_enters_a_12369_tipoff_routed_to_the_ecology_bureau(
    client, people, eager, django_capture_on_commit_callbacks
):
    client.force_login(people["office"])
    assert client.get("/supervision/tipoffs/new/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        reply = enter(client)
    tipoff = TipOff.objects.get()
    assert reply.status_code == 302 and reply["Location"] == f"/supervision/tipoffs/{tipoff.pk}/"
    assert tipoff.channel == "12369" and tipoff.entered_by == people["office"] and tipoff.real_name
    assert tipoff.assigned_unit.slug == "shengtai" and tipoff.area.code == "140321"
    shown = client.get(reply["Location"]).content.decode()
    assert tipoff.reference in shown and "查询码" in shown and "市生态环境局" in shown
    entry = AuditEntry.objects.get(action="supervision.tipoff.received")
    assert entry.actor == people["office"] and entry.after["assigned_unit"] == "shengtai"
    # The ecology bureau's users hear of it (through the outbox).
    assert Notification.objects.filter(recipient=people["shengtai"], kind="supervision.tipoff.routed").exists()
    assert not Notification.objects.filter(recipient=people["zhujian"]).exists()


def test_the_web_channel_is_the_publics_own(people):
    with pytest.raises(services.SupervisionError, match="渠道"):
        services.tipoff_enter(
            actor=people["office"], channel="web", category="dust", place="x", description="y", area=None
        )
    with pytest.raises(services.NotAllowedError):
        services.tipoff_enter(
            actor=people["unit"], channel="12345", category="dust", place="x", description="y", area=None
        )


@pytest.mark.parametrize(
    "category,area,unit",
    [("dust", "140302", "zhujian"), ("vehicle", "", "jiaojing"), ("burning", "140322", "yuxian"), ("other", "", None)],
)
def test_routing_by_kind_and_area(client, people, category, area, unit):
    client.force_login(people["supervisor"])
    enter(client, channel="12345", category=category, area=area)
    tipoff = TipOff.objects.get()
    assert (tipoff.assigned_unit.slug if tipoff.assigned_unit else None) == unit


def test_only_the_routed_unit_sees_and_answers(client, people):
    client.force_login(people["office"])
    enter(client, category="dust", area="140302")  # → 住建局
    tipoff = TipOff.objects.get()
    client.force_login(people["shengtai"])  # another unit
    assert tipoff not in client.get("/supervision/tipoffs/").context["page"].object_list
    assert client.get(f"/supervision/tipoffs/{tipoff.pk}/").status_code == 404
    answer = {"verified": "1", "answer": "现场核查，工地未苫盖"}
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/answer/", answer).status_code == 404
    with pytest.raises(services.NotYoursError):
        services.tipoff_answer(actor=people["shengtai"], tipoff_id=tipoff.pk, verified=True, answer="x")
    client.force_login(people["office"])
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/answer/", answer).status_code == 403
    tipoff.refresh_from_db()
    assert tipoff.status == "received" and tipoff.answered_at is None

    client.force_login(people["zhujian"])
    assert list(client.get("/supervision/tipoffs/").context["page"].object_list) == [tipoff]
    detail = client.get(f"/supervision/tipoffs/{tipoff.pk}/").content.decode()
    assert "13900000000" not in detail and "李四" not in detail  # the sender's identity stays with the office
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/answer/", answer).status_code == 302
    tipoff.refresh_from_db()
    assert tipoff.status == "verified_true" and tipoff.answer == "现场核查，工地未苫盖"
    assert tipoff.answered_by == people["zhujian"] and tipoff.handled_by == people["zhujian"]
    assert AuditEntry.objects.filter(action="supervision.tipoff.answered", actor=people["zhujian"]).exists()
    client.post(f"/supervision/tipoffs/{tipoff.pk}/answer/", {"verified": "0", "answer": "改口"})
    tipoff.refresh_from_db()
    assert tipoff.status == "verified_true"  # answered once
    # The reward stays with the office, as before: real name and verified true.
    services.tipoff_reward(actor=people["office"], tipoff_id=tipoff.pk, reward=True, note="奖励 200 元")
    tipoff.refresh_from_db()
    assert tipoff.reward is True


def test_a_county_answers_what_goes_to_its_government(client, people):
    client.force_login(people["office"])
    enter(client, category="burning", area="140321")  # → 平定县人民政府
    tipoff = TipOff.objects.get()
    client.force_login(people["county2"])  # 盂县
    assert client.get(f"/supervision/tipoffs/{tipoff.pk}/").status_code == 404
    client.force_login(people["county"])  # 平定县
    assert list(client.get("/supervision/tipoffs/").context["page"].object_list) == [tipoff]
    client.post(f"/supervision/tipoffs/{tipoff.pk}/answer/", {"verified": "0", "answer": "现场未发现焚烧"})
    tipoff.refresh_from_db()
    assert tipoff.status == "verified_false" and tipoff.answered_by == people["county"]


def test_the_office_routes_an_other_tipoff_by_hand(client, people):
    client.force_login(people["office"])
    enter(client, category="other", area="")
    tipoff = TipOff.objects.get()
    assert tipoff.assigned_unit is None
    client.post(f"/supervision/tipoffs/{tipoff.pk}/route/", {"unit": "zhujian"})
    tipoff.refresh_from_db()
    assert tipoff.assigned_unit.slug == "zhujian"
    entry = AuditEntry.objects.get(action="supervision.tipoff.routed")
    assert entry.before == {"assigned_unit": None} and entry.after == {"assigned_unit": "zhujian"}
    client.force_login(people["unit"])
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/route/", {"unit": "jiaotong"}).status_code == 403


def test_the_public_looks_up_its_tipoff_with_reference_and_code(public_client, people):
    tip(public_client, category="dust", area="140302", reporter_name="张三", reporter_phone="13800000000")
    tipoff = TipOff.objects.get()
    done = public_client.get("/supervision/tipoff/done/")
    code = done.context["code"]
    assert len(code) == 6 and code in done.content.decode()
    assert tipoff.check_code_hash and code not in tipoff.check_code_hash  # only a digest is stored
    page = public_client.get("/supervision/tipoff/lookup/")
    assert page.status_code == 200
    found = public_client.post("/supervision/tipoff/lookup/", {"reference": tipoff.reference, "code": code})
    assert found.status_code == 200
    html = found.content.decode()
    assert "已受理" in html and "市住房和城乡建设局" in html and "13800000000" not in html
    services.tipoff_answer(actor=people["zhujian"], tipoff_id=tipoff.pk, verified=True, answer="已责令工地整改")
    html = public_client.post(
        "/supervision/tipoff/lookup/", {"reference": tipoff.reference.lower(), "code": code}
    ).content.decode()
    assert "核查属实" in html and "已责令工地整改" in html


def test_a_wrong_code_and_an_unknown_reference_get_the_same_answer(public_client):
    tip(public_client)
    tipoff = TipOff.objects.get()
    code = public_client.get("/supervision/tipoff/done/").context["code"]
    wrong = "000000" if code != "000000" else "111111"
    a = public_client.post("/supervision/tipoff/lookup/", {"reference": tipoff.reference, "code": wrong})
    b = public_client.post("/supervision/tipoff/lookup/", {"reference": "JB20260101-ABCDEF", "code": code})
    assert a.status_code == b.status_code == 404
    assert "受理编号或查询码不正确" in a.content.decode() and tipoff.place not in a.content.decode()


def test_lookups_are_rate_limited_per_address(public_client, settings):
    settings.TIPOFF_LOOKUP_RATE_LIMIT = 3
    address = public_client.defaults["REMOTE_ADDR"]
    try:
        answers = [
            public_client.post("/supervision/tipoff/lookup/", {"reference": "JB1", "code": "123456"}).status_code
            for _ in range(4)
        ]
    finally:
        cache.delete(f"supervision:tipoff-lookup-rate:{address}")
    assert answers == [404, 404, 404, 429]


def test_tipoff_api_create_list_and_answer(client, people):
    client.force_login(people["office"])
    created = client.post(
        "/api/v1/tipoffs/",
        {"channel": "12345", "category": "vehicle", "place": "桃北路", "description": "国四货车上路"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["channel"] == "12345" and body["assigned_unit"] == "jiaojing" and len(body["check_code"]) == 6
    assert services.tipoff_lookup(reference=body["reference"], code=body["check_code"]).pk == body["id"]
    assert (
        client.post(
            "/api/v1/tipoffs/",
            {"channel": "web", "category": "dust", "place": "x", "description": "y"},
            content_type="application/json",
        ).status_code
        == 400
    )
    police = UserFactory.for_role(Role.UNIT, unit=MemberUnit.objects.get(slug="jiaojing"))
    client.force_login(people["shengtai"])
    assert client.get("/api/v1/tipoffs/").json() == []
    assert (
        client.post(
            f"/api/v1/tipoffs/{body['id']}/answer/", {"verified": True, "answer": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(police)
    listed = client.get("/api/v1/tipoffs/").json()
    assert [t["id"] for t in listed] == [body["id"]] and "reporter_phone" not in listed[0]
    answered = client.post(
        f"/api/v1/tipoffs/{body['id']}/answer/",
        {"verified": False, "answer": "未发现"},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "verified_false"
    again = client.post(
        f"/api/v1/tipoffs/{body['id']}/answer/", {"verified": True, "answer": "x"}, content_type="application/json"
    )
    assert again.status_code == 409
    assert (
        client.post(
            "/api/v1/tipoffs/",
            {"channel": "12345", "category": "dust", "place": "x", "description": "y"},
            content_type="application/json",
        ).status_code
        == 403
    )
