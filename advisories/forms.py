from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConfirmForm(forms.Form):
    text = forms.CharField(
        label=_("发布内容（留空则按默认文字发布）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EndForm(forms.Form):
    note = forms.CharField(
        label=_("结束说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InPlaceForm(forms.Form):
    note = forms.CharField(label=_("落实情况说明"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("已采取的管控措施"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
