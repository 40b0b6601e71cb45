"""Who may open and change the after-action pages: the office and administrators write; the
commander, vice commander and the supervision group read; everybody else gets 403."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from audit.models import AuditEntry
from reviews import services
from reviews.models import DrillRecord, ResponseSummary

from .helpers import at, december_warning

pytestmark = pytest.mark.django_db

WRITERS = {Role.OFFICE, Role.ADMIN}
READERS = WRITERS | {Role.VICE_COMMANDER, Role.COMMANDER, Role.SUPERVISOR}
OTHERS = set(Role.values) - READERS


@pytest.fixture
def objects(make_user):
    office = make_user(Role.OFFICE)
    warning = december_warning()
    services.summary_save(actor=office, warning_id=warning.pk, measures_summary="总结", filled_by_name="张三")
    services.evaluation_save(
        actor=office,
        warning_id=warning.pk,
        experts=[],
        organiser="办公室",
        leader="李四",
        level="orange",
        evaluated_on=at("2026-12-08 00:00").date(),
        content="评估",
        other_members="王五",
    )
    drill = services.drill_create(
        actor=office,
        location="指挥中心",
        commander="王总",
        held_at=at("2026-10-15 09:30"),
        participants="各成员单位",
        mode="桌面推演",
        recorder="张三",
        recorded_on=at("2026-10-15 00:00").date(),
        effect="met",
    )
    return warning, drill


def _read_urls(warning, drill):
    w, d = warning.pk, drill.pk
    return [
        "/reviews/",
        f"/reviews/warnings/{w}/summary/",
        f"/reviews/warnings/{w}/summary/print/",
        f"/reviews/warnings/{w}/evaluation/",
        f"/reviews/warnings/{w}/evaluation/print/",
        "/reviews/drills/",
        f"/reviews/drills/{d}/",
        f"/reviews/drills/{d}/print/",
    ]


def _write_pages(warning, drill):
    w, d = warning.pk, drill.pk
    return [
        f"/reviews/warnings/{w}/summary/edit/",
        f"/reviews/warnings/{w}/summary/finalize/",
        f"/reviews/warnings/{w}/evaluation/edit/",
        "/reviews/drills/new/",
        f"/reviews/drills/{d}/edit/",
    ]


@pytest.mark.parametrize("role", sorted(Role.values))
def test_pages_by_role(role, client, make_user, objects):
    warning, drill = objects
    client.force_login(make_user(role))
    for url in _read_urls(warning, drill):
        expected = 200 if role in READERS else 403
        assert client.get(url).status_code == expected, (role, url)
    for url in _write_pages(warning, drill):
        expected = 200 if role in WRITERS else 403
        assert client.get(url).status_code == expected, (role, url)


@pytest.mark.parametrize("role", sorted(READERS - WRITERS))
def test_readers_cannot_write(role, client, make_user, objects):
    warning, drill = objects
    client.force_login(make_user(role))
    before = AuditEntry.objects.filter(action__startswith="reviews.").count()
    posts = [
        (f"/reviews/warnings/{warning.pk}/summary/edit/", {"measures_summary": "改"}),
        (f"/reviews/warnings/{warning.pk}/summary/finalize/", {}),
        (f"/reviews/warnings/{warning.pk}/summary/reopen/", {"reason": "x"}),
        (f"/reviews/warnings/{warning.pk}/evaluation/edit/", {"leader": "改"}),
        ("/reviews/drills/new/", {"location": "x"}),
        (f"/reviews/drills/{drill.pk}/edit/", {"location": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert AuditEntry.objects.filter(action__startswith="reviews.").count() == before
    assert ResponseSummary.objects.get().measures_summary == "总结"
    assert DrillRecord.objects.get().location == "指挥中心"


def test_readers_see_no_edit_buttons(client, make_user, objects):
    warning, drill = objects
    client.force_login(make_user(Role.COMMANDER))
    html = client.get(f"/reviews/warnings/{warning.pk}/summary/").content.decode()
    assert "summary/edit/" not in html and "summary/finalize/" not in html
    client.force_login(make_user(Role.OFFICE))
    html = client.get(f"/reviews/warnings/{warning.pk}/summary/").content.decode()
    assert "summary/edit/" in html and "summary/finalize/" in html  # the confirmation page


def test_anonymous_goes_to_login(client, objects):
    warning, drill = objects
    response = client.get(f"/reviews/warnings/{warning.pk}/summary/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_menu_shows_the_reviews_to_readers_only(client, make_user):
    client.force_login(make_user(Role.SUPERVISOR))
    assert "总结评估" in client.get("/reviews/").content.decode()
    client.force_login(make_user(Role.FORECASTER))
    assert "总结评估" not in client.get("/").content.decode()


def test_pages_of_unknown_or_unpublished_warnings_are_404(client, make_user):
    from alerts.models import Warning

    client.force_login(make_user(Role.OFFICE))
    pending = Warning.objects.create(number="YQ-P", status=Warning.Status.PENDING)
    assert client.get("/reviews/warnings/999999/summary/").status_code == 404
    assert client.get(f"/reviews/warnings/{pending.pk}/summary/").status_code == 404
    assert client.get("/reviews/drills/999999/print/").status_code == 404


def test_admin_site_shows_the_records_but_does_not_edit_them(client, make_user, objects):
    warning, drill = objects
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    assert client.get("/admin/reviews/drillrecord/").status_code == 200
    assert client.get(f"/admin/reviews/drillrecord/{drill.pk}/change/").status_code == 200  # view only
    assert client.get("/admin/reviews/drillrecord/add/").status_code == 403
    response = client.post(f"/admin/reviews/drillrecord/{drill.pk}/change/", {"location": "改"})
    assert response.status_code == 403
    assert DrillRecord.objects.get().location == "指挥中心"
