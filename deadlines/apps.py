from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """The plan's clocks (warning-rules.md §9): the deadline engine the approval chain, the
    response and the reviews use."""

    name = "deadlines"
    verbose_name = _("时限")
