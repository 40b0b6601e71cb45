from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from . import receivers  # noqa: PLC0415, F401 — in ready(): imported once the app registry is loaded (the receivers connect on import)
