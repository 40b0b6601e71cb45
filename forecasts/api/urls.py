from django.urls import path

from . import views as import_api

urlpatterns: list = [
    # --- imports and evaluate (forecasts/api/views.py) ---
    path("imports/", import_api.ImportListCreateView.as_view(), name="forecast-imports"),
    path("imports/<int:pk>/", import_api.ImportDetailView.as_view(), name="forecast-import-detail"),
    path("evaluate/", import_api.EvaluateView.as_view(), name="forecast-evaluate"),
    # --- series, evaluations (forecasts/api/pages.py) ---
]
