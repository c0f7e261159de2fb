"""The one subject a disclosure held is now in DisclosureSubject (0003 copied it): drop the old columns.

A separate migration, so that PostgreSQL does not alter the table in the transaction that wrote the copies.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_disclosure_names_people"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="disclosure",
            name="privacy_dis_subject_7aed2b_idx",
        ),
        migrations.RemoveField(
            model_name="disclosure",
            name="subject_id",
        ),
        migrations.RemoveField(
            model_name="disclosure",
            name="subject_type",
        ),
    ]
