"""The guarantees API, where the office automates: the roster (read, add, change, remove), the
gaps of the response now, the contact list with its overdue flags, the register. A unit or a
county reads and writes its own slots only. Refusals are the domain errors' {detail, code}."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import Role
from command.models import MemberUnit
from guarantees import selectors, services
from guarantees.access import CONTACT_READERS, DUTY_READERS, DUTY_WRITERS, GAP_READERS, SUPPLY_READERS
from guarantees.models import DutySlot

from . import serializers

RESPONSE_PARAM = OpenApiParameter("response", int, description="应急响应 id；缺省为正在进行的（或最近的）响应")


def _response(request):
    return selectors.response_or_current(request.query_params.get("response"))


class DutySlotListView(APIView):
    """GET: the slots of a response the caller may see. POST: add one (the office for itself or any
    unit; a unit or a county for its own unit only)."""

    allowed_roles = DUTY_READERS
    write_roles = DUTY_WRITERS

    @extend_schema(parameters=[RESPONSE_PARAM], responses=serializers.DutySlotSerializer(many=True))
    def get(self, request):
        return Response(
            serializers.DutySlotSerializer(selectors.duty_slots_for(request.user, _response(request)), many=True).data
        )

    @extend_schema(request=serializers.DutySlotWriteSerializer, responses={201: serializers.DutySlotSerializer})
    def post(self, request):
        body = serializers.DutySlotWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        v = body.validated_data
        response = selectors.response_or_current(v.get("response"))
        if response is None:
            return Response({"detail": "没有应急响应。"}, status=status.HTTP_404_NOT_FOUND)
        if request.user.role == Role.OFFICE:
            unit = None
            if v["unit"]:
                unit = MemberUnit.objects.filter(slug=v["unit"]).first()
                if unit is None:
                    return Response({"detail": "没有这个成员单位。"}, status=status.HTTP_400_BAD_REQUEST)
        else:
            unit = services.own_unit(request.user)
            if v["unit"] and (unit is None or v["unit"] != unit.slug):
                return Response({"detail": "只能登记本单位的值班安排。"}, status=status.HTTP_403_FORBIDDEN)
            if unit is None:
                return Response({"detail": "您的账户未关联成员单位或县区。"}, status=status.HTTP_403_FORBIDDEN)
        slot = services.duty_slot_add(
            actor=request.user,
            response_id=response.pk,
            unit_id=unit.pk if unit else None,
            person=v["person"],
            phone=v["phone"],
            starts_at=v["starts_at"],
            ends_at=v["ends_at"],
            position=v["position"],
            note=v["note"],
        )
        return Response(serializers.DutySlotSerializer(slot).data, status=status.HTTP_201_CREATED)


class DutySlotDetailView(APIView):
    """GET one slot; PUT changes it (not once it is over); DELETE removes it (not once it is over)."""

    allowed_roles = DUTY_READERS
    write_roles = DUTY_WRITERS

    def _slot(self, request, pk: int) -> DutySlot:
        slot = get_object_or_404(DutySlot.objects.select_related("unit", "response"), pk=pk)
        visible = selectors.duty_slots_for(request.user, slot.response).filter(pk=pk).exists()
        if not visible or (
            request.method not in ("GET", "HEAD") and not services.may_keep_duty(request.user, slot.unit)
        ):
            raise Http404
        return slot

    @extend_schema(responses=serializers.DutySlotSerializer)
    def get(self, request, pk: int):
        return Response(serializers.DutySlotSerializer(self._slot(request, pk)).data)

    @extend_schema(request=serializers.DutySlotChangeSerializer, responses=serializers.DutySlotSerializer)
    def put(self, request, pk: int):
        slot = self._slot(request, pk)
        body = serializers.DutySlotChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        slot = services.duty_slot_change(actor=request.user, slot_id=slot.pk, **body.validated_data)
        return Response(serializers.DutySlotSerializer(slot).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        slot = self._slot(request, pk)
        services.duty_slot_remove(actor=request.user, slot_id=slot.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DutyGapsView(APIView):
    """Who has nobody on duty now in the response (the office and every unit holding an open order):
    an empty list when everybody is covered or the response has ended."""

    allowed_roles = GAP_READERS

    @extend_schema(parameters=[RESPONSE_PARAM], responses=serializers.DutyGapsSerializer)
    def get(self, request):
        response, now = _response(request), timezone.now()
        gaps = selectors.duty_gaps(response, now=now) if response is not None else []
        return Response(
            serializers.DutyGapsSerializer(
                {
                    "response": response.pk if response else None,
                    "response_status": response.status if response else None,
                    "at": now,
                    "gaps": [
                        {
                            "unit": g.unit.slug if g.unit else None,
                            "unit_name": g.name,
                            "next_start": g.coverage.next_start,
                        }
                        for g in gaps
                    ],
                }
            ).data
        )


class ContactListView(APIView):
    """应急组织机构通讯录: every member unit's contacts, phones and last confirmation (?stale=1: only
    the entries overdue for confirmation)."""

    allowed_roles = CONTACT_READERS

    @extend_schema(
        parameters=[OpenApiParameter("stale", str, description="1：只列超期未确认的")],
        responses=serializers.ContactEntrySerializer(many=True),
    )
    def get(self, request):
        entries = selectors.contact_entries()
        if request.query_params.get("stale") == "1":
            entries = [e for e in entries if e.stale]
        return Response(serializers.ContactEntrySerializer(entries, many=True).data)


class SupplyListView(APIView):
    """应急物资与经费登记 (§8.2–8.6), items on the register."""

    allowed_roles = SUPPLY_READERS

    @extend_schema(responses=serializers.SupplyItemSerializer(many=True))
    def get(self, request):
        return Response(serializers.SupplyItemSerializer(selectors.supplies(), many=True).data)
