from django.urls import path

from . import views

urlpatterns = [
    path("publications/<int:form_id>/channels/", views.ChannelListView.as_view(), name="api-publication-channels"),
    path(
        "publications/<int:form_id>/channels/<slug:channel>/confirm/",
        views.ChannelConfirmView.as_view(),
        name="api-publication-channel-confirm",
    ),
]
