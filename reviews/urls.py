from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.ReviewIndexView.as_view(), name="index"),
    # 附件6 by year: every response with its hours, the year's totals, and the Excel export
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("statistics.xlsx", views.StatisticsExportView.as_view(), name="statistics-xlsx"),
    # 附件6 应急响应统计表 / summary report
    path("warnings/<int:warning_id>/summary/", views.SummaryView.as_view(), name="summary"),
    path("warnings/<int:warning_id>/summary/edit/", views.SummaryEditView.as_view(), name="summary-edit"),
    path("warnings/<int:warning_id>/summary/finalize/", views.SummaryFinalizeView.as_view(), name="summary-finalize"),
    path("warnings/<int:warning_id>/summary/reopen/", views.SummaryReopenView.as_view(), name="summary-reopen"),
    path("warnings/<int:warning_id>/summary/print/", views.SummaryPrintView.as_view(), name="summary-print"),
    # 附件8 应急效果评估表
    path("warnings/<int:warning_id>/evaluation/", views.EvaluationView.as_view(), name="evaluation"),
    path("warnings/<int:warning_id>/evaluation/edit/", views.EvaluationEditView.as_view(), name="evaluation-edit"),
    path("warnings/<int:warning_id>/evaluation/print/", views.EvaluationPrintView.as_view(), name="evaluation-print"),
    # 附件7 演练记录表
    path("drills/", views.DrillListView.as_view(), name="drills"),
    path("drills/new/", views.DrillCreateView.as_view(), name="drill-create"),
    path("drills/<int:pk>/", views.DrillDetailView.as_view(), name="drill"),
    path("drills/<int:pk>/edit/", views.DrillEditView.as_view(), name="drill-edit"),
    path("drills/<int:pk>/print/", views.DrillPrintView.as_view(), name="drill-print"),
]
