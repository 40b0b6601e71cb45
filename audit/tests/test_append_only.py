from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from accounts.roles import Role
from audit.models import AuditEntry, AuditImmutableError
from audit.services import audit_record


@pytest.fixture
def entry(make_user):
    user = make_user(Role.OFFICE)
    return audit_record(
        actor=user,
        action="alerts.warning.drafted",
        target=user,
        before={"status": None},
        after={"status": "draft"},
        data={"level": "orange"},
        ip_address="10.1.2.3",
    )


def test_entry_keeps_actor_action_target_change_data_time_and_address(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == entry.actor
    assert stored.actor_label.startswith(entry.actor.username)
    assert stored.action == "alerts.warning.drafted"
    assert stored.target_type == "accounts.user" and stored.target_id == str(entry.actor.pk)
    assert stored.before == {"status": None} and stored.after == {"status": "draft"}
    assert stored.data == {"level": "orange"}
    assert stored.ip_address == "10.1.2.3"
    assert stored.created_at is not None


def test_model_refuses_save_of_an_existing_entry(entry):
    entry.action = "tampered"
    with pytest.raises(AuditImmutableError):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).action == "alerts.warning.drafted"


def test_model_refuses_delete(entry):
    with pytest.raises(AuditImmutableError):
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_refuses_update_and_delete(entry):
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.bulk_update([entry], ["action"])
    assert AuditEntry.objects.get(pk=entry.pk).action == "alerts.warning.drafted"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_database_refuses_raw_update_and_delete(entry):
    for sql in ("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "alerts.warning.drafted"


def test_admin_offers_no_add_change_or_delete(entry, make_user):
    model_admin = admin.site._registry[AuditEntry]
    request = RequestFactory().get("/admin/audit/auditentry/")
    request.user = make_user(Role.ADMIN, is_staff=True, is_superuser=True)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)


def test_admin_change_post_does_not_alter_entry(entry, client, make_user):
    client.force_login(make_user(Role.ADMIN, is_staff=True, is_superuser=True))
    client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "tampered"})
    client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "alerts.warning.drafted"


def test_deleting_a_user_with_history_is_refused(entry):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        entry.actor.delete()


def test_audit_page_lists_entries_for_office_and_refuses_units(entry, client, make_user):
    client.force_login(make_user(Role.OFFICE))
    page = client.get("/audit/?action=alerts.warning")
    assert page.status_code == 200
    assert "alerts.warning.drafted" in page.content.decode()
    client.force_login(make_user(Role.UNIT))
    assert client.get("/audit/").status_code == 403
