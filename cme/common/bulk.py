"""Writing many new rows of one model quickly: one INSERT statement run once per row (`executemany`).

Django's `bulk_create` builds one multi-row INSERT per batch and compiles every value of every row through the SQL
compiler, which for 20,000 returns of about 50 columns each took most of a large file's import. `insert_many` sets
`auto_now` timestamps as `bulk_create` would, prepares only the values that need it (dates, JSON, decimals) and
leaves the database driver to bind the rest. It does not read primary keys back: select them afterwards by a unique
column when they are needed. It runs no signals and no `save()`, exactly like `bulk_create`.
"""

from collections.abc import Sequence

from django.db import connections, models, router

# Field classes whose Python value the database drivers bind as it is (no preparation needed).
_PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)


def insert_many(model: type[models.Model], objs: Sequence[models.Model], *, batch_size: int = 5000) -> int:
    """Insert `objs` (new, unsaved instances of `model`) and return how many were written."""
    if not objs:
        return 0
    connection = connections[router.db_for_write(model)]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
    auto = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    plain = [isinstance(field, _PLAIN) for field in fields]
    names = [field.attname for field in fields]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            params = []
            for obj in objs[start : start + batch_size]:
                for field in auto:
                    field.pre_save(obj, add=True)
                params.append(
                    [
                        getattr(obj, name) if is_plain else field.get_db_prep_save(getattr(obj, name), connection)
                        for name, is_plain, field in zip(names, plain, fields, strict=True)
                    ]
                )
            cursor.executemany(sql, params)
            written += len(params)
    return written
