from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账户与角色")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import record_login_time

        def _start_session_clock(sender, request, user, **kwargs):
            if request is not None and hasattr(request, "session"):
                record_login_time(request)

        user_logged_in.connect(_start_session_clock, dispatch_uid="accounts.session_clock", weak=False)
