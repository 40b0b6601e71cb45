"""alerts.Deadline is now deadlines.Deadline (deadlines/migrations/0001_initial.py): removed from
this app's migration state only; the table alerts_deadline and its rows stay, owned by deadlines."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0004_outbox_to_core"),
        ("deadlines", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Deadline")],
            database_operations=[],
        ),
    ]
