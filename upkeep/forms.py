"""Forms of the upkeep pages: they validate input only; every write goes through upkeep.services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from command.models import MemberUnit
from reviews.models import DrillRecord, ResponseSummary

from .models import RevisionDecision, RevisionTrigger, Training
from .services import TRAINING_FIELDS


def _date(label, *, required=True):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("请填写日期。"), "invalid": _("请输入有效的日期（年-月-日）。")},
    )


def _text(label, *, rows=3, required=True, max_length=4000):
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


def _units():
    return MemberUnit.objects.filter(active=True).order_by("order", "id")


class TrainingForm(forms.Form):
    """预案培训 (plan §9.1.2): who, when, what, and how it was assessed."""

    unit = forms.ModelChoiceField(
        label=_("组织单位"), queryset=MemberUnit.objects.none(), required=False, empty_label=_("应急指挥部办公室")
    )
    topic = forms.CharField(label=_("培训主题"), max_length=200)
    contents = forms.MultipleChoiceField(
        label=_("培训内容"), choices=Training.Content.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    trainer = forms.CharField(label=_("授课人"), max_length=100)
    held_on = _date(_("培训日期"))
    place = forms.CharField(label=_("培训地点"), max_length=200, required=False)
    hours = forms.DecimalField(label=_("学时"), max_digits=4, decimal_places=1, min_value=0, required=False)
    attendee_units = forms.ModelMultipleChoiceField(
        label=_("参训单位"), queryset=MemberUnit.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = _text(_("参训人员"), required=False)
    attendee_count = forms.IntegerField(label=_("参训人数"), min_value=1)
    assessment = forms.ChoiceField(
        label=_("考核方式"), choices=Training.Assessment.choices, initial=Training.Assessment.NONE
    )
    assessed_count = forms.IntegerField(label=_("参加考核人数"), min_value=0, required=False)
    passed_count = forms.IntegerField(label=_("考核合格人数"), min_value=0, required=False)
    result = _text(_("考核结果"), required=False)
    note = _text(_("备注"), rows=2, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()
        self.fields["attendee_units"].queryset = _units()
        if user is not None and user.role != "office":
            del self.fields["unit"]  # a member unit's training is its own (the service sets it)

    @staticmethod
    def initial_from(training: Training) -> dict:
        initial = {f: getattr(training, f) for f in TRAINING_FIELDS}
        initial["unit"] = training.unit_id
        initial["attendee_units"] = list(training.attendee_units.all())
        return initial


class TriggerForm(forms.Form):
    kind = forms.ChoiceField(label=_("情形"), choices=RevisionTrigger.Kind.choices, widget=forms.RadioSelect)
    occurred_on = _date(_("发生日期"))
    note = _text(_("情况说明"))
    summary = forms.ModelChoiceField(
        label=_("相关总结评估（可选）"), queryset=ResponseSummary.objects.none(), required=False
    )
    drill = forms.ModelChoiceField(label=_("相关演练（可选）"), queryset=DrillRecord.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].queryset = ResponseSummary.objects.select_related("warning").order_by("-created_at")
        self.fields["drill"].queryset = DrillRecord.objects.order_by("-held_at")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("决定"), choices=RevisionDecision.Outcome.choices, widget=forms.RadioSelect)
    decided_on = _date(_("决定日期"))
    reason = _text(_("说明或理由"))
    triggers = forms.ModelMultipleChoiceField(
        label=_("本决定处理的修订情形"),
        queryset=RevisionTrigger.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("“经研究无需修订”时选择；修订并印发新版时全部未决情形一并处理。"),
    )
    edition_number = forms.CharField(label=_("新版预案文号"), max_length=100, required=False)
    edition_issued_on = _date(_("新版预案印发日期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["triggers"].queryset = RevisionTrigger.objects.filter(decision__isnull=True).order_by("occurred_on")


class SuggestionForm(forms.Form):
    text = _text(_("改进建议"))
    unit = forms.ModelChoiceField(
        label=_("责任单位"), queryset=MemberUnit.objects.none(), required=False, empty_label=_("应急指挥部办公室")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units()


class AcceptForm(forms.Form):
    note = _text(_("采纳说明"), rows=2, required=False)


class RejectForm(forms.Form):
    reason = _text(_("不予采纳理由"), rows=2)


class DoneForm(forms.Form):
    done_on = _date(_("落实日期"))
    note = _text(_("落实情况"), rows=2)
