from django.urls import path

from . import views

app_name = "guarantees"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("duty/", views.DutyView.as_view(), name="duty"),
    path("duty/excel/", views.DutyExcelView.as_view(), name="duty-excel"),
    path("duty/<int:pk>/edit/", views.DutySlotEditView.as_view(), name="duty-edit"),
    path("duty/<int:pk>/remove/", views.DutySlotRemoveView.as_view(), name="duty-remove"),
    path("contacts/", views.ContactListView.as_view(), name="contacts"),
    path("contacts/excel/", views.ContactExcelView.as_view(), name="contacts-excel"),
    path("contacts/mine/", views.OwnContactView.as_view(), name="contact-mine"),
    path("contacts/mine/confirm/", views.ContactConfirmView.as_view(), name="contact-confirm"),
    path("contacts/people/<int:pk>/", views.ContactPersonEditView.as_view(), name="contact-person"),
    path("contacts/people/<int:pk>/remove/", views.ContactPersonRemoveView.as_view(), name="contact-person-remove"),
    path("supplies/", views.SupplyListView.as_view(), name="supplies"),
    path("supplies/excel/", views.SupplyExcelView.as_view(), name="supplies-excel"),
    path("supplies/<int:pk>/", views.SupplyEditView.as_view(), name="supply-edit"),
    path("supplies/<int:pk>/check/", views.SupplyCheckView.as_view(), name="supply-check"),
    path("supplies/<int:pk>/retire/", views.SupplyRetireView.as_view(), name="supply-retire"),
]
