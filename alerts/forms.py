"""Forms of the warning pages: the approval form (附件5), the approver's signature and send-back,
and the provincial/regional notice (省/区域预警通知). They validate input only; every write goes
through alerts.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from command.models import Area

from .domain.content import DRAFT_FIELDS, EPISODE_FIELDS
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


#: Common primary pollutants (首要污染物, HJ 633), offered as suggestions; the field takes any text.
POLLUTANTS = ("PM2.5", "PM10", "O3", "NO2", "SO2", "CO")
#: The §11 fields a lift form does not carry (a lift states the weather trend and its effective end).
NOT_FOR_LIFT = EPISODE_FIELDS


class PollutantInput(forms.TextInput):
    """A text input with the common pollutants as a datalist (any other text may be typed)."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or name}-list"
        attrs["list"] = list_id
        options = format_html_join("", '<option value="{}">', ((p,) for p in POLLUTANTS))
        return format_html(
            '{}<datalist id="{}">{}</datalist>', super().render(name, value, attrs, renderer), list_id, options
        )


def _aqi_field(label) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=999,
        error_messages={"min_value": _("AQI 须为正整数。"), "invalid": _("AQI 须为正整数。")},
    )


class ApprovalFormFields(forms.Form):
    """The fields of 附件5 the office writes (阳泉市重污染天气预警信息发布（解除）审批表), with what the
    warning says (warning-rules.md §11, plan §4.2.3): these may stay blank in a draft and are
    required at submit (alerts.services.form_submit)."""

    effective_on_publication = forms.BooleanField(
        label=_("签发发布即生效"),
        required=False,
        help_text=_("选中时响应启动（解除）时间为签发发布之时，不必填写下面的时间（预警规则 §12 的默认）"),
    )
    effective_at = _datetime_field(_("发布（解除）时间"), required=False, help_text=_("响应启动时间；解除时为解除时间"))
    episode_end = _datetime_field(_("预计结束时间"), required=False)
    weather_trend = forms.CharField(
        label=_("全市未来气象条件变化趋势"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("取自会商意见（附件4）"),
    )
    pollution_start = _datetime_field(_("重污染天气发生时间（起）"), required=False)
    pollution_end = _datetime_field(_("重污染天气发生时间（止）"), required=False)
    aqi_low = _aqi_field(_("AQI 范围（低）"))
    aqi_high = _aqi_field(_("AQI 范围（高）"))
    degree = forms.CharField(
        label=_("污染程度"), required=False, max_length=40, help_text=_("例如：中度至重度污染；不填时按 AQI 范围确定")
    )
    primary_pollutant = forms.CharField(
        label=_("首要污染物"),
        required=False,
        max_length=40,
        widget=PollutantInput,
        help_text=_("预报文件未给出时由办公室填写"),
    )
    affected_areas = forms.ModelMultipleChoiceField(
        label=_("影响区域"),
        required=False,
        queryset=Area.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("阳泉市为全市"),
    )
    basis = forms.CharField(
        label=_("预警发布（解除）信息依据"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写预警发布（解除）信息依据。")},
    )
    content = forms.CharField(
        label=_("预警发布（解除）信息主要内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "预案 4.2.3：气象条件变化趋势、发生时间、AQI 范围、污染程度、首要污染物、预警等级、响应级别、响应启动时间"
        ),
        error_messages={"required": _("请填写预警发布（解除）信息主要内容。")},
    )
    public_message = forms.CharField(
        label=_("预警信息（公开发布文本）"),
        required=False,
        widget=forms.Textarea(attrs=TEXT),
        help_text=_("签发后在公众页面、短信等渠道发布的文字"),
    )
    department_opinion = forms.CharField(
        label=_("申请发布（解除）部门领导意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    provincial_consent = forms.CharField(
        label=_("省指挥部办公室同意情况"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("本市响应级别低于省（区域）预警通知时必填（预案 5.2）"),
    )

    field_order = list(DRAFT_FIELDS)

    def __init__(self, *args, action: str = "issue", **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if "affected_areas" in self.fields:
            self.fields["affected_areas"].queryset = Area.objects.order_by("order", "code")
        if action == "lift":
            for name in NOT_FOR_LIFT:
                self.fields.pop(name, None)
            self.fields["effective_on_publication"].help_text = _("选中时解除时间为签发发布之时（预警规则 §12 的默认）")

    def clean(self):
        data = super().clean()
        if (
            not data.get("effective_on_publication")
            and not data.get("effective_at")
            and "effective_at" not in self.errors
        ):
            self.add_error("effective_at", _("请填写时间，或选择“签发发布即生效”。"))
        if data.get("effective_on_publication") and not data.get("effective_at"):
            data["effective_at"] = now_local_minute()
        start, end = data.get("effective_at"), data.get("episode_end")
        if start and end and end <= start:
            self.add_error("episode_end", _("预计结束时间须晚于发布时间。"))
        low, high = data.get("aqi_low"), data.get("aqi_high")
        if low and high and low > high:
            self.add_error("aqi_high", _("AQI 范围的高值不能低于低值。"))
        p_start, p_end = data.get("pollution_start"), data.get("pollution_end")
        if p_start and p_end and p_end <= p_start:
            self.add_error("pollution_end", _("重污染天气发生时间的结束须晚于开始。"))
        return data


class ApprovalFormDraftForm(ApprovalFormFields):
    """A new approval form: the level (not for lifting), and the notice it answers, if any."""

    level = forms.ChoiceField(label=_("预警信息级别"), choices=LEVEL_CHOICES, required=False)
    provincial_notice = forms.ModelChoiceField(
        label=_("省/区域预警通知"),
        required=False,
        queryset=ProvincialNotice.objects.none(),
        empty_label=_("（无，本市预报）"),
    )
    evaluation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    consultation = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["level", *ApprovalFormFields.field_order[:-1], "provincial_notice", "provincial_consent"]

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, action=action, **kwargs)
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
        label=_("登录密码（确认签发）"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入登录密码以确认签发。")},
    )
    # Asked for (and checked) where the second factor is required: accounts/reauth.py.
    otp = forms.CharField(
        label=_("动态口令（确认签发）"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    opinion = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不填写时记为“同意。”"),
    )


class RejectForm(forms.Form):
    """退回: the approver sends the form back with a reason the office will read."""

    comment = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回时请填写理由。")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回原因"), required=False, max_length=500)


class NoticeLiftForm(forms.Form):
    """The lift notice (解除通知) of a provincial or regional notice (warning-rules.md §8)."""

    lift_document_number = forms.CharField(
        label=_("解除通知文号"), max_length=100, error_messages={"required": _("请填写解除通知文号。")}
    )
    lifted_at = _datetime_field(_("解除时间"), required=True)


class NoticeForm(forms.Form):
    """A provincial or regional warning notice received by the office (plan §4.2.2, §4.5)."""

    scope = forms.ChoiceField(label=_("范围"), choices=ProvincialNotice.Scope.choices)
    level = forms.ChoiceField(label=_("预警级别"), choices=LEVEL_CHOICES)
    document_number = forms.CharField(
        label=_("文号"), max_length=100, error_messages={"required": _("请填写通知文号。")}
    )
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
