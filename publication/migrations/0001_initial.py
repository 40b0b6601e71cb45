"""Publication moves out of alerts into an app of its own: alerts.DutyConfirmation becomes
publication.DutyConfirmation in the migration state only — the table (alerts_dutyconfirmation), its
rows, indexes and the constraint duty_confirmation_once stay as they are (db_table). Its content
type follows it, so permissions granted on it and anything that names it keep pointing at it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="dutyconfirmation").exists():
        ContentType.objects.using(db).filter(app_label=old, model="dutyconfirmation").update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "alerts", "publication")


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "publication", "alerts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("alerts", "0005_deadline_to_deadlines"),
        ("command", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DutyConfirmation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("role", models.CharField(choices=[("government", "政府主要负责人"), ("party", "党委主要负责人")], max_length=12, verbose_name="在岗人员")),
                        ("contact_name", models.CharField(blank=True, max_length=50, verbose_name="姓名（联系人登记）")),
                        ("requested_at", models.DateTimeField(auto_now_add=True, verbose_name="要求时间")),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="确认时间")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                        ("confirmed_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="确认人")),
                        ("form", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="duty_confirmations", to="alerts.approvalform", verbose_name="审批表")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="duty_confirmations", to="command.memberunit", verbose_name="县区")),
                        ("warning", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="duty_confirmations", to="alerts.warning", verbose_name="预警")),
                    ],
                    options={
                        "verbose_name": "在岗指挥确认",
                        "verbose_name_plural": "在岗指挥确认",
                        "db_table": "alerts_dutyconfirmation",
                        "ordering": ["form_id", "unit__order", "role"],
                        "constraints": [models.UniqueConstraint(fields=("form", "unit", "role"), name="duty_confirmation_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
