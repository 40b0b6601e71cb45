"""The channels of a publication (预警信息发布途径, §4.2.4): one row per published form and channel."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0007_notice_lift"),
        ("publication", "0001_initial"),
        ("response", "0002_order_kind"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChannelDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("channel", models.CharField(max_length=24, verbose_name="渠道")),
                ("status", models.CharField(choices=[("pending", "待发布"), ("done", "已发布")], db_index=True,
                                            default="pending", max_length=8, verbose_name="状态")),
                ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="完成时间")),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="说明")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                ("confirmed_by", models.ForeignKey(blank=True, help_text="系统自有渠道为空：由系统完成", null=True,
                                                   on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                   to=settings.AUTH_USER_MODEL, verbose_name="确认人")),
                ("form", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="channels",
                                           to="alerts.approvalform", verbose_name="审批表")),
                ("order", models.ForeignKey(blank=True, help_text="通信运营商免费发布短信的指令", null=True,
                                            on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                            to="response.order", verbose_name="应急指令")),
            ],
            options={
                "verbose_name": "发布渠道",
                "verbose_name_plural": "发布渠道",
                "ordering": ["form_id", "id"],
                "constraints": [models.UniqueConstraint(fields=("form", "channel"), name="channel_delivery_once")],
            },
        ),
    ]
