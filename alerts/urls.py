from django.urls import path  # noqa: F401

app_name = "alerts"
urlpatterns: list = [
    # --- office and approver pages (alerts/views/pages.py): warnings, forms, inbox, deadlines, notices ---
    # --- publication pages (alerts/views/publication.py): CAP feed, written report, duty confirmations, subscriptions ---
]
