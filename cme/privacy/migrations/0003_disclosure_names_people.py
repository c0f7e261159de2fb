"""A disclosure names its people in DisclosureSubject; each existing row's one subject is copied there.

A return's receipt also names the child the return was matched to; an extract's receipt (it named the import)
names every person the import received instead. Reversing keeps each disclosure's first subject only.
"""

import django.db.models.deletion
from django.db import migrations, models


BATCH = 5000


def subjects_copy(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Disclosure = apps.get_model("privacy", "Disclosure")
    DisclosureSubject = apps.get_model("privacy", "DisclosureSubject")
    RollReturn = apps.get_model("schools", "RollReturn")
    SourceRecord = apps.get_model("matching", "SourceRecord")

    def content_type(app_label, model):
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]

    return_type = content_type("schools", "rollreturn")
    import_type = content_type("matching", "sourceimport")
    record_type = content_type("matching", "sourcerecord")
    child_type = content_type("people", "child")
    rows = []
    for disclosure_id, subject_type_id, subject_id in Disclosure.objects.values_list(
        "pk", "subject_type_id", "subject_id"
    ).iterator(chunk_size=BATCH):
        if subject_type_id == import_type.pk:
            for record_id in SourceRecord.objects.filter(source_import_id=subject_id).values_list("pk", flat=True):
                rows.append(
                    DisclosureSubject(disclosure_id=disclosure_id, subject_type=record_type, subject_id=record_id)
                )
        else:
            rows.append(
                DisclosureSubject(disclosure_id=disclosure_id, subject_type_id=subject_type_id, subject_id=subject_id)
            )
        if subject_type_id == return_type.pk:
            child_id = RollReturn.objects.filter(pk=subject_id).values_list("child_id", flat=True).first()
            if child_id:
                rows.append(
                    DisclosureSubject(disclosure_id=disclosure_id, subject_type=child_type, subject_id=child_id)
                )
        if len(rows) >= BATCH:
            DisclosureSubject.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    DisclosureSubject.objects.bulk_create(rows, ignore_conflicts=True)


def subjects_copy_back(apps, schema_editor):
    """Reversing: each disclosure keeps its first subject (a disclosure naming many people loses the rest)."""
    Disclosure = apps.get_model("privacy", "Disclosure")
    DisclosureSubject = apps.get_model("privacy", "DisclosureSubject")
    first = {}
    for disclosure_id, subject_type_id, subject_id in DisclosureSubject.objects.order_by("pk").values_list(
        "disclosure_id", "subject_type_id", "subject_id"
    ):
        first.setdefault(disclosure_id, (subject_type_id, subject_id))
    for disclosure_id, (subject_type_id, subject_id) in first.items():
        Disclosure.objects.filter(pk=disclosure_id).update(subject_type_id=subject_type_id, subject_id=subject_id)
    if schema_editor.connection.vendor == "postgresql":
        # The foreign-key checks of those updates are deferred: run them now, or PostgreSQL refuses to alter the
        # table they touched later in this transaction (the columns become NOT NULL again).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("privacy", "0002_accesspurpose"),
        ("schools", "0002_school_returns"),
        ("matching", "0002_source_record_known_as"),
    ]

    operations = [
        migrations.CreateModel(
            name="DisclosureSubject",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("subject_id", models.PositiveBigIntegerField(help_text="The person the data is about.")),
            ],
        ),
        migrations.AddField(
            model_name="disclosuresubject",
            name="disclosure",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="subjects", to="privacy.disclosure"
            ),
        ),
        migrations.AddField(
            model_name="disclosuresubject",
            name="subject_type",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype"
            ),
        ),
        migrations.AddIndex(
            model_name="disclosuresubject",
            index=models.Index(fields=["subject_type", "subject_id"], name="privacy_dis_subject_a8b535_idx"),
        ),
        migrations.AddConstraint(
            model_name="disclosuresubject",
            constraint=models.UniqueConstraint(
                fields=("disclosure", "subject_type", "subject_id"), name="disclosure_subject_once"
            ),
        ),
        # Nullable while the copy is made, so that reversing 0004 can add the columns back before they are refilled.
        migrations.AlterField(
            model_name="disclosure",
            name="subject_type",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="contenttypes.contenttype"
            ),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True, help_text="The person the data is about."),
        ),
        migrations.RunPython(subjects_copy, reverse_code=subjects_copy_back),
    ]
