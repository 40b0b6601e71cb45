from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Area, CommandBody, Expert, MemberUnit, Post, WorkingGroup


def units_list() -> QuerySet[MemberUnit]:
    return MemberUnit.objects.select_related("area").filter(active=True)


def groups_list() -> QuerySet[WorkingGroup]:
    return WorkingGroup.objects.prefetch_related(
        Prefetch("lead_units", queryset=MemberUnit.objects.order_by("order")),
        Prefetch("member_units", queryset=MemberUnit.objects.order_by("order")),
    )


def bodies_list() -> QuerySet[CommandBody]:
    return CommandBody.objects.select_related("host_unit").prefetch_related(
        Prefetch("posts", queryset=Post.objects.order_by("order"))
    )


def experts_list() -> QuerySet[Expert]:
    return Expert.objects.all()


def areas_list() -> QuerySet[Area]:
    return Area.objects.all()
