# warning-rules.md edition 2 §8: a provincial or regional notice is in force until its lift is recorded.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0006_dutyconfirmation_to_publication'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='provincialnotice',
            name='lifted_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='解除时间'),
        ),
        migrations.AddField(
            model_name='provincialnotice',
            name='lift_document_number',
            field=models.CharField(blank=True, max_length=100, verbose_name='解除通知文号'),
        ),
        migrations.AddField(
            model_name='provincialnotice',
            name='lift_recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='解除登记人'),
        ),
    ]
