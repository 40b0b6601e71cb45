from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from command.models import Area, MemberUnit
from measures.models import Enterprise
from response.forms import MultipleFileField, MultipleFileInput

from .models import EnforcementAction, Inspection, TipOff
from .services import MAX_TEXT, STAFF_CHANNELS, TIPOFF_MAX_DESCRIPTION

TIPOFF_SALT = "supervision.tipoff.started"
TIPOFF_FORM_MAX_AGE = 2 * 3600


def _areas():
    return Area.objects.exclude(kind=Area.Kind.CITY).order_by("order")


class InspectionForm(forms.Form):
    date = forms.DateField(label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("检查地点"), max_length=200)
    enterprise = forms.ModelChoiceField(
        label=_("应急减排清单企业（可选）"), queryset=None, required=False, empty_label=_("（不在清单中或非企业）")
    )
    enterprise_name = forms.CharField(
        label=_("企业（工地）名称"), max_length=200, required=False, help_text=_("选择清单企业时可不填，自动取清单名称")
    )
    county = forms.ModelChoiceField(
        label=_("县区"), queryset=Area.objects.none(), required=False, to_field_name="code", empty_label=_("（不限）")
    )
    findings = forms.CharField(label=_("检查情况"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 5}))
    violation = forms.BooleanField(label=_("发现违法违规"), required=False)
    violation_description = forms.CharField(
        label=_("违法违规情况"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleFileField(
        label=_("照片（jpg、png）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = _areas()

        self.fields["enterprise"].queryset = (
            Enterprise.objects.filter(active=True).select_related("area").order_by("area__order", "name")
        )

    def clean(self):
        data = super().clean()
        if data.get("violation") and not (data.get("violation_description") or "").strip():
            self.add_error("violation_description", _("发现违法违规时请写明违法违规情况。"))
        return data


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("处理状态"), choices=Inspection.FollowUp.choices)
    due = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("处理情况"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


_PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


def tipoff_started_token() -> str:
    """A signed stamp of when the form was shown: a bot posting at once is refused."""
    return signing.dumps({"t": timezone.now().timestamp()}, salt=TIPOFF_SALT)


def _area_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("所在县区"),
        queryset=Area.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("（不清楚）"),
    )


class _TipOffFormBase(forms.Form):
    """What the public's form and the staff's hotline form share: the county list (field area) and
    the check of the reporter's phone (field reporter_phone)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas()

    def clean_reporter_phone(self):
        phone = self.cleaned_data.get("reporter_phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("联系电话格式不正确。"))
        return phone


class TipOffForm(_TipOffFormBase):
    category = forms.ChoiceField(label=_("举报类别"), choices=TipOff.Category.choices)
    area = _area_field()
    place = forms.CharField(label=_("地点"), max_length=200)
    description = forms.CharField(
        label=_("举报内容"),
        max_length=TIPOFF_MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": TIPOFF_MAX_DESCRIPTION}),
    )
    reporter_name = forms.CharField(label=_("姓名（实名举报填写）"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("联系电话（实名举报填写）"), max_length=20, required=False)
    # Honeypot: hidden from people by CSS; a bot filling every field gives itself away.
    website = forms.CharField(
        label=_("网站（请勿填写）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    bot = False  # set by clean(): the view answers a bot without storing anything

    def clean(self):
        data = super().clean()
        if data.get("website"):
            self.bot = True
        try:
            stamp = signing.loads(self.data.get("started", ""), salt=TIPOFF_SALT, max_age=TIPOFF_FORM_MAX_AGE)["t"]
        except (signing.BadSignature, KeyError, TypeError):
            raise forms.ValidationError(_("页面已过期，请刷新后重新填写。")) from None
        minimum = float(getattr(settings, "TIPOFF_MIN_FILL_SECONDS", 3))
        if timezone.now().timestamp() - float(stamp) < minimum:
            self.bot = True
        if bool(data.get("reporter_name", "").strip()) != bool(data.get("reporter_phone", "").strip()):
            raise forms.ValidationError(_("实名举报请同时填写姓名和联系电话；匿名举报两项都不填。"))
        return data


class TipOffActionForm(forms.Form):
    ACTIONS = [
        ("start", _("开始核查")),
        ("true", _("核查属实")),
        ("false", _("核查不属实")),
        ("reward", _("给予奖励")),
        ("no_reward", _("不予奖励")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    note = forms.CharField(
        label=_("说明"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class StaffTipOffForm(_TipOffFormBase):
    """A hotline tip-off (12369, 12345, other) entered by the office or the supervision group."""

    channel = forms.ChoiceField(
        label=_("举报渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS], initial=STAFF_CHANNELS[0]
    )
    category = forms.ChoiceField(label=_("举报类别"), choices=TipOff.Category.choices)
    area = _area_field()
    place = forms.CharField(label=_("地点"), max_length=200)
    description = forms.CharField(
        label=_("举报内容"), max_length=TIPOFF_MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 5})
    )
    reporter_name = forms.CharField(label=_("举报人姓名（实名举报填写）"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("举报人电话（实名举报填写）"), max_length=20, required=False)


class TipOffRouteForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=MemberUnit.objects.none(), to_field_name="slug", empty_label=_("（请选择）")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = MemberUnit.objects.filter(active=True).order_by("order", "id")


class TipOffAnswerForm(forms.Form):
    verified = forms.TypedChoiceField(
        label=_("核查结论"),
        choices=[("1", _("核查属实")), ("0", _("核查不属实"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("办理答复（将向举报人公开）"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class TipOffLookupForm(forms.Form):
    reference = forms.CharField(label=_("受理编号"), max_length=32)
    code = forms.CharField(label=_("查询码"), max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric"}))


class EnforcementForm(forms.Form):
    kind = forms.ChoiceField(label=_("措施类别"), choices=EnforcementAction.Kind.choices)
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    decision_number = forms.CharField(label=_("决定书文号"), max_length=100, required=False)
    referred_to = forms.CharField(label=_("移送机关"), max_length=200, required=False)
    note = forms.CharField(
        label=_("措施内容"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class EnforcementStepForm(forms.Form):
    step = forms.ChoiceField(choices=[("follow_up", _("跟进")), ("close", _("办结"))])
    note = forms.CharField(label=_("说明"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
