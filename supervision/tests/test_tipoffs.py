"""Public tip-offs (公众监督, §7.3): no login, rate-limited per address, honeypot and minimum fill
time against bots, escaped everywhere; the verification workflow with reward and audit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from supervision import services
from supervision.forms import tipoff_started_token
from supervision.models import TipOff


def started_token(seconds_ago: float = 30) -> str:
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=seconds_ago), tick=False):
        return tipoff_started_token()


def tip(client, **extra):
    body = {
        "category": "enterprise",
        "place": "郊区某焦化厂",
        "description": "夜间仍在生产，烟囱冒黑烟",
        "reporter_name": "",
        "reporter_phone": "",
        "website": "",
        "started": started_token(),
        **extra,
    }
    return client.post("/supervision/tipoff/", body)


def test_the_public_page_needs_no_login_and_gives_a_reference(public_client):
    page = public_client.get("/supervision/tipoff/")
    assert page.status_code == 200 and "企业未停限产" in page.content.decode()
    reply = tip(public_client, reporter_name="张三", reporter_phone="13800000000")
    assert reply.status_code == 302 and reply["Location"] == "/supervision/tipoff/done/"
    tipoff = TipOff.objects.get()
    assert tipoff.real_name is True and tipoff.status == "received" and tipoff.reference.startswith("JB")
    done = public_client.get("/supervision/tipoff/done/").content.decode()
    assert tipoff.reference in done
    entry = AuditEntry.objects.get(action="supervision.tipoff.received")
    assert entry.actor is None and entry.target_id == str(tipoff.pk)


def test_real_name_needs_both_name_and_phone(public_client):
    assert tip(public_client, reporter_name="张三").status_code == 400
    assert tip(public_client, reporter_phone="abc", reporter_name="张三").status_code == 400
    assert not TipOff.objects.exists()


def test_honeypot_filled_stores_nothing(public_client):
    reply = tip(public_client, website="http://spam.example")
    assert reply.status_code == 400
    assert not TipOff.objects.exists()


def test_a_form_sent_faster_than_a_person_can_fill_it_stores_nothing(public_client):
    reply = tip(public_client, started=started_token(seconds_ago=0.5))
    assert reply.status_code == 400
    assert not TipOff.objects.exists()


def test_a_forged_or_missing_start_stamp_is_refused(public_client):
    assert tip(public_client, started="forged").status_code == 400
    assert tip(public_client, started=started_token(seconds_ago=3 * 3600)).status_code == 400
    assert not TipOff.objects.exists()


def test_rate_limit_five_per_hour_per_address(public_client, client, settings):
    for _ in range(5):
        assert tip(public_client).status_code == 302
    refused = tip(public_client)
    assert refused.status_code == 429
    assert TipOff.objects.count() == 5
    # Another address is not affected.
    from django.core.cache import cache

    other = "192.0.2.77"
    cache.delete(f"supervision:tipoff-rate:{other}")
    assert (
        client.post(
            "/supervision/tipoff/",
            {
                "category": "dust",
                "place": "x",
                "description": "y",
                "started": started_token(),
                "website": "",
            },
            REMOTE_ADDR=other,
        ).status_code
        == 302
    )
    cache.delete(f"supervision:tipoff-rate:{other}")


def test_text_is_capped(public_client):
    assert tip(public_client, description="长" * 2001).status_code == 400
    assert not TipOff.objects.exists()


def test_markup_in_a_tipoff_is_escaped_on_the_office_pages(public_client, client, people):
    tip(public_client, place="<b>厂</b>", description="<script>alert('x')</script><img src=x onerror=alert(1)>")
    tipoff = TipOff.objects.get()
    client.force_login(people["office"])
    for url in ("/supervision/tipoffs/", f"/supervision/tipoffs/{tipoff.pk}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>厂</b>" not in html
        assert "&lt;script&gt;" in html and "&lt;b&gt;厂&lt;/b&gt;" in html
    api = client.get("/api/v1/tipoffs/").json()
    assert api[0]["description"].startswith("<script>")  # JSON carries the text as sent; pages escape it


def test_verification_workflow_with_reward_and_audit(public_client, client, people):
    tip(public_client, reporter_name="李四", reporter_phone="13900000000")
    tipoff = TipOff.objects.get()
    client.force_login(people["supervisor"])
    url = f"/supervision/tipoffs/{tipoff.pk}/action/"
    client.post(url, {"action": "true", "note": "跳过核查"})
    tipoff.refresh_from_db()
    assert tipoff.status == "received"  # must start verifying first
    client.post(url, {"action": "start"})
    client.force_login(people["office"])
    client.post(url, {"action": "true", "note": "现场核实：该厂未按要求停产"})
    client.post(url, {"action": "reward", "note": "奖励 500 元"})
    tipoff.refresh_from_db()
    assert tipoff.status == "verified_true" and tipoff.verified is True
    assert tipoff.reward is True and tipoff.reward_note == "奖励 500 元" and tipoff.handled_by == people["office"]
    actions = list(
        AuditEntry.objects.filter(target_id=str(tipoff.pk), action__startswith="supervision.tipoff")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "supervision.tipoff.received",
        "supervision.tipoff.verifying",
        "supervision.tipoff.verified",
        "supervision.tipoff.reward",
    ]


def test_false_or_anonymous_tipoffs_get_no_reward(public_client, people):
    tip(public_client)
    anonymous = TipOff.objects.get()
    services.tipoff_start_verification(actor=people["supervisor"], tipoff_id=anonymous.pk)
    services.tipoff_conclude(actor=people["supervisor"], tipoff_id=anonymous.pk, verified=True, note="属实")
    with pytest.raises(services.SupervisionError, match="匿名"):
        services.tipoff_reward(actor=people["office"], tipoff_id=anonymous.pk, reward=True)
    tip(public_client, reporter_name="王五", reporter_phone="13700000000")
    false = TipOff.objects.exclude(pk=anonymous.pk).get()
    services.tipoff_start_verification(actor=people["office"], tipoff_id=false.pk)
    services.tipoff_conclude(actor=people["office"], tipoff_id=false.pk, verified=False, note="现场正常停产")
    with pytest.raises(services.SupervisionError, match="属实"):
        services.tipoff_reward(actor=people["office"], tipoff_id=false.pk, reward=True)
    with pytest.raises(services.SupervisionError):
        services.tipoff_conclude(actor=people["office"], tipoff_id=false.pk, verified=True, note="改结论")


def test_only_office_and_supervisors_handle_tipoffs(public_client, client, people):
    tip(public_client)
    tipoff = TipOff.objects.get()
    client.force_login(people["unit"])  # 交通运输局: an enterprise tip-off goes to the ecology bureau
    listing = client.get("/supervision/tipoffs/")
    assert listing.status_code == 200 and tipoff.reference not in listing.content.decode()
    assert client.get(f"/supervision/tipoffs/{tipoff.pk}/").status_code == 404
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/action/", {"action": "start"}).status_code == 403
    client.force_login(people["vice"])
    assert client.get(f"/supervision/tipoffs/{tipoff.pk}/").status_code == 200
    assert client.post(f"/supervision/tipoffs/{tipoff.pk}/action/", {"action": "start"}).status_code == 403
    with pytest.raises(services.NotAllowedError):
        services.tipoff_start_verification(actor=people["unit"], tipoff_id=tipoff.pk)
    tipoff.refresh_from_db()
    assert tipoff.status == "received"
