from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpkeepConfig(AppConfig):
    """预案管理与更新 (plan §9.1): training (预案培训), the plan's revision clock (预案修订) and the
    summaries' improvement suggestions (§6 改进建议) tracked to a decision."""

    name = "upkeep"
    verbose_name = _("预案管理与更新")
