from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .domain.constants import GRADES, LEVEL_NAMES, LEVELS
from .selectors import areas_for_filter, industries

LEVEL_CHOICES = [(lv, LEVEL_NAMES[lv] + "响应") for lv in LEVELS]
GRADE_CHOICES = [(g, g) for g in GRADES]
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _industry_choices():
    return [("", _("全部行业"))] + [(str(i.seq), f"{i.seq}. {i.name}") for i in industries()]


def _area_choices():
    return [("", _("全部县区"))] + [(a.code, a.name) for a in areas_for_filter()]


class IndustryFilterForm(forms.Form):
    """Filters of the 附件11 table."""

    level = forms.ChoiceField(label=_("响应级别"), choices=LEVEL_CHOICES, required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False)
    grade = forms.ChoiceField(label=_("绩效等级"), choices=[("", _("全部等级")), *GRADE_CHOICES], required=False)
    q = forms.CharField(label=_("搜索措施文字"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = _industry_choices()


class EnterpriseFilterForm(forms.Form):
    area = forms.ChoiceField(label=_("县区"), required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False)
    grade = forms.ChoiceField(
        label=_("绩效等级"),
        required=False,
        choices=[("", _("全部等级")), *GRADE_CHOICES, ("none", _("未评级"))],
    )
    q = forms.CharField(label=_("企业名称"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _area_choices()
        self.fields["industry"].choices = _industry_choices()


class EnterpriseUploadForm(forms.Form):
    file = forms.FileField(label=_("应急减排清单（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大：上限为 10 MB。"))
        if not upload.name.lower().endswith((".xlsx", ".xlsm")):
            raise forms.ValidationError(_("只接受 Excel 文件（.xlsx）。"))
        return upload


class LookupForm(forms.Form):
    """The enterprise-facing lookup: industry + grade + level → the 附件11 cell."""

    industry = forms.ChoiceField(label=_("所属行业"))
    grade = forms.ChoiceField(label=_("绩效等级"), choices=GRADE_CHOICES)
    level = forms.ChoiceField(label=_("响应级别"), choices=LEVEL_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [(v, label) for v, label in _industry_choices() if v]
