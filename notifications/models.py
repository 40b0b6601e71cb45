from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .phones import normalise_phone


class Notification(models.Model):
    """An in-app notice to one person (站内通知), with its read receipt."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=100, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            # One notice per person per target and kind: a retried task never notifies twice.
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id"],
                condition=~models.Q(target_id=""),
                name="notification_once_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"


class UnitContact(models.Model):
    """A member unit's contact for warnings and orders (联络员/负责人, plan §4.2.3, §8.1); for the
    county governments also the heads who must be on duty in an orange or red response (§5.2:
    橙色预警时县级政府主要负责人在岗指挥，红色预警时县级党委、政府主要负责人在岗指挥)."""

    class DutyRole(models.TextChoices):
        LIAISON = "liaison", _("联络员")
        HEAD = "head", _("负责人")

    unit = models.ForeignKey(
        "command.MemberUnit", verbose_name=_("成员单位"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=100, blank=True)
    mobile = models.CharField(_("手机号码"), max_length=20)
    duty_role = models.CharField(_("应急职责"), max_length=12, choices=DutyRole.choices, default=DutyRole.LIAISON)
    is_government_head = models.BooleanField(_("县区政府主要负责人"), default=False)
    is_party_secretary = models.BooleanField(_("县区党委主要负责人"), default=False)
    active = models.BooleanField(_("在用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("成员单位联系人")
        verbose_name_plural = _("成员单位联系人")
        ordering = ["unit__order", "unit_id", "duty_role", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "mobile"], name="unit_contact_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} · {self.name}（{self.get_duty_role_display()}）"

    def clean(self) -> None:
        super().clean()
        phone = normalise_phone(self.mobile)
        if phone is None:
            raise ValidationError({"mobile": _("请填写 11 位手机号码。")})
        self.mobile = phone
        if (self.is_government_head or self.is_party_secretary) and self.unit_id and self.unit.kind != "county":
            raise ValidationError(_("只有县区政府及开发区的联系人才能标记为县区主要负责人。"))


class SmsSubscriber(models.Model):
    """A citizen who asked for the warning SMS (公众预警短信订阅, §4.2.4). Confirmed by a code sent
    to the number (double opt-in); unsubscribing keeps the row with its time."""

    class Pending(models.TextChoices):
        NONE = "", _("无")
        SUBSCRIBE = "subscribe", _("订阅")
        UNSUBSCRIBE = "unsubscribe", _("退订")

    phone = models.CharField(_("手机号码"), max_length=20, unique=True)
    confirmed = models.BooleanField(_("已确认"), default=False, db_index=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("退订时间"), null=True, blank=True)
    pending = models.CharField(_("待确认操作"), max_length=12, choices=Pending.choices, blank=True, default="")
    code_hash = models.CharField(_("验证码摘要"), max_length=128, blank=True, editable=False)
    code_expires_at = models.DateTimeField(_("验证码有效期"), null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(_("验证码尝试次数"), default=0, editable=False)
    codes_sent = models.PositiveIntegerField(_("已发验证码数"), default=0, editable=False)

    class Meta:
        verbose_name = _("预警短信订阅")
        verbose_name_plural = _("预警短信订阅")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}"

    @property
    def active(self) -> bool:
        return self.confirmed and self.unsubscribed_at is None


class Delivery(models.Model):
    """One message to one recipient on one channel for one subject (发送记录): the row is created
    once per (subject key, recipient, channel), so a retried publication never sends twice."""

    class Channel(models.TextChoices):
        SMS = "sms", _("短信")

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    key = models.CharField(
        _("事项"), max_length=120, db_index=True, help_text=_("例如 warning:12 表示第 12 号审批表的预警短信")
    )
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, default=Channel.SMS)
    recipient_key = models.CharField(_("接收方标识"), max_length=60, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人（用户）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    name = models.CharField(_("接收人"), max_length=100, blank=True)
    phone = models.CharField(_("手机号码"), max_length=20, blank=True)
    text = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED, db_index=True)
    retryable = models.BooleanField(_("可重试"), default=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    provider_id = models.CharField(_("网关消息编号"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    next_attempt_at = models.DateTimeField(_("下次重试"), null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    failed_at = models.DateTimeField(_("失败时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient_key", "channel"], name="delivery_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.name or self.phone}（{self.get_status_display()}）"

    @property
    def masked_phone(self) -> str:
        return f"{self.phone[:3]}****{self.phone[-4:]}" if len(self.phone) >= 7 else self.phone
