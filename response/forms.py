from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .services import MAX_ATTACHMENTS, MAX_FIGURES, MAX_NOTE, MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django documentation, "Uploading multiple files")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class InPlaceForm(forms.Form):
    note = forms.CharField(label=_("落实情况说明"), max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3}))


_FIGURE_LINE = re.compile(r"^\s*(?P<name>[^:：=]+?)\s*[:：=]\s*(?P<value>.+?)\s*$")


def parse_figures(text: str) -> dict:
    """ "名称：数值" per line → {名称: 数值}; numbers become numbers, the rest stays text."""
    figures: dict = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _FIGURE_LINE.match(line)
        if not match:
            raise forms.ValidationError(_("第 %(n)s 行应为「名称：数值」。") % {"n": number})
        raw = match["value"]
        try:
            value: int | float | str = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
        figures[match["name"]] = value
    if len(figures) > MAX_FIGURES:
        raise forms.ValidationError(_("其他数据最多 %(n)s 项。") % {"n": MAX_FIGURES})
    return figures


class DailyReportForm(forms.Form):
    report_date = forms.DateField(
        label=_("所述日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("报送的是这一天的落实情况，次日 10:00 前报送"),
    )
    content = forms.CharField(label=_("落实情况"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    measures_done = forms.CharField(
        label=_("已落实的主要措施"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    inspections = forms.IntegerField(label=_("检查次数"), min_value=0, max_value=1_000_000, initial=0)
    enterprises_checked = forms.IntegerField(label=_("检查企业数"), min_value=0, max_value=1_000_000, initial=0)
    violations_found = forms.IntegerField(label=_("发现问题数"), min_value=0, max_value=1_000_000, initial=0)
    figures = forms.CharField(
        label=_("其他数据（每行「名称：数值」）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "停产企业数：12\n洒水车次：40"}),
    )
    attachments = MultipleFileField(label=_("附件（pdf、jpg、png、docx、xlsx）"), required=False)

    def clean_report_date(self):
        day = self.cleaned_data["report_date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("不能报送今天以后的落实情况。"))
        return day

    def clean_figures(self):
        return parse_figures(self.cleaned_data.get("figures", ""))

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS})
        return files


def default_report_date() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)
