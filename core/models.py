from __future__ import annotations

from django.db import models
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
