"""附件7 阳泉市重污染天气应急预案演练记录表: the review check boxes exactly as the annex has
them, round-tripped through the form and shown ticked on the print page."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from audit.models import AuditEntry
from forecasts.models import Replay
from reviews import services
from reviews.models import DrillRecord

from .helpers import at

pytestmark = pytest.mark.django_db

CHOSEN = {
    "suitability": "not_smooth",
    "adequacy": "basic",
    "presence": "on_time",
    "proficiency": "unskilled",
    "materials": "ready",
    "protection": "some",
    "coordination": "adequate",
    "effect": "mostly",
}
BASE = {
    "plan_name": "阳泉市重污染天气应急预案",
    "location": "市生态环境局指挥中心",
    "organiser": "阳泉市重污染天气应急指挥部办公室",
    "commander": "王总",
    "held_at": "2026-10-15T09:30",
    "participants": "市交通运输局、市住建局等",
    "mode": "桌面推演",
    "problems": "个别单位响应迟缓",
    "improvements": "加强培训",
    "recorder": "张三",
    "reviewer": "李四",
    "recorded_on": "2026-10-15",
}


def test_annex_check_boxes_are_all_there():
    counts = {field: len(choices.choices) for field, _group, choices in DrillRecord.REVIEW_ITEMS}
    assert counts == {
        "suitability": 3,
        "adequacy": 3,
        "presence": 3,
        "proficiency": 3,
        "materials": 3,
        "protection": 3,
        "coordination": 3,
        "effect": 3,
        "support": 4,
    }
    assert DrillRecord.Support.labels == ["联系不上", "不配合", "行动迟缓", "按要求协作"]
    assert DrillRecord.Suitability.labels == ["全部能够执行", "执行过程不够顺利", "明显不适宜"]


def _ticked(html: str, item: str) -> list[str]:
    block = re.search(rf'data-item="{item}">(.*?)</p>', html, re.S).group(1)
    return re.findall(r'data-value="([a-z_]+)" data-checked', block)


def test_check_boxes_round_trip_and_print_ticked(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    replay = Replay.objects.create(
        name="2017年1月过程回放",
        source_file="x.csv",
        step="hour",
        start=at("2017-01-01 00:00"),
        end=at("2017-01-07 00:00"),
    )
    response = client.post(
        "/reviews/drills/new/", {**BASE, **CHOSEN, "support": ["unreachable", "slow"], "replay": replay.pk}
    )
    assert response.status_code == 302, response.content.decode()
    record = DrillRecord.objects.get()
    assert {f: getattr(record, f) for f in CHOSEN} == CHOSEN
    assert record.support == ["unreachable", "slow"]
    assert record.replay == replay
    assert AuditEntry.objects.filter(action="reviews.drill.created", target_id=str(record.pk)).exists()

    # The edit form comes back with the same boxes ticked.
    edit = client.get(f"/reviews/drills/{record.pk}/edit/").content.decode()
    assert re.search(r'name="suitability" value="not_smooth"[^>]*checked', edit)
    assert not re.search(r'name="suitability" value="all"[^>]*checked', edit)
    assert re.search(r'name="support" value="unreachable"[^>]*checked', edit)
    assert re.search(r'name="support" value="slow"[^>]*checked', edit)
    assert not re.search(r'name="support" value="as_required"[^>]*checked', edit)

    printed = client.get(f"/reviews/drills/{record.pk}/print/").content.decode()
    assert "阳泉市重污染天气应急预案演练记录表" in printed
    for field, value in CHOSEN.items():
        assert _ticked(printed, field) == [value], field
    assert _ticked(printed, "support") == ["unreachable", "slow"]
    assert '☑</span><span class="rv-sr">（已勾选）</span>执行过程不够顺利' in printed
    assert '☐</span><span class="rv-sr">（未勾选）</span>全部能够执行' in printed
    assert printed.count("☑") == 10 and printed.count("☐") == 18  # 28 boxes, 10 ticked
    for text in (
        "市生态环境局指挥中心",
        "王总",
        "2026年10月15日 09:30",
        "桌面推演",
        "个别单位响应迟缓",
        "2017年1月过程回放",
    ):
        assert text in printed, text

    # Edit: untick everything but one box; the record follows.
    response = client.post(f"/reviews/drills/{record.pk}/edit/", {**BASE, "effect": "met", "support": ["as_required"]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.suitability == "" and record.effect == "met" and record.support == ["as_required"]
    printed = client.get(f"/reviews/drills/{record.pk}/print/").content.decode()
    assert _ticked(printed, "suitability") == [] and _ticked(printed, "effect") == ["met"]
    assert AuditEntry.objects.get(action="reviews.drill.edited").before["suitability"] == "not_smooth"


def test_drill_form_errors_are_in_chinese(client, make_user):
    client.force_login(make_user(Role.OFFICE))
    response = client.post(
        "/reviews/drills/new/",
        {
            **BASE,
            "location": "",
            "held_at": "昨天",
            "recorded_on": "2026-10-14",
            "suitability": "maybe",
            "support": ["as_required", "slow"],
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    for message in (
        "请填写演练地点。",
        "请输入有效的时间（年-月-日 时:分）。",
        "所选选项无效。",
        "“按要求协作”不能与“联系不上”“不配合”“行动迟缓”同时勾选。",
    ):
        assert message in html, message
    response = client.post("/reviews/drills/new/", {**BASE, "recorded_on": "2026-10-14"})
    assert "记录时间不能早于演练时间。" in response.content.decode()
    assert not DrillRecord.objects.exists()


def test_service_guards_the_support_boxes(make_user):
    office = make_user(Role.OFFICE)
    fields = {**BASE, "held_at": at("2026-10-15 09:30"), "recorded_on": at("2026-10-15 00:00").date()}
    with pytest.raises(services.ReviewError, match="按要求协作"):
        services.drill_create(actor=office, **fields, support=["as_required", "slow"])
    with pytest.raises(services.ReviewError, match="无效"):
        services.drill_create(actor=office, **fields, support=["nonsense"])
    record = services.drill_create(actor=office, **fields, support=["slow", "unreachable", "slow"])
    assert record.support == ["unreachable", "slow"]  # the annex's order, once each


def test_an_edit_writes_only_the_fields_it_changes(make_user):
    office = make_user(Role.OFFICE)
    record = services.drill_create(
        actor=office, **{**BASE, "held_at": at("2026-10-15 09:30"), "recorded_on": at("2026-10-15 00:00").date()}
    )
    with CaptureQueriesContext(connection) as queries:
        services.drill_update(actor=office, drill_id=record.pk, problems="通知环节延误")
    [update] = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("UPDATE") and DrillRecord._meta.db_table in q["sql"]
    ]
    assert '"problems"' in update and '"updated_at"' in update
    assert '"plan_name"' not in update and '"created_by_id"' not in update
    record.refresh_from_db()
    assert record.problems == "通知环节延误" and record.plan_name == BASE["plan_name"]
