from rest_framework import viewsets

from accounts.roles import STAFF
from command import selectors

from . import serializers


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    allowed_roles = STAFF
    serializer_class = serializers.AreaSerializer
    lookup_field = "code"
    queryset = selectors.areas_list()


class MemberUnitViewSet(viewsets.ReadOnlyModelViewSet):
    allowed_roles = STAFF
    serializer_class = serializers.MemberUnitSerializer
    lookup_field = "slug"
    queryset = selectors.units_list()


class WorkingGroupViewSet(viewsets.ReadOnlyModelViewSet):
    allowed_roles = STAFF
    serializer_class = serializers.WorkingGroupSerializer
    lookup_field = "slug"
    queryset = selectors.groups_list()


class ExpertViewSet(viewsets.ReadOnlyModelViewSet):
    allowed_roles = STAFF
    serializer_class = serializers.ExpertSerializer
    lookup_field = "seq"
    queryset = selectors.experts_list()
