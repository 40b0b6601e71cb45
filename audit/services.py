from __future__ import annotations

from typing import Any

from django.db import models

from core.context import current_client_address

from .models import AuditEntry


def audit_record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    data: dict | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one audit entry. Call it inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    label = ""
    if actor is not None:
        label = f"{actor.username}（{actor.role_label}）"
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=label,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        before=before,
        after=after,
        data=data or {},
        ip_address=ip_address or current_client_address(),
    )
