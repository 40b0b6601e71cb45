"""Each summary's improvement suggestions (预案 6 改进建议) tracked to a decision, through the
pages and the API; the summary page shows their states."""

import pytest
import time_machine
from django.utils import timezone

from audit.models import AuditEntry
from command.models import MemberUnit
from upkeep import services
from upkeep.models import Suggestion

pytestmark = pytest.mark.django_db


def test_office_tracks_a_suggestion_from_the_summary_to_done(client, people, lifted):
    client.force_login(people["office"])
    warning = lifted.warning
    page = client.get(f"/upkeep/warnings/{warning.pk}/suggestions/").content.decode()
    assert "加强成员单位值守" in page  # the summary's own text, to split into items
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    response = client.post(
        f"/upkeep/warnings/{warning.pk}/suggestions/", {"text": "加强成员单位值守", "unit": jiaotong.pk}
    )
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert s.status == Suggestion.Status.OPEN and s.unit == jiaotong and s.summary == lifted

    assert "待决定" in client.get(f"/reviews/warnings/{warning.pk}/summary/").content.decode()
    assert "加强成员单位值守" in client.get("/upkeep/suggestions/").content.decode()

    with time_machine.travel("2026-12-01 10:00 +08:00", tick=False):
        client.post(f"/upkeep/suggestions/{s.pk}/accept/", {"note": "交通局负责"})
    s.refresh_from_db()
    assert s.status == Suggestion.Status.ACCEPTED and s.accepted_by == people["office"]
    with time_machine.travel("2026-12-07 10:00 +08:00", tick=False):
        early = client.post(f"/upkeep/suggestions/{s.pk}/done/", {"done_on": "2026-11-30", "note": "x"}, follow=True)
        assert "落实日期不能早于采纳日期" in early.content.decode()
        client.post(f"/upkeep/suggestions/{s.pk}/done/", {"done_on": "2026-12-06", "note": "已建立24小时值守"})
    s.refresh_from_db()
    assert s.status == Suggestion.Status.DONE and str(s.done_on) == "2026-12-06"
    summary_page = client.get(f"/reviews/warnings/{warning.pk}/summary/").content.decode()
    assert "已落实" in summary_page and "2026-12-06" in summary_page
    assert "加强成员单位值守" not in client.get("/upkeep/suggestions/").content.decode()  # no longer open
    actions = list(
        AuditEntry.objects.filter(target_type="upkeep.suggestion").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["upkeep.suggestion.recorded", "upkeep.suggestion.accepted", "upkeep.suggestion.done"]


def test_a_rejection_needs_its_reason_and_is_final(client, people, lifted):
    s = services.suggestion_record(actor=people["office"], summary_id=lifted.pk, text="修订应急减排清单")
    client.force_login(people["office"])
    response = client.post(f"/upkeep/suggestions/{s.pk}/reject/", {"reason": ""}, follow=True)
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Suggestion.Status.OPEN
    client.post(f"/upkeep/suggestions/{s.pk}/reject/", {"reason": "清单已于本年更新"})
    s.refresh_from_db()
    assert s.status == Suggestion.Status.REJECTED and s.reject_reason == "清单已于本年更新"
    response = client.post(f"/upkeep/suggestions/{s.pk}/accept/", {}, follow=True)
    assert "不能再采纳" in response.content.decode()
    s.refresh_from_db()
    assert s.status == Suggestion.Status.REJECTED


def test_an_open_suggestion_cannot_be_marked_done(client, people, lifted):
    s = services.suggestion_record(actor=people["office"], summary_id=lifted.pk, text="加强宣传")
    client.force_login(people["office"])
    response = client.post(f"/upkeep/suggestions/{s.pk}/done/", {"done_on": "2026-01-01", "note": "x"}, follow=True)
    assert "只有已采纳的建议才能登记落实" in response.content.decode()


def test_the_same_suggestion_is_not_recorded_twice(client, people, lifted):
    client.force_login(people["office"])
    client.post(f"/upkeep/warnings/{lifted.warning_id}/suggestions/", {"text": "加强宣传"})
    response = client.post(f"/upkeep/warnings/{lifted.warning_id}/suggestions/", {"text": "加强宣传"})
    assert response.status_code == 409 and "已经登记" in response.content.decode()
    assert Suggestion.objects.count() == 1


@pytest.mark.parametrize("who", ["vice", "supervisor", "jiaotong"])
def test_only_the_office_records_and_decides(client, people, lifted, who):
    s = services.suggestion_record(actor=people["office"], summary_id=lifted.pk, text="加强宣传")
    client.force_login(people[who])
    assert client.post(f"/upkeep/warnings/{lifted.warning_id}/suggestions/", {"text": "别的"}).status_code == 403
    assert client.post(f"/upkeep/suggestions/{s.pk}/accept/", {}).status_code == 403
    assert (
        client.post(f"/api/v1/upkeep/suggestions/{s.pk}/accept/", {}, content_type="application/json").status_code
        == 403
    )
    s.refresh_from_db()
    assert s.status == Suggestion.Status.OPEN and Suggestion.objects.count() == 1


def test_the_api_records_and_decides_suggestions(client, people, lifted):
    client.force_login(people["office"])
    created = client.post(
        "/api/v1/upkeep/suggestions/",
        {"warning": lifted.warning_id, "text": "完善通讯录", "unit": "shengtai"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "open" and created.json()["unit"] == "shengtai"
    assert [s["id"] for s in client.get("/api/v1/upkeep/suggestions/").json()] == [pk]
    accepted = client.post(f"/api/v1/upkeep/suggestions/{pk}/accept/", {}, content_type="application/json")
    assert accepted.json()["status"] == "accepted"
    again = client.post(f"/api/v1/upkeep/suggestions/{pk}/reject/", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "upkeep.refused"
    done = client.post(
        f"/api/v1/upkeep/suggestions/{pk}/done/",
        {"done_on": timezone.localdate().isoformat(), "note": "已更新"},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.get("/api/v1/upkeep/suggestions/").json() == []
    assert len(client.get("/api/v1/upkeep/suggestions/?status=all").json()) == 1
    nothing = client.post(
        "/api/v1/upkeep/suggestions/", {"warning": 999999, "text": "x"}, content_type="application/json"
    )
    assert nothing.status_code == 400 and "统计表" in nothing.json()["detail"]
