from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CountyBody, CountyContact, ExtraMeasure


class BodyForm(forms.ModelForm):
    class Meta:
        model = CountyBody
        fields = ["name", "host", "duty_phone"]


class ContactForm(forms.ModelForm):
    class Meta:
        model = CountyContact
        fields = ["post", "name", "position", "phone", "mobile", "order"]


class MeasureForm(forms.ModelForm):
    started_at = forms.DateTimeField(
        label=_("执行开始时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    class Meta:
        model = ExtraMeasure
        fields = ["category", "measure", "started_at", "scope", "sites", "note"]
        widgets = {
            "measure": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
