from django.urls import path

from . import views as import_api
from .pages import EvaluationViewSet, SeriesView

urlpatterns: list = [
    # --- imports and evaluate (forecasts/api/views.py) ---
    path("imports/", import_api.ImportListCreateView.as_view(), name="forecast-imports"),
    path("imports/<int:pk>/", import_api.ImportDetailView.as_view(), name="forecast-import-detail"),
    path("evaluate/", import_api.EvaluateView.as_view(), name="forecast-evaluate"),
    # --- series, evaluations (forecasts/api/pages.py) ---
    path("evaluations/", EvaluationViewSet.as_view({"get": "list"}), name="forecast-evaluations"),
    path("evaluations/<int:pk>/", EvaluationViewSet.as_view({"get": "retrieve"}), name="forecast-evaluation-detail"),
    path("series/", SeriesView.as_view(), name="forecast-series"),
]
