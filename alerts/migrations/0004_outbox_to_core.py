"""The outbox moves to the ground floor (core.OutboxEvent, core/outbox.py): its rows are copied with
their ids — undone ones are then handed out by the sweep, done ones stay done — and the alerts
table goes. Backwards, the rows move back."""

from django.core.management.color import no_style
from django.db import migrations

COLUMNS = "id, topic, payload, created_at, dispatched_at, done_at, attempts, last_error"


def _move(apps, schema_editor, source: str, target: str, due: bool) -> None:
    connection = schema_editor.connection
    q = connection.ops.quote_name
    src, dst = apps.get_model(*source.split(".")), apps.get_model(*target.split("."))
    columns = COLUMNS + (", due_at" if due else "")
    selected = COLUMNS + (", created_at" if due else "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(dst._meta.db_table)} ({columns}) SELECT {selected} FROM {q(src._meta.db_table)}"  # noqa: S608 - table names from the models
        )
        cursor.execute(f"DELETE FROM {q(src._meta.db_table)}")  # noqa: S608
        for sql in connection.ops.sequence_reset_sql(no_style(), [dst]):
            cursor.execute(sql)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "alerts.OutboxEvent", "core.OutboxEvent", due=True)


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "core.OutboxEvent", "alerts.OutboxEvent", due=False)


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0003_warning_content"),
        ("core", "0002_outboxevent"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="OutboxEvent"),
    ]
