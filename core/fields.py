"""Model fields that many models declare alike, written once: the person who did a step (…_by),
and the steps of an order to a unit — 签收 (acknowledged) and 落实到位 (in place) — shared by the
response's orders (plan §5.6), the ozone orders (§5.3.4) and the SO2 tasks (§10).

Functions that return new fields rather than an abstract base: each model keeps its fields in the
order it declares them (the read-only admin shows them in that order), and the fields deconstruct
exactly as before (no migration)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def optional_link(to, verbose_name, **options) -> models.ForeignKey:
    """A link that may be empty, and keeps what it points to from being deleted while it does."""
    return models.ForeignKey(to, verbose_name=verbose_name, null=True, blank=True, on_delete=models.PROTECT, **options)


def by_user(verbose_name, **options) -> models.ForeignKey:
    """The user who did a step: empty until it is done, never deleted while referenced, no
    reverse accessor on the user."""
    return optional_link(settings.AUTH_USER_MODEL, verbose_name, related_name="+", **options)


def acknowledgement_fields() -> tuple[models.DateTimeField, models.ForeignKey]:
    """签收: ``acknowledged_at, acknowledged_by = acknowledgement_fields()``."""
    return models.DateTimeField(_("签收时间"), null=True, blank=True), by_user(_("签收人"))


def in_place_fields() -> tuple[models.DateTimeField, models.ForeignKey, models.TextField]:
    """落实到位: ``in_place_at, in_place_by, in_place_note = in_place_fields()``."""
    return (
        models.DateTimeField(_("落实到位时间"), null=True, blank=True),
        by_user(_("确认人")),
        models.TextField(_("落实情况说明"), blank=True),
    )
