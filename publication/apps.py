from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationConfig(AppConfig):
    """Publication of an approved decision (预警信息发布, plan §4.2.3–§4.2.4): the public page and
    its API's payload, the CAP 1.2 feed, the SMS and notices of a warning, the counties' on-duty
    confirmations (§5.2) and the written report (§5.4)."""

    name = "publication"
    verbose_name = _("预警信息发布")
