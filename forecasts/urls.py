from django.urls import path

from .views import imports as import_views

app_name = "forecasts"
urlpatterns: list = [
    # --- pages: forecast page, evaluations, consultations (forecasts/views/pages.py, consultations.py) ---
    # --- imports: upload page, preview, confirm, history (forecasts/views/imports.py) ---
    path("imports/", import_views.ImportListView.as_view(), name="imports"),
    path("imports/preview/", import_views.ImportPreviewView.as_view(), name="import-preview"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    # --- replays (forecasts/views/replays.py) ---
]
