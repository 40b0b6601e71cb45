"""alerts.DutyConfirmation is now publication.DutyConfirmation (publication/migrations/0001_initial.py):
removed from this app's migration state only; the table alerts_dutyconfirmation and its rows stay,
owned by publication."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0005_deadline_to_deadlines"),
        ("publication", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DutyConfirmation")],
            database_operations=[],
        ),
    ]
