"""The deadline engine moves out of alerts into an app of its own: alerts.Deadline becomes
deadlines.Deadline in the migration state only — the table (alerts_deadline), its rows and its
indexes stay as they are (db_table). Its content type follows it, so permissions granted on it
and anything that names it keep pointing at it."""

import django.db.models.deletion
from django.db import migrations, models


def _rename_content_type(apps, schema_editor, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label=new, model="deadline").exists():
        ContentType.objects.using(db).filter(app_label=old, model="deadline").update(app_label=new)


def forwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "alerts", "deadlines")


def backwards(apps, schema_editor):
    _rename_content_type(apps, schema_editor, "deadlines", "alerts")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("alerts", "0004_outbox_to_core"),
        ("command", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Deadline",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("form", "填报预警审批表"), ("publish", "发布预警信息"), ("units_notified", "通知各成员单位"), ("measures", "应急措施落实到位"), ("daily_report", "报送前一日应急措施落实情况"), ("written_report", "书面报告市政府和省应急指挥部办公室")], max_length=20, verbose_name="事项")),
                        ("key", models.CharField(help_text="同一事项只建一次（重复执行不会重复建立）", max_length=120, unique=True, verbose_name="唯一键")),
                        ("started_at", models.DateTimeField(verbose_name="起算时间")),
                        ("due_at", models.DateTimeField(db_index=True, verbose_name="截止时间")),
                        ("met_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                        ("reminded_at", models.DateTimeField(blank=True, null=True, verbose_name="提醒时间")),
                        ("escalated_office_at", models.DateTimeField(blank=True, null=True, verbose_name="升级至办公室负责人")),
                        ("escalated_approver_at", models.DateTimeField(blank=True, null=True, verbose_name="升级至审批领导")),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True, verbose_name="取消时间")),
                        ("form", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="deadlines", to="alerts.approvalform", verbose_name="审批表")),
                        ("provincial_notice", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="deadlines", to="alerts.provincialnotice", verbose_name="省/区域预警通知")),
                        ("unit", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="deadlines", to="command.memberunit", verbose_name="成员单位")),
                        ("warning", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="deadlines", to="alerts.warning", verbose_name="预警")),
                    ],
                    options={
                        "verbose_name": "时限",
                        "verbose_name_plural": "时限",
                        "db_table": "alerts_deadline",
                        "ordering": ["due_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
