from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvisoriesConfig(AppConfig):
    """臭氧预警提示 (plan §3.2) and 二氧化硫浓度预警 (plan §3.3) as work (warning-rules.md §10)."""

    name = "advisories"
    verbose_name = _("臭氧预警提示与二氧化硫预警")
