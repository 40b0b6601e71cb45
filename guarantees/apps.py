from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuaranteesConfig(AppConfig):
    """应急保障 (plan §8): the on-duty roster during a response, the contact list kept current and
    the register of supplies and funds."""

    name = "guarantees"
    verbose_name = _("应急保障")
