from django.urls import path

from . import views

urlpatterns = [
    path("upkeep/trainings/", views.TrainingListView.as_view(), name="api-upkeep-trainings"),
    path("upkeep/suggestions/", views.SuggestionListView.as_view(), name="api-upkeep-suggestions"),
    path(
        "upkeep/suggestions/<int:pk>/accept/", views.SuggestionAcceptView.as_view(), name="api-upkeep-suggestion-accept"
    ),
    path(
        "upkeep/suggestions/<int:pk>/reject/", views.SuggestionRejectView.as_view(), name="api-upkeep-suggestion-reject"
    ),
    path("upkeep/suggestions/<int:pk>/done/", views.SuggestionDoneView.as_view(), name="api-upkeep-suggestion-done"),
    path("upkeep/revision/", views.RevisionClockView.as_view(), name="api-upkeep-revision"),
]
