from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        # Each app declares its outbox handlers in <app>/handlers.py (core/outbox.py `handles`);
        # importing them fills the table without core naming any app.
        autodiscover_modules("handlers")
