"""Forms of the after-action pages (附件6, 附件7, 附件8). They validate input only; every write goes
through reviews.services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from command.models import Expert
from forecasts.models import Replay

from .models import OFFICE_NAME, DrillRecord, EffectEvaluation
from .services import REVIEW_FIELDS

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _optional(choices) -> list:
    """A review item's boxes, plus a way back to none ticked (a radio cannot be unticked)."""
    return [*choices.choices, ("", _("（不勾选）"))]


def _required(message):
    return {"required": message}


def _text(label, *, rows=4, required=False, message="", help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages=_required(message) if message else None,
    )


def _date(label, message):
    return forms.DateField(
        label=label,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": message, "invalid": _("请输入有效的日期（年-月-日）。")},
    )


class SummaryForm(forms.Form):
    """The office's texts of 附件6 阳泉市重污染天气应急响应统计表."""

    measures_summary = _text(_("应急响应措施总结"), rows=6)
    achievements = _text(_("取得的成效"))
    problems = _text(_("发现的问题"))
    suggestions = _text(_("改进建议"))
    filled_by_name = forms.CharField(
        label=_("填表人"), max_length=50, required=False, error_messages={"max_length": _("填表人不能超过50个字。")}
    )


class SummaryReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销定稿的理由"), max_length=500, error_messages={"required": _("撤销定稿时请填写理由。")}
    )


class EvaluationForm(forms.Form):
    """附件8 阳泉市重污染天气应急效果评估表."""

    organiser = forms.CharField(
        label=_("组织单位"), max_length=100, initial=OFFICE_NAME, error_messages={"required": _("请填写组织单位。")}
    )
    leader = forms.CharField(label=_("负责人"), max_length=50, error_messages={"required": _("请填写负责人。")})
    experts = forms.ModelMultipleChoiceField(
        label=_("评估组成员（专家组）"),
        queryset=Expert.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("所选专家不存在。")},
    )
    other_members = forms.CharField(
        label=_("评估组其他成员"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("专家库以外的成员，用顿号分隔"),
    )
    level = forms.ChoiceField(
        label=_("预警级别"),
        choices=EffectEvaluation.Level.choices,
        error_messages={"required": _("请选择预警级别。"), "invalid_choice": _("预警级别无效。")},
    )
    evaluated_on = _date(_("评估时间"), _("请填写评估时间。"))
    content = _text(_("评估内容"), rows=14, required=True, message=_("请填写评估内容。"))

    def clean(self):
        data = super().clean()
        if not data.get("experts") and not (data.get("other_members") or "").strip():
            self.add_error("experts", _("请至少选择一名专家或填写评估组成员。"))
        return data


class DrillForm(forms.Form):
    """附件7 阳泉市重污染天气应急预案演练记录表."""

    plan_name = forms.CharField(
        label=_("预案名称"),
        max_length=200,
        initial="阳泉市重污染天气应急预案",
        error_messages={"required": _("请填写预案名称。")},
    )
    location = forms.CharField(label=_("演练地点"), max_length=200, error_messages={"required": _("请填写演练地点。")})
    organiser = forms.CharField(
        label=_("组织部门"), max_length=200, initial=OFFICE_NAME, error_messages={"required": _("请填写组织部门。")}
    )
    commander = forms.CharField(label=_("总指挥"), max_length=50, error_messages={"required": _("请填写总指挥。")})
    held_at = forms.DateTimeField(
        label=_("演练时间"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": _("请填写演练时间。"), "invalid": _("请输入有效的时间（年-月-日 时:分）。")},
    )
    participants = _text(_("参加部门和人员"), rows=3, required=True, message=_("请填写参加部门和人员。"))
    mode = forms.CharField(
        label=_("演练方式"),
        max_length=100,
        help_text=_("如：桌面推演、实战演练、综合演练"),
        widget=forms.TextInput(attrs={"list": "drill-modes"}),
        error_messages={"required": _("请填写演练方式。")},
    )
    suitability = forms.ChoiceField(
        label=_("适宜性"), choices=_optional(DrillRecord.Suitability), required=False, widget=forms.RadioSelect
    )
    adequacy = forms.ChoiceField(
        label=_("充分性"), choices=_optional(DrillRecord.Adequacy), required=False, widget=forms.RadioSelect
    )
    presence = forms.ChoiceField(
        label=_("到位情况"), choices=_optional(DrillRecord.Presence), required=False, widget=forms.RadioSelect
    )
    proficiency = forms.ChoiceField(
        label=_("熟练情况"), choices=_optional(DrillRecord.Proficiency), required=False, widget=forms.RadioSelect
    )
    materials = forms.ChoiceField(
        label=_("现场物资"), choices=_optional(DrillRecord.Materials), required=False, widget=forms.RadioSelect
    )
    protection = forms.ChoiceField(
        label=_("个人防护"), choices=_optional(DrillRecord.Protection), required=False, widget=forms.RadioSelect
    )
    coordination = forms.ChoiceField(
        label=_("协调组织情况"), choices=_optional(DrillRecord.Coordination), required=False, widget=forms.RadioSelect
    )
    effect = forms.ChoiceField(
        label=_("实战效果评价"), choices=_optional(DrillRecord.Effect), required=False, widget=forms.RadioSelect
    )
    support = forms.MultipleChoiceField(
        label=_("支援部门和协作有效性"),
        choices=DrillRecord.Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    problems = _text(_("存在问题"))
    improvements = _text(_("改进措施"))
    recorder = forms.CharField(label=_("记录人"), max_length=50, error_messages={"required": _("请填写记录人。")})
    reviewer = forms.CharField(label=_("审核人"), max_length=50, required=False)
    recorded_on = _date(_("记录时间"), _("请填写记录时间。"))
    replay = forms.ModelChoiceField(
        label=_("回放的历史数据"),
        queryset=Replay.objects.all(),
        required=False,
        empty_label=_("（未使用回放）"),
        error_messages={"invalid_choice": _("所选回放不存在。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in REVIEW_FIELDS[:-1]:
            self.fields[name].error_messages["invalid_choice"] = _("所选选项无效。")
        self.fields["support"].error_messages["invalid_choice"] = _("所选选项无效。")

    def clean(self):
        data = super().clean()
        support = data.get("support") or []
        if DrillRecord.Support.AS_REQUIRED in support and len(support) > 1:
            self.add_error("support", _("“按要求协作”不能与“联系不上”“不配合”“行动迟缓”同时勾选。"))
        held, recorded = data.get("held_at"), data.get("recorded_on")
        if held and recorded:
            if recorded < timezone.localtime(held).date():
                self.add_error("recorded_on", _("记录时间不能早于演练时间。"))
        return data

    @classmethod
    def initial_from(cls, record: DrillRecord) -> dict:
        return {name: getattr(record, name) for name in cls.base_fields}
