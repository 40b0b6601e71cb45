from django.urls import path

from .views import consultations as consultation_views
from .views import imports as import_views
from .views import pages as page_views
from .views import replays

app_name = "forecasts"
urlpatterns: list = [
    # --- pages: forecast page, evaluations, consultations (forecasts/views/pages.py, consultations.py) ---
    path("", page_views.ForecastPageView.as_view(), name="page"),
    path("evaluations/", page_views.EvaluationListView.as_view(), name="evaluations"),
    path("evaluations/<int:pk>/", page_views.EvaluationDetailView.as_view(), name="evaluation"),
    path("evaluations/<int:pk>/json/", page_views.EvaluationJsonView.as_view(), name="evaluation-json"),
    path("consultations/", consultation_views.ConsultationListView.as_view(), name="consultations"),
    path(
        "consultations/realtime/", consultation_views.ConsultationRealtimeView.as_view(), name="consultation-realtime"
    ),
    path("consultations/<int:pk>/", consultation_views.ConsultationDetailView.as_view(), name="consultation"),
    # --- imports: upload page, preview, confirm, history (forecasts/views/imports.py) ---
    path("imports/", import_views.ImportListView.as_view(), name="imports"),
    path("imports/preview/", import_views.ImportPreviewView.as_view(), name="import-preview"),
    path("imports/<int:pk>/", import_views.ImportDetailView.as_view(), name="import-detail"),
    # --- replays (forecasts/views/replays.py) ---
    path("replays/", replays.ReplayListView.as_view(), name="replays"),
    path("replays/<int:pk>/", replays.ReplayDetailView.as_view(), name="replay"),
    path("replays/<int:pk>/stop/", replays.ReplayStopView.as_view(), name="replay-stop"),
]
