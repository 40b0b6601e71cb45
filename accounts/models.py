from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person using the system, with one role; member-unit and county users are bound to one
    unit (成员单位) or one area (县区)."""

    role = models.CharField(_("角色"), max_length=32, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "command.MemberUnit",
        verbose_name=_("所属成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    area = models.ForeignKey(
        "command.Area",
        verbose_name=_("所属县区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    position = models.CharField(_("职务"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.UNIT, unit__isnull=False)
                    | (~models.Q(role=Role.UNIT) & models.Q(unit__isnull=True))
                ),
                name="user_unit_only_for_unit_role",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.COUNTY, area__isnull=False)
                    | (~models.Q(role=Role.COUNTY) & models.Q(area__isnull=True))
                ),
                name="user_area_only_for_county_role",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.UNIT and not self.unit_id:
            raise ValidationError({"unit": _("成员单位用户必须绑定一个成员单位。")})
        if self.role == Role.COUNTY and not self.area_id:
            raise ValidationError({"area": _("县区用户必须绑定一个县区。")})
        if self.role != Role.UNIT and self.unit_id:
            raise ValidationError({"unit": _("只有成员单位用户才能绑定成员单位。")})
        if self.role != Role.COUNTY and self.area_id:
            raise ValidationError({"area": _("只有县区用户才能绑定县区。")})

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role else str(_("无角色"))

    def __str__(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}（{self.role_label}）"


class ApiToken(models.Model):
    """接口令牌: the bearer token of one client (a script, an app) of one user, for the API.

    Only the SHA-256 of the token is stored (the token is shown once, when issued); it ends at
    ``expires_at`` (settings.API_TOKEN_HOURS after issue), when its owner or an administrator revokes
    it, or when the same client asks for a new one. One live token per user and client name."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("客户端名称"), max_length=100)
    prefix = models.CharField(_("令牌前缀"), max_length=12, help_text=_("令牌的前几位，用于辨认；完整令牌不保存。"))
    key_hash = models.CharField(_("令牌摘要"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("签发时间"))
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, verbose_name=_("撤销人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("撤销原因"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_one_live_per_user_and_client",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username} · {self.name} · {self.prefix}…"

    def is_live(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now
