from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与角色")

    def ready(self) -> None:
        from .middleware import record_login_time  # noqa: PLC0415 — in ready(): imported once the app registry is loaded

        def _start_session_clock(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                record_login_time(request)

        user_logged_in.connect(_start_session_clock, dispatch_uid="accounts.session_clock", weak=False)
