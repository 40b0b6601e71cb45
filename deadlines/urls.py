from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.DeadlineListView.as_view(), name="list"),  # /warnings/deadlines/
]
