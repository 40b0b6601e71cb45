"""Forms of the forecasts pages: the range of the forecast page and the consultation record (附件4)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .domain.areas import AREAS, CITY_CODE
from .models import Level

#: The longest range the forecast page draws at once (a season's look-back is a report, not a chart).
MAX_RANGE_DAYS = 62

DATE_INPUT = {"type": "date"}


def _date_field(label, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs=DATE_INPUT, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入有效的日期（年-月-日）。"), "required": _("请填写日期。")},
    )


class SeriesRangeForm(forms.Form):
    """Which area and which days the forecast page (and the series API) show. Every field is
    optional: the area defaults to the city, the range to the stored data (see views.pages)."""

    area = forms.ChoiceField(
        label=_("区域"),
        required=False,
        choices=[(area.code, area.name) for area in AREAS],
        error_messages={"invalid_choice": _("未知的区域：%(value)s。")},
    )
    start = _date_field(_("开始日期"), required=False)
    end = _date_field(_("结束日期"), required=False)

    def clean_area(self) -> str:
        return self.cleaned_data.get("area") or CITY_CODE

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("结束日期不能早于开始日期。"))
            elif (end - start).days + 1 > MAX_RANGE_DAYS:
                self.add_error("end", _("一次最多显示 %(days)s 天，请缩短日期范围。") % {"days": MAX_RANGE_DAYS})
        return data


class ConsultationConcludeForm(forms.Form):
    """The consultation record, as the table of 附件4 (阳泉市环境气象预报及会商意见表)."""

    conclusion = forms.CharField(
        label=_("会商结论"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写会商结论。")},
    )
    concluded_level = forms.ChoiceField(
        label=_("会商认定的预警级别"),
        choices=Level.choices,
        error_messages={"required": _("请选择预警级别。"), "invalid_choice": _("无效的预警级别。")},
    )
    reporter = forms.CharField(label=_("报告人"), max_length=50, error_messages={"required": _("请填写报告人。")})
    reported_on = _date_field(_("报告日期"), required=True)
    reviewer = forms.CharField(label=_("审定人"), max_length=50, required=False)
    reviewed_on = _date_field(_("审定日期"), required=False)
    expert_opinion = forms.CharField(
        label=_("专家咨询组意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expert_on = _date_field(_("专家意见日期"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("reviewed_on") and not (data.get("reviewer") or "").strip():
            self.add_error("reviewer", _("填写了审定日期，请同时填写审定人。"))
        if data.get("expert_on") and not (data.get("expert_opinion") or "").strip():
            self.add_error("expert_opinion", _("填写了专家意见日期，请同时填写专家咨询组意见。"))
        for name in ("reported_on", "reviewed_on", "expert_on"):
            day = data.get(name)
            if day and day > timezone.localdate():
                self.add_error(name, _("日期不能晚于今天。"))
        return data
