from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    """县区重污染天气应急指挥部 and 应急办公室 (plan §2, §8.1) with their people, and the extra
    measures a county takes on top of the city's orders during a response (§5.2)."""

    name = "counties"
    verbose_name = _("县区应急")
