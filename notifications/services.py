from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from .models import Notification


def notify_users(
    users: Iterable, *, kind: str, title: str, body: str = "", link: str = "", target: models.Model | None = None
) -> int:
    """Create one in-app notice per person; idempotent per (person, kind, target)."""
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(target.pk) if target is not None else ""
    rows = [
        Notification(
            recipient=u,
            kind=kind,
            title=title[:200],
            body=body,
            link=link,
            target_type=target_type,
            target_id=target_id,
        )
        for u in users
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(target_id))
    return len(created)


def notify_roles(roles: Iterable[str], **kwargs) -> int:
    users = get_user_model().objects.filter(role__in=list(roles), is_active=True)
    return notify_users(users, **kwargs)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notice (or all of the person's unread notices) as read; only one's own."""
    with transaction.atomic():
        qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
        if notification_id is not None:
            qs = qs.filter(pk=notification_id)
        return qs.update(read_at=timezone.now())
