from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from command.models import Area, CommandBody, Expert, MemberUnit, Post, WorkingGroup
from command.services import PLAN_FILE, PlanDataError, plan_load


def test_plan_has_the_whole_command_structure(plan):
    assert MemberUnit.objects.count() == 33
    assert WorkingGroup.objects.count() == 5
    assert Expert.objects.count() == 15
    assert Area.objects.count() == 7
    assert set(Area.objects.exclude(kind="city").values_list("code", flat=True)) == {
        "140302",
        "140303",
        "140311",
        "140321",
        "140322",
        "kfq",
    }
    assert Post.objects.get(slug="commander").holder == "阳泉市人民政府市长"
    assert Post.objects.get(slug="vice_commander").holder == "阳泉市人民政府分管副市长"
    office = CommandBody.objects.get(slug="office")
    assert office.host_unit.name == "市生态环境局"
    assert Post.objects.get(slug="office_director").holder == "市生态环境局主要负责人"
    assert Post.objects.get(slug="office_deputy_director").holder == "市气象局主要负责人"


def test_units_carry_phones_duties_and_areas(plan):
    jiaotong = MemberUnit.objects.get(slug="jiaotong")
    assert jiaotong.name == "市交通运输局"
    assert jiaotong.phones == ["0353-2022993", "0353-2024564"]
    assert "公交运力" in jiaotong.duties
    assert MemberUnit.objects.get(slug="pingding").area.code == "140321"
    assert MemberUnit.objects.get(slug="kaifaqu").area.code == "kfq"
    assert MemberUnit.objects.get(slug="jiaojing").duties == MemberUnit.objects.get(slug="gongan").duties
    assert all(u.phones for u in MemberUnit.objects.all())
    assert all(u.duties for u in MemberUnit.objects.all())


def test_groups_have_leads_members_and_duties(plan):
    supervision = WorkingGroup.objects.get(slug="supervision")
    assert supervision.name == "督导检查组"
    assert "gongdian" in set(supervision.member_units.values_list("slug", flat=True))
    publicity = WorkingGroup.objects.get(slug="publicity")
    assert list(publicity.lead_units.values_list("slug", flat=True)) == ["xuanchuan"]
    assert Expert.objects.get(seq=1).name == "马星芬"
    assert Expert.objects.get(seq=15).name == "兰杰"


def test_load_plan_twice_creates_nothing_new(plan):
    counts = [m.objects.count() for m in (Area, MemberUnit, CommandBody, Post, WorkingGroup, Expert)]
    report = plan_load()
    assert report.total_created == 0 and report.total_updated == 0
    assert [m.objects.count() for m in (Area, MemberUnit, CommandBody, Post, WorkingGroup, Expert)] == counts


def test_load_plan_keeps_admin_edits_unless_update_is_asked(plan):
    unit = MemberUnit.objects.get(slug="tiyu")
    unit.phones = ["0353-0000000"]
    unit.save()
    plan_load()
    assert MemberUnit.objects.get(slug="tiyu").phones == ["0353-0000000"]
    report = plan_load(update=True)
    assert report.updated == {"unit": 1}
    assert MemberUnit.objects.get(slug="tiyu").phones == ["0353-3319618", "0353-3312001"]


def test_load_plan_is_all_or_nothing(db, tmp_path):
    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    data["units"].append({"slug": "broken", "name": "坏单位", "kind": "government", "area": "999999"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = MemberUnit.objects.count()
    with pytest.raises(PlanDataError, match="999999"):
        plan_load(path=bad)
    assert MemberUnit.objects.count() == before
    assert not MemberUnit.objects.filter(slug="broken").exists()


def test_load_plan_command_reports_counts_and_audits(plan, capsys):
    call_command("load_plan")
    out = capsys.readouterr().out
    assert "新建 0 条" in out and "成员单位 33" in out and "专家 15" in out
    assert AuditEntry.objects.filter(action="command.plan.loaded").exists()


def test_overview_page_shows_units_groups_experts(plan, client, make_user):
    client.force_login(make_user("unit"))
    html = client.get("/command/").content.decode()
    assert "成员单位（33 个）" in html
    for text in ("市交通运输局", "督导检查组", "马星芬", "盂县", "阳泉市人民政府市长"):
        assert text in html
    html = client.get("/command/?q=公交").content.decode()
    assert "市交通运输局" in html and "市教育局" not in html


def test_api_lists_units_for_staff(plan, client, make_user):
    client.force_login(make_user("forecaster"))
    data = client.get("/api/v1/command/units/").json()
    assert data["count"] == 33
    unit = client.get("/api/v1/command/units/jiaotong/").json()
    assert unit["phones"] == ["0353-2022993", "0353-2024564"]
