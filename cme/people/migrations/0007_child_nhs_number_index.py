"""The duplicate check before a child is recorded looks children up by NHS number: index it."""

from django.db import migrations, models

import cme.people.identifiers


class Migration(migrations.Migration):
    dependencies = [("people", "0006_child_circumstances_and_field_change_history")]

    operations = [
        migrations.AlterField(
            model_name="child",
            name="nhs_number",
            field=models.CharField(
                blank=True,
                db_index=True,
                max_length=10,
                validators=[cme.people.identifiers.validate_nhs_number],
                verbose_name="NHS number",
            ),
        ),
    ]
