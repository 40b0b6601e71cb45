"""§4.2.4: an order is either the measures of a level or the free public SMS the three operators
are ordered to send for a published form; one of each kind per form and unit."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("response", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="one_order_per_unit_per_form",
        ),
        migrations.AddField(
            model_name="order",
            name="kind",
            field=models.CharField(choices=[("measures", "应急措施"), ("public_sms", "免费发布预警短信")], db_index=True,
                                   default="measures", max_length=12, verbose_name="指令类别"),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(fields=("form", "unit", "kind"), name="one_order_per_unit_kind_per_form"),
        ),
    ]
