from django.urls import path

from . import views

urlpatterns = [
    path("counties/", views.CountyListView.as_view(), name="api-counties"),
    path("counties/extra-measures/", views.ExtraMeasureListView.as_view(), name="api-county-measures"),
    path("counties/contacts/<int:pk>/", views.CountyContactView.as_view(), name="api-county-contact"),
    path("counties/<slug:code>/", views.CountyDetailView.as_view(), name="api-county"),
    path("counties/<slug:code>/contacts/", views.CountyContactsView.as_view(), name="api-county-contacts"),
]
