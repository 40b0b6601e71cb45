from django.urls import path

from . import views

urlpatterns = [
    path("guarantees/duty-slots/", views.DutySlotListView.as_view(), name="api-duty-slots"),
    path("guarantees/duty-slots/<int:pk>/", views.DutySlotDetailView.as_view(), name="api-duty-slot"),
    path("guarantees/duty-gaps/", views.DutyGapsView.as_view(), name="api-duty-gaps"),
    path("guarantees/contacts/", views.ContactListView.as_view(), name="api-guarantee-contacts"),
    path("guarantees/supplies/", views.SupplyListView.as_view(), name="api-guarantee-supplies"),
]
