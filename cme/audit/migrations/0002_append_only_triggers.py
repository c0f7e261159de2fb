"""On PostgreSQL, make the chained table append-only in the database itself, whatever the application does.

- audit_auditentry: UPDATE and DELETE refused, row by row.
- audit_auditdetail: UPDATE refused; DELETE allowed, because retention erases details (the entry keeps the hash).
- audit_auditchainhead: DELETE refused (it moves forward by UPDATE only).

TRUNCATE is not refused: Django's test runner empties every table with TRUNCATE between transactional tests, and
a trigger refusing it would break them. Grant the application's database role no TRUNCATE (nor ownership of these
tables, which would let it drop the triggers); `cme audit verify` also reports a chain emptied behind the head's back.

SQLite has no such triggers: it is the single-user, embedded default, and `cme audit verify` still detects tampering.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION cme_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TRIGGERS = {
    "audit_auditentry_append_only": ("audit_auditentry", "UPDATE OR DELETE"),
    "audit_auditdetail_no_update": ("audit_auditdetail", "UPDATE"),
    "audit_auditchainhead_no_delete": ("audit_auditchainhead", "DELETE"),
}


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # None: the function's '%' placeholders are RAISE's, not ours
    for name, (table, operations) in TRIGGERS.items():
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {operations} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION cme_audit_refuse_change()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, _) in TRIGGERS.items():
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS cme_audit_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
