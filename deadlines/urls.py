from django.urls import path

from . import views

app_name = "deadlines"
urlpatterns = [
    path("", views.DeadlineListView.as_view(), name="list"),  # /warnings/deadlines/
    path("notices/<int:pk>/close/", views.NoticeCloseView.as_view(), name="notice-close"),  # POST-only
]
