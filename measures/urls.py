from django.urls import path

from . import views

app_name = "measures"
urlpatterns: list = [
    path("", views.IndexView.as_view(), name="index"),
    path("industry/", views.IndustryTableView.as_view(), name="industry"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprises"),
    path("enterprises/import/", views.EnterpriseImportConfirmView.as_view(), name="enterprise-import"),
    path("enterprises/template.xlsx", views.EnterpriseTemplateView.as_view(), name="enterprise-template"),
    path("obligations/", views.ObligationsView.as_view(), name="obligations"),
    path("enterprise-lookup/", views.EnterpriseLookupView.as_view(), name="enterprise-lookup"),
]
