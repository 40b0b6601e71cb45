from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import CONFLICT, DomainError

from .labels import action_label


class AuditImmutableError(DomainError):
    """Audit entries (审计日志) are append-only: never edited, never deleted."""

    code = "audit.immutable"
    status = CONFLICT


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditImmutableError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AuditImmutableError("审计日志只能追加，不能删除。")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditImmutableError("审计日志只能追加，不能修改。")


class AuditEntry(models.Model):
    """One decision or action: who, what (dotted action), on what, before and after, when, from where.

    Append-only at three depths: the model and its queryset refuse edits and deletes, the admin
    offers no change or delete, and on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人（记录时）"), max_length=200, blank=True)
    action = models.CharField(_("动作"), max_length=100, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True, db_index=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("变更后"), null=True, blank=True, encoder=DjangoJSONEncoder)
    data = models.JSONField(_("数据"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditImmutableError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("审计日志只能追加，不能删除。")

    @property
    def action_label(self) -> str:
        return action_label(self.action)
