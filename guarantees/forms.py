from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from command.models import MemberUnit
from notifications.models import UnitContact

from .models import SupplyItem

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(label):
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"required": _("请填写时间。"), "invalid": _("请输入有效的时间（年-月-日 时:分）。")},
    )


class DutySlotForm(forms.Form):
    """值班安排. The office chooses whose slot it is (empty: the office itself); a unit or a
    county enters its own (the field is not shown)."""

    unit = forms.ModelChoiceField(
        label=_("值班单位"), queryset=MemberUnit.objects.none(), required=False, empty_label=_("应急指挥部办公室")
    )
    person = forms.CharField(label=_("值班人员"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    phone = forms.CharField(label=_("值班电话"), max_length=50)
    starts_at = _when(_("开始时间"))
    ends_at = _when(_("结束时间"))
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def __init__(self, *args, choose_unit: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_unit:
            self.fields["unit"].queryset = MemberUnit.objects.filter(active=True).order_by("order", "id")
        else:
            del self.fields["unit"]

    def service_values(self) -> dict:
        """The slot's fields as duty_slot_add and duty_slot_change take them (the unit is apart)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "unit"}


class ContactPersonForm(forms.Form):
    """应急负责人或联络员 of the caller's unit (warnings and orders are sent to them)."""

    duty_role = forms.ChoiceField(label=_("应急职责"), choices=UnitContact.DutyRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=100, required=False)
    mobile = forms.CharField(label=_("手机号码"), max_length=20)


class SupplyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=SupplyItem.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    quantity = forms.DecimalField(label=_("数量/金额"), min_value=0, max_digits=14, decimal_places=2)
    measure = forms.CharField(label=_("计量单位"), max_length=20, help_text=_("如：台、辆、套、万元"))
    keeper = forms.ModelChoiceField(
        label=_("储备维护单位"),
        queryset=MemberUnit.objects.filter(active=True).order_by("order", "id"),
        required=False,
        empty_label=_("应急指挥部办公室"),
    )
    location = forms.CharField(label=_("存放地点"), max_length=200, required=False)
    last_checked_on = forms.DateField(
        label=_("最近检查日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(label=_("备注"), max_length=500, required=False)

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        keeper = data.pop("keeper")
        return {**data, "keeper_id": keeper.pk if keeper else None}


class RetireForm(forms.Form):
    note = forms.CharField(label=_("注销说明"), max_length=500, required=False)
