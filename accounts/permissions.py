"""Server-side access checks, one rule for pages and for the API (see roles.py)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from audit.services import audit_record

from .roles import PUBLIC, AccessSet, Role, allows

SAFE = frozenset(SAFE_METHODS)


def declared_access(view: Any, method: str) -> AccessSet | None:
    """The roles a view admits for an HTTP method, or None when the view declares nothing."""
    read = getattr(view, "allowed_roles", None)
    if read is None:
        return None
    if method.upper() in SAFE:
        return read
    return getattr(view, "write_roles", None) or read


def refusal_message(user: Any) -> str:
    if not user.is_authenticated:
        return _("请先登录。")
    label = Role(user.role).label if user.role else _("无角色")
    return _("您的角色（%(role)s）无权执行此操作。") % {"role": label}


def _record_refusal(request: Any, view: Any) -> None:
    if request.user.is_authenticated:
        audit_record(
            actor=request.user,
            action="auth.access.denied",
            data={"path": request.path, "method": request.method, "view": type(view).__name__},
        )


class RoleAccess(BasePermission):
    """DRF permission: the view's declared roles decide; undeclared views are refused."""

    def has_permission(self, request: Any, view: Any) -> bool:
        access = declared_access(view, request.method)
        if access is None:
            self.message = _("此接口未声明访问规则，已拒绝。")
            return False
        if allows(access, getattr(request.user, "role", None), authenticated=request.user.is_authenticated):
            return True
        self.message = refusal_message(request.user)
        _record_refusal(request, view)
        return False


# The project default: a DRF view without its own rule gets this and is refused to everybody.
DenyUnlessDeclared = RoleAccess


class RoleRequiredMixin(AccessMixin):
    """For class-based pages: anonymous users go to the login page, other roles get 403."""

    allowed_roles: AccessSet | None = None
    write_roles: AccessSet | None = None
    raise_exception = False

    def dispatch(self, request, *args, **kwargs):
        access = declared_access(self, request.method)
        if access is None:
            raise PermissionDenied(_("此页面未声明访问规则，已拒绝。"))
        if access is PUBLIC:
            return super().dispatch(request, *args, **kwargs)
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not allows(access, request.user.role, authenticated=True):
            _record_refusal(request, self)
            raise PermissionDenied(refusal_message(request.user))
        return super().dispatch(request, *args, **kwargs)
