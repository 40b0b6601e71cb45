"""Rows the services write (and audit) are read in the admin, never written there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from audit.models import AuditEntry
from core.admin import ReadOnlyAdmin
from notifications.models import Delivery
from response.models import DailyReport, Order, Response
from reviews.models import DrillRecord, EffectEvaluation, ResponseSummary
from supervision.models import Inspection, TipOff

SERVICE_OWNED = [
    AuditEntry,
    Delivery,
    Response,
    Order,
    DailyReport,
    ResponseSummary,
    EffectEvaluation,
    DrillRecord,
    Inspection,
    TipOff,
]


@pytest.mark.parametrize("model", SERVICE_OWNED, ids=lambda model: model._meta.label)
def test_service_owned_rows_are_read_only_in_the_admin(model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    request = RequestFactory().get("/admin/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline_class in model_admin.inlines:
        inline = inline_class(model, admin.site)
        assert not inline.has_add_permission(request, None) and not inline.can_delete
