"""Forms of the warning pages: the approval form (附件5), the approver's signature and send-back,
and the provincial/regional notice (省/区域预警通知). They validate input only; every write goes
through alerts.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import LevelChoices, ProvincialNotice

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
LEVEL_CHOICES = [c for c in LevelChoices.choices if c[0] != LevelChoices.NONE]
TEXT = {"rows": 4}


def _datetime_field(label, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": _("请输入有效的时间（年-月-日 时:分）。"), "required": _("请填写时间。")},
    )


def now_local_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class ApprovalFormFields(forms.Form):
    """The fields of 附件5 the office writes (阳泉市重污染天气预警信息发布（解除）审批表)."""

    effective_at = _datetime_field(_("发布（解除）时间"), required=True)
    episode_end = _datetime_field(_("预计结束时间"), required=False)
    basis = forms.CharField(
        label=_("预警发布（解除）信息依据"), widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写预警发布（解除）信息依据。")},
    )
    content = forms.CharField(
        label=_("预警发布（解除）信息主要内容"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("预案 4.2.3：气象条件变化趋势、发生时间、AQI 范围、污染程度、首要污染物、预警等级、响应级别、响应启动时间"),
        error_messages={"required": _("请填写预警发布（解除）信息主要内容。")},
    )
    public_message = forms.CharField(
        label=_("预警信息（公开发布文本）"), required=False, widget=forms.Textarea(attrs=TEXT),
        help_text=_("签发后在公众页面、短信等渠道发布的文字"),
    )
    department_opinion = forms.CharField(
        label=_("申请发布（解除）部门领导意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    provincial_consent = forms.CharField(
        label=_("省指挥部办公室同意情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("本市响应级别低于省（区域）预警通知时必填（预案 5.2）"),
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("effective_at"), data.get("episode_end")
        if start and end and end <= start:
            self.add_error("episode_end", _("预计结束时间须晚于发布时间。"))
        return data


class ApprovalFormDraftForm(ApprovalFormFields):
    """A new approval form: the level (not for lifting), and the notice it answers, if any."""

    level = forms.ChoiceField(label=_("预警信息级别"), choices=LEVEL_CHOICES, required=False)
    provincial_notice = forms.ModelChoiceField(
        label=_("省/区域预警通知"), required=False, queryset=ProvincialNotice.objects.none(),
        empty_label=_("（无，本市预报）"),
    )
    evaluation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    consultation = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["level", "effective_at", "episode_end", "basis", "content", "public_message",
                   "department_opinion", "provincial_notice", "provincial_consent"]

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.fields["provincial_notice"].queryset = ProvincialNotice.objects.order_by("-received_at")
        if action == "lift":
            del self.fields["level"]

    def clean(self):
        data = super().clean()
        if self.action != "lift" and not data.get("level"):
            self.add_error("level", _("请选择预警级别。"))
        return data


class SignForm(forms.Form):
    """签发: the approver confirms with their password; the opinion is optional (default 同意)."""

    password = forms.CharField(
        label=_("登录密码（确认签发）"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入登录密码以确认签发。")},
    )
    opinion = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("不填写时记为“同意。”"))


class RejectForm(forms.Form):
    """退回: the approver sends the form back with a reason the office will read."""

    comment = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("退回时请填写理由。")})


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=500)


class NoticeForm(forms.Form):
    """A provincial or regional warning notice received by the office (plan §4.2.2, §4.5)."""

    scope = forms.ChoiceField(label=_("范围"), choices=ProvincialNotice.Scope.choices)
    level = forms.ChoiceField(label=_("预警级别"), choices=LEVEL_CHOICES)
    document_number = forms.CharField(label=_("文号"), max_length=100,
                                      error_messages={"required": _("请填写通知文号。")})
    period_start = _datetime_field(_("预警开始"), required=True)
    period_end = _datetime_field(_("预警结束"), required=False)
    received_at = _datetime_field(_("接到时间"), required=True, help_text=_("1 小时填报时限自接到时起算"))
    text = forms.CharField(label=_("通知内容"), required=False, widget=forms.Textarea(attrs=TEXT))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("预警结束时间须晚于开始时间。"))
        received = data.get("received_at")
        if received and received > timezone.now() + dt.timedelta(minutes=5):
            self.add_error("received_at", _("接到时间不能晚于当前时间。"))
        return data
