from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """The last time a periodic job ran, so the office can see that Celery beat is alive."""

    name = models.CharField(_("任务"), max_length=100, primary_key=True)
    last_seen = models.DateTimeField(_("最近一次"))
    count = models.PositiveBigIntegerField(_("累计次数"), default=0)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("定时任务心跳")
        verbose_name_plural = _("定时任务心跳")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class OutboxEvent(models.Model):
    """待发事件, the transactional outbox (core/outbox.py): written in the same transaction as the
    decision that causes it, dispatched to Celery after commit and again by the beat sweep, so
    neither a process dying between commit and enqueue nor a broker that is down loses the work.
    Handlers are idempotent."""

    topic = models.CharField(_("主题"), max_length=100, db_index=True)
    payload = models.JSONField(_("数据"), default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    due_at = models.DateTimeField(_("执行时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("投递时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("待发事件")
        verbose_name_plural = _("待发事件")
        ordering = ["id"]
        indexes = [
            # The sweep's question: which undone events are due?
            models.Index(fields=["due_at"], condition=models.Q(done_at__isnull=True), name="core_outbox_undone_due"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"
