from django.urls import path

from . import views

app_name = "upkeep"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    # 预案培训 (§9.1.2)
    path("trainings/", views.TrainingListView.as_view(), name="trainings"),
    path("trainings.xlsx", views.TrainingExportView.as_view(), name="trainings-xlsx"),
    path("trainings/new/", views.TrainingCreateView.as_view(), name="training-create"),
    path("trainings/<int:pk>/", views.TrainingDetailView.as_view(), name="training"),
    path("trainings/<int:pk>/edit/", views.TrainingEditView.as_view(), name="training-edit"),
    # 预案修订 (§9.1.4)
    path("plan/", views.PlanView.as_view(), name="plan"),
    path("plan/triggers/new/", views.TriggerCreateView.as_view(), name="trigger-create"),
    path("plan/decisions/new/", views.DecisionCreateView.as_view(), name="decision-create"),
    # 改进建议 (§6)
    path("suggestions/", views.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/<int:pk>/", views.SuggestionDetailView.as_view(), name="suggestion"),
    path("suggestions/<int:pk>/accept/", views.SuggestionAcceptView.as_view(), name="suggestion-accept"),
    path("suggestions/<int:pk>/reject/", views.SuggestionRejectView.as_view(), name="suggestion-reject"),
    path("suggestions/<int:pk>/done/", views.SuggestionDoneView.as_view(), name="suggestion-done"),
    path("warnings/<int:warning_id>/suggestions/", views.SummarySuggestionsView.as_view(), name="summary-suggestions"),
]
