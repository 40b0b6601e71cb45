from django.urls import path

from . import views

app_name = "counties"
urlpatterns = [
    path("", views.CountyListView.as_view(), name="list"),
    # §5.2 extra measures of the counties during a response (by the warning that started it, as reviews/)
    path("measures/", views.MeasureResponsesView.as_view(), name="responses"),
    path("warnings/<int:warning_id>/measures/", views.ResponseMeasuresView.as_view(), name="measures"),
    path("warnings/<int:warning_id>/measures/print/", views.MeasuresPrintView.as_view(), name="measures-print"),
    path("warnings/<int:warning_id>/measures.xlsx", views.MeasuresExcelView.as_view(), name="measures-xlsx"),
    path("measures/<int:pk>/edit/", views.MeasureEditView.as_view(), name="measure-edit"),
    path("measures/<int:pk>/withdraw/", views.MeasureDeleteView.as_view(), name="measure-withdraw"),
    # §2, §8.1 each county's headquarters and response office
    path("contacts.xlsx", views.AllCountiesExcelView.as_view(), name="all-xlsx"),
    path("contacts/<int:pk>/edit/", views.ContactEditView.as_view(), name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.ContactDeleteView.as_view(), name="contact-delete"),
    path("<slug:code>/", views.CountyDetailView.as_view(), name="county"),
    path("<slug:code>/print/", views.CountyPrintView.as_view(), name="county-print"),
    path("<slug:code>/contacts.xlsx", views.CountyExcelView.as_view(), name="county-xlsx"),
    path("<slug:code>/<slug:kind>/", views.BodyEditView.as_view(), name="body-edit"),
    path("<slug:code>/<slug:kind>/contacts/new/", views.ContactCreateView.as_view(), name="contact-new"),
]
