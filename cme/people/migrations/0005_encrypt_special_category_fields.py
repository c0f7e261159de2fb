"""Seal children's special-category and statutory-involvement fields at rest (cme.common.crypto).

Changing a column's type in place converts differently on each database (PostgreSQL turns a boolean into 'true',
SQLite copies 1), so this goes round: add a text column beside each field, seal every row's value into it, drop
the plain column, give the sealed one its name, then declare it an encrypted field. Tokens are bound to the final
column name (people_child.<name>), not the temporary one, so they open once the rename is done. Reversible: going
back opens the tokens into plain columns again.
"""

from django.db import migrations, models

import cme.common.crypto
from cme.common.crypto import EncryptedBooleanField, EncryptedCharField, column_binding, seal, unseal

BATCH = 1000
# The live field classes decide how a value becomes the text that is sealed, so the rows this writes read back
# exactly as the model will read them.
FIELDS = {
    "ethnicity": EncryptedCharField(max_length=4),
    "sen_provision": EncryptedCharField(max_length=1),
    "looked_after": EncryptedBooleanField(),
    "child_protection_plan": EncryptedBooleanField(),
    "traveller": EncryptedBooleanField(),
    "service_child": EncryptedBooleanField(),
    "young_carer": EncryptedBooleanField(),
    "ehcp": EncryptedBooleanField(),
}


def _sealed(name: str) -> str:
    return f"{name}_sealed"


def _rewrite(apps, schema_editor, *, source: list[str], target: list[str], convert) -> None:
    """Copy every child's `source` columns into `target` columns through `convert(name, value)`, a batch at a time.

    Keyset pagination by id rather than one long cursor: SQLite may revisit rows updated under an open SELECT.
    """
    Child = apps.get_model("people", "Child")
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    pk = Child._meta.pk.column
    assignments = ", ".join(f"{quote(column)} = %s" for column in target)
    update = f"UPDATE {quote(Child._meta.db_table)} SET {assignments} WHERE {quote(pk)} = %s"  # noqa: S608 - quoted names
    last = None
    while True:
        rows = Child.objects.order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        batch = list(rows.values_list("pk", *source)[:BATCH])
        if not batch:
            return
        params = [
            [convert(name, value) for name, value in zip(FIELDS, values, strict=True)] + [pk_value]
            for pk_value, *values in batch
        ]
        with connection.cursor() as cursor:
            cursor.executemany(update, params)
        last = batch[-1][0]


def seal_existing(apps, schema_editor):
    table = apps.get_model("people", "Child")._meta.db_table

    def convert(name, value):
        return seal(FIELDS[name].value_to_plaintext(value), bound_to=column_binding(table, name))

    _rewrite(apps, schema_editor, source=list(FIELDS), target=[_sealed(name) for name in FIELDS], convert=convert)


def open_existing(apps, schema_editor):
    table = apps.get_model("people", "Child")._meta.db_table

    def convert(name, token):
        return FIELDS[name].plaintext_to_value(unseal(token, bound_to=column_binding(table, name)))

    _rewrite(apps, schema_editor, source=[_sealed(name) for name in FIELDS], target=list(FIELDS), convert=convert)


ETHNICITY_CHOICES = [
    ("WBRI", "White – British"),
    ("WIRI", "White – Irish"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WROM", "Gypsy / Roma"),
    ("WOTH", "Any other White background"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Black Caribbean"),
    ("BAFR", "Black African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
]
SEN_PROVISION_CHOICES = [
    ("E", "Education, health and care plan"),
    ("K", "SEN support"),
    ("N", "No special educational need"),
]
FINAL = {
    "ethnicity": cme.common.crypto.EncryptedCharField(blank=True, choices=ETHNICITY_CHOICES, max_length=4),
    "sen_provision": cme.common.crypto.EncryptedCharField(
        blank=True, choices=SEN_PROVISION_CHOICES, max_length=1, verbose_name="SEN provision"
    ),
    "looked_after": cme.common.crypto.EncryptedBooleanField(
        default=False, verbose_name="Looked after by a local authority"
    ),
    "child_protection_plan": cme.common.crypto.EncryptedBooleanField(
        default=False, verbose_name="Subject to a child protection plan"
    ),
    "traveller": cme.common.crypto.EncryptedBooleanField(
        default=False, verbose_name="From a Gypsy, Roma or Traveller family"
    ),
    "service_child": cme.common.crypto.EncryptedBooleanField(
        default=False, verbose_name="Service child (a parent in the armed forces)"
    ),
    "young_carer": cme.common.crypto.EncryptedBooleanField(default=False, verbose_name="Young carer"),
    "ehcp": cme.common.crypto.EncryptedBooleanField(
        default=False, verbose_name="Has an education, health and care plan"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("people", "0004_remove_columns_moved_to_tables")]

    operations = [
        *[migrations.AddField("child", _sealed(name), models.TextField(null=True)) for name in FIELDS],
        migrations.RunPython(seal_existing, open_existing),
        *[migrations.RemoveField("child", name) for name in FIELDS],
        *[migrations.RenameField("child", _sealed(name), name) for name in FIELDS],
        *[migrations.AlterField("child", name, field) for name, field in FINAL.items()],
    ]
