"""The publication API: the channels of a published form (§4.2.4), for the office to automate the
confirmations of the external ones (warning-rules.md §11)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import OFFICE_AND_ADMIN

from ..channels import channel_confirm
from ..selectors import channel_rows, published_form
from ..views import CHANNEL_READERS


class ChannelSerializer(serializers.Serializer):
    channel = serializers.CharField(help_text="渠道代码")
    name = serializers.CharField()
    by = serializers.ChoiceField(
        choices=["system", "office", "operator"], help_text="由谁完成：系统、办公室确认、通信运营商确认"
    )
    status = serializers.ChoiceField(choices=["pending", "done"])
    confirmed_by = serializers.CharField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    note = serializers.CharField(allow_blank=True)
    order = serializers.IntegerField(allow_null=True, help_text="通信运营商的应急指令")


class ChannelListSerializer(serializers.Serializer):
    form = serializers.IntegerField()
    warning = serializers.CharField()
    complete = serializers.BooleanField(help_text="全部渠道已完成：发布时限达成")
    channels = ChannelSerializer(many=True)


class ChannelConfirmSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


def _channel(c: dict) -> dict:
    row = c["row"]
    user = row.confirmed_by if row else None
    return {
        "channel": c["code"],
        "name": c["name"],
        "by": c["by"],
        "status": "done" if c["done"] else "pending",
        "confirmed_by": (user.get_full_name() or user.username) if user else None,
        "confirmed_at": row.confirmed_at if row else None,
        "note": row.note if row else "",
        "order": row.order_id if row else None,
    }


def _body(form) -> dict:
    channels = [_channel(c) for c in channel_rows(form)]
    return {
        "form": form.pk,
        "warning": form.warning.number,
        "channels": channels,
        "complete": all(c["status"] == "done" for c in channels),
    }


def _form(form_id: int):
    form = published_form(form_id)
    if form is None:
        raise Http404("没有这张已签发的审批表。")
    return form


class ChannelListView(APIView):
    """GET: every channel of a published form with its status, who confirmed it and when."""

    allowed_roles = CHANNEL_READERS

    @extend_schema(responses=ChannelListSerializer)
    def get(self, request, form_id: int):
        return Response(ChannelListSerializer(_body(_form(form_id))).data)


class ChannelConfirmView(APIView):
    """POST (the office): an external channel published, with an optional note; audited. 409 when it
    is not the office's to confirm or already confirmed; the last one meets the publication clock."""

    allowed_roles = OFFICE_AND_ADMIN

    @extend_schema(request=ChannelConfirmSerializer, responses=ChannelListSerializer)
    def post(self, request, form_id: int, channel: str):
        form = _form(form_id)
        body = ChannelConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        channel_confirm(actor=request.user, form_id=form.pk, channel=channel, note=body.validated_data["note"])
        return Response(ChannelListSerializer(_body(form)).data)
