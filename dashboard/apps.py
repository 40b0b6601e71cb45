from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The front of the site: the dashboard (首页) with its panels by role, the menu, and the year's
    air quality with the warnings. It reads every app; no app reads it."""

    name = "dashboard"
    verbose_name = _("首页")
