"""Field encryption at rest for special-category and criminal-offence data (UK GDPR Art. 9 and 10).

Values are sealed with AES-256-GCM (authenticated encryption from `cryptography`) under keys from the
`CME_FIELD_KEYS` setting, newest first. Each stored value is a self-describing token::

    v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag), unpadded>

- `v1` is the format: a later format gets a new prefix, and both are read while old tokens remain.
- The key id is the first 8 hex digits of SHA-256 over a fixed label and the key: a fingerprint that names the key
  without revealing it, so `cme keys rotate` can tell which key sealed a value without trying to open it.
- The nonce is 96 random bits, fresh for every value. NIST SP 800-38D allows 2**32 such sealings per key; the
  service seals a few hundred thousand values between rotations.
- The plaintext is padded (ISO/IEC 7816-4) to a multiple of 16 bytes, so a blank, "E" and "WBRI" all give tokens
  of the same length: the column does not reveal whether a child has an ethnicity or SEN code recorded. Booleans
  and blanks are sealed like any other value, so every row looks the same. Only SQL NULL (a field declared
  `null=True`) is stored as NULL, which keeps `__isnull` meaningful: do not make a sensitive field nullable if its
  being unset would itself be telling.
- The associated data binds each token to its table and column (`people_child.ethnicity`). A token copied into
  another column (e.g. a `looked_after` token into `child_protection_plan`, or into another table) fails
  authentication. It is not bound to its row: the row id is not known before an INSERT (bulk_create of new rows),
  so someone able to write to the database could copy one child's `looked_after` token onto another child's row.
  Stopping that would need the primary key in the associated data, which means ids allocated before insert
  (UUIDs or reserved sequence values) and a re-seal whenever rows are copied; the audit trail and database
  permissions are the defence against an insider who can already write rows.
  Renaming the table or column changes the binding: give the field `bound_to="<old table>.<old column>"`, or
  re-seal in the migration, or the values will not open.

The model fields (`EncryptedCharField`, `EncryptedTextField`, `EncryptedBooleanField`) seal in `get_prep_value` and
open in `from_db_value`, so `save`, `bulk_create`, `update()`, `bulk_update`, `values_list` and serialisation all
see the plain value in Python and the token in the database. The database cannot compare tokens, so filtering on
these fields by value (`filter(ethnicity="WBRI")`, `exclude`, `__in`, transforms) raises `EncryptedLookupError`;
only `__isnull` works. Ordering, grouping or DISTINCT on them runs but orders tokens, which means nothing: filter
and count in Python after reading.
"""

import base64
import binascii
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps as django_apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.signals import setting_changed
from django.db import connections, models, router, transaction
from django.dispatch import receiver
from django.views.decorators.debug import sensitive_variables

TOKEN_VERSION = "v1"  # noqa: S105 - the token format's name, not a secret
KEY_ID_LENGTH = 8
# "v1:" + key id + ":": the part of a token that says how it was sealed, and nothing about what it holds.
TOKEN_PREFIX_LENGTH = len(TOKEN_VERSION) + 1 + KEY_ID_LENGTH + 1
_VERSION_PREFIX = TOKEN_VERSION + ":"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12  # 96 bits, the size GCM is defined for
PAD_BLOCK = 16
_KEY_ID_LABEL = b"cme field key id\x00"
_AAD_LABEL = b"cme field\x00"

# Error texts never carry the value, only where it is: they end up in logs, error reports and API responses.
NOT_A_TOKEN_ERROR = "{where}: the stored value is not an encrypted token (was the encryption migration run?)"  # noqa: S105
UNKNOWN_KEY_ERROR = (
    "{where}: sealed with key {key_id}, which CME_FIELD_KEYS does not hold. Put that key back in CME_FIELD_KEYS "
    "(after the newest) to read it."
)
TAMPERED_ERROR = (
    "{where}: the encrypted value does not authenticate under key {key_id}: it was altered, copied from another "
    "column, or sealed with a different key that has the same id."
)
LOOKUP_ERROR = (
    "{field} is encrypted at rest, so the database cannot compare its values: filtering, excluding or transforming "
    "by it (`{lookup}`) is not possible. Only `{name}__isnull` works; read the rows and test the value in Python."
)
# Django's own messages for these codes quote the value ('Value 'WBRI' is not a valid choice.'); these do not.
SAFE_ERROR_MESSAGES = {
    "invalid_choice": "Select one of the options given",
    "invalid": "Enter a valid value",
    "invalid_nullable": "Enter a valid value",
}


class FieldKeyError(ImproperlyConfigured):
    """CME_FIELD_KEYS is missing, malformed, or lists a key twice. The message never contains a key."""


class FieldDecryptionError(Exception):
    """A stored value cannot be opened. The message names the column (and the row when known), never the value."""


class EncryptedLookupError(FieldError):
    """A query tried to filter on an encrypted field by value, which the database cannot do."""


# ---------------------------------------------------------------------------------------------------------------
# Keys


@dataclass(frozen=True, slots=True)
class FieldKey:
    key_id: str
    aead: AESGCM


@dataclass(frozen=True, slots=True)
class Keyring:
    """The field keys in force: `newest` seals, any of `by_id` opens."""

    newest: FieldKey
    by_id: dict[str, FieldKey]

    @property
    def key_ids(self) -> list[str]:
        """Key ids in CME_FIELD_KEYS order, newest first."""
        return list(self.by_id)


def generate_key() -> str:
    """A new random 256-bit field key, base64url-encoded as CME_FIELD_KEYS expects."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id_of(raw_key: bytes) -> str:
    """The short fingerprint that names a key in tokens. One-way: it does not help anyone recover the key."""
    return hashlib.sha256(_KEY_ID_LABEL + raw_key).hexdigest()[:KEY_ID_LENGTH]


@sensitive_variables()
def _decode_key(encoded: str, position: int) -> bytes:
    text = encoded.strip().replace("+", "-").replace("/", "_")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        valid = base64.urlsafe_b64encode(raw).rstrip(b"=") == text.rstrip("=").encode("ascii")
    except (ValueError, UnicodeEncodeError):
        valid = False
    if not valid or len(raw) != KEY_BYTES:
        raise FieldKeyError(
            f"CME_FIELD_KEYS entry {position + 1} is not a base64-encoded {KEY_BYTES}-byte key "
            "(make one with `cme keys generate`)."
        )
    return raw


@sensitive_variables()
def keyring_from(encoded_keys: list[str] | tuple[str, ...]) -> Keyring:
    """Build a keyring from base64url keys, newest first. Raises FieldKeyError, naming positions, never keys."""
    if not encoded_keys:
        raise FieldKeyError("CME_FIELD_KEYS is empty: special-category data cannot be sealed.")
    by_id: dict[str, FieldKey] = {}
    for position, encoded in enumerate(encoded_keys):
        raw = _decode_key(encoded, position)
        key_id = key_id_of(raw)
        if key_id in by_id:
            raise FieldKeyError(f"CME_FIELD_KEYS entry {position + 1} repeats an earlier key (key id {key_id}).")
        by_id[key_id] = FieldKey(key_id=key_id, aead=AESGCM(raw))
    return Keyring(newest=next(iter(by_id.values())), by_id=by_id)


_cached: Keyring | None = None


def keyring() -> Keyring:
    """The keyring for the current CME_FIELD_KEYS, built on first use and again whenever the setting is changed."""
    global _cached
    if _cached is None:
        _cached = keyring_from(list(settings.CME_FIELD_KEYS))
    return _cached


@receiver(setting_changed)
def _keyring_forget(*, setting: str, **kwargs) -> None:
    """override_settings (and so tests, and `cme keys rotate` in them) changing the keys takes effect at once."""
    global _cached
    if setting == "CME_FIELD_KEYS":
        _cached = None


# ---------------------------------------------------------------------------------------------------------------
# Sealing and opening


def column_binding(table: str, column: str) -> str:
    """The name a token is bound to (its associated data): `<table>.<column>`."""
    return f"{table}.{column}"


_aad_cache: dict[str, bytes] = {}


def _aad(bound_to: str) -> bytes:
    aad = _aad_cache.get(bound_to)
    if aad is None:
        aad = _aad_cache[bound_to] = _AAD_LABEL + bound_to.encode("utf-8")
    return aad


def token_key_id(token: str) -> str | None:
    """The id of the key that sealed `token`, or None if `token` is not a token this module wrote."""
    if not token.startswith(_VERSION_PREFIX) or token[TOKEN_PREFIX_LENGTH - 1 : TOKEN_PREFIX_LENGTH] != ":":
        return None
    return token[len(_VERSION_PREFIX) : TOKEN_PREFIX_LENGTH - 1]


def token_prefix(key_id: str) -> str:
    """The start every token sealed with `key_id` shares (`v1:<key id>:`)."""
    return f"{TOKEN_VERSION}:{key_id}:"


@sensitive_variables()
def seal(plaintext: str, *, bound_to: str, keys: Keyring | None = None) -> str:
    """Encrypt `plaintext` under the newest key, bound to `bound_to` (see column_binding); returns a token."""
    key = (keys or keyring()).newest
    data = plaintext.encode("utf-8") + b"\x80"
    data += b"\x00" * (-len(data) % PAD_BLOCK)
    nonce = os.urandom(NONCE_BYTES)
    sealed = nonce + key.aead.encrypt(nonce, data, _aad(bound_to))
    return token_prefix(key.key_id) + base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


# Not wrapped in sensitive_variables, unlike `seal`: this runs for every encrypted column of every row read, and its
# locals hold the plain text only once the tag has authenticated, after which nothing in it can fail.
def unseal(token: str, *, bound_to: str, keys: Keyring | None = None, where: str | None = None) -> str:
    """Decrypt a token made by `seal` for the same `bound_to`. Raises FieldDecryptionError naming `where`
    (default: the binding), never the value."""
    key_id = token_key_id(token)
    if key_id is None:
        raise FieldDecryptionError(NOT_A_TOKEN_ERROR.format(where=where or bound_to))
    key = (keys or keyring()).by_id.get(key_id)
    if key is None:
        raise FieldDecryptionError(UNKNOWN_KEY_ERROR.format(where=where or bound_to, key_id=key_id))
    body = token[TOKEN_PREFIX_LENGTH:]
    try:
        # binascii rather than base64.urlsafe_b64decode: this runs once per encrypted column per row read.
        standard = body.replace("-", "+").replace("_", "/")  # str.translate is thirty times slower
        sealed = binascii.a2b_base64(standard + "=" * (-len(body) % 4), strict_mode=True)
        data = key.aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _aad(bound_to))
    except (InvalidTag, ValueError, binascii.Error):
        # Raised afresh, without the cause: nothing of the token or the cipher's state goes into the report.
        raise FieldDecryptionError(TAMPERED_ERROR.format(where=where or bound_to, key_id=key_id)) from None
    data = data.rstrip(b"\x00")
    if not data.endswith(b"\x80"):
        raise FieldDecryptionError(TAMPERED_ERROR.format(where=where or bound_to, key_id=key_id))
    return data[:-1].decode("utf-8")


# ---------------------------------------------------------------------------------------------------------------
# Model fields


class EncryptedFieldMixin:
    """Seals the value on its way to the database and opens it on the way back; see the module docstring.

    Mixed in front of a Django field class, which keeps its Python behaviour (choices, max_length, to_python,
    form field); the column is always `text` and holds the token. `bound_to` overrides the table.column binding,
    to keep values readable after renaming the column or table.
    """

    def __init__(self, *args, bound_to: str | None = None, **kwargs):
        self.bound_to = bound_to
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, **SAFE_ERROR_MESSAGES}

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.bound_to:
            kwargs["bound_to"] = self.bound_to
        return name, path, args, kwargs

    def check(self, **kwargs) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if self.unique or self.db_index:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: every token differs, even for "
                    "equal values, so the database could neither enforce nor use it.",
                    obj=self,
                    id="cme.E102",
                )
            )
        return errors

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Worked out once: from_db_value runs for every encrypted column of every row read.
        self.binding = self.bound_to or column_binding(cls._meta.db_table, self.column)
        self.where = f"{cls._meta.label}.{self.name}"

    # How a Python value becomes the text that is sealed, and back; subclasses with non-text values override these.
    def value_to_plaintext(self, value) -> str:
        return str(value)

    def plaintext_to_value(self, text: str):
        return self.to_python(text)

    @sensitive_variables()
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        return seal(self.value_to_plaintext(value), bound_to=self.binding)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return self.plaintext_to_value(unseal(value, bound_to=self.binding, where=self.where))

    @sensitive_variables()
    def clean(self, value, model_instance):
        """As the base field's, but a ValidationError carries no copy of the value (Django's params hold it)."""
        try:
            return super().clean(value, model_instance)
        except ValidationError as error:
            # Each message formatted now (validators' params are limits and lengths) and the params dropped.
            messages = [ValidationError(message, code=e.code) for e in error.error_list for message in e]
        # Raised outside the handler, so the original error (params and all) is not even its __context__.
        raise ValidationError(messages)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise EncryptedLookupError(LOOKUP_ERROR.format(field=self.where, name=self.name, lookup=lookup_name))
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        raise EncryptedLookupError(LOOKUP_ERROR.format(field=self.where, name=self.name, lookup=lookup_name))


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A short text value (a code with `choices`, a reference), sealed at rest. `max_length` limits the plain text;
    the column is `text` whatever it is."""


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Free text sealed at rest. Its length shows in the token, rounded up to 16 bytes."""


class EncryptedBooleanField(EncryptedFieldMixin, models.BooleanField):
    """A yes/no fact (looked after, on a child protection plan …) sealed at rest: True and False look alike."""

    def value_to_plaintext(self, value) -> str:
        return "1" if value else "0"

    def plaintext_to_value(self, text: str) -> bool:
        return text == "1"


def is_encrypted_field(model_field) -> bool:
    """Whether a model field is sealed at rest (for the catalogue, masking and `cme keys rotate`)."""
    return isinstance(model_field, EncryptedFieldMixin)


def encrypted_fields(model) -> list[models.Field]:
    """The encrypted fields stored in `model`'s own table (inherited ones belong to the parent's table)."""
    return [field for field in model._meta.local_concrete_fields if is_encrypted_field(field)]


def encrypted_field_names(model, *, via: str = "") -> tuple[str, ...]:
    """Names of `model`'s encrypted fields, for `QuerySet.defer()`: a list page that shows none of them should not
    pay for decrypting them (a case list of 25 children is 200 decryptions otherwise). `via` prefixes a relation
    path, e.g. `encrypted_field_names(Child, via="child")` gives "child__ethnicity", ..."""
    prefix = f"{via}__" if via else ""
    return tuple(prefix + field.name for field in encrypted_fields(model))


@checks.register(checks.Tags.security)
def field_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Refuse to start on malformed CME_FIELD_KEYS, before anything tries to seal a value with them."""
    try:
        keyring_from(list(getattr(settings, "CME_FIELD_KEYS", [])))
    except FieldKeyError as error:
        return [checks.Error(str(error), id="cme.E101")]
    return []


# ---------------------------------------------------------------------------------------------------------------
# Rotation: which key seals what, and re-sealing under the newest key (`cme keys rotate`)


def encrypted_models() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Every installed model whose own table has encrypted columns, with those fields (found, not listed by hand)."""
    found = []
    for model in django_apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        if fields := encrypted_fields(model):
            found.append((model, fields))
    return found


@dataclass(frozen=True, slots=True)
class ColumnCensus:
    """How many values of one encrypted column each key seals. `by_key[None]` counts values that are not tokens."""

    label: str
    by_key: dict[str | None, int]


def key_census() -> list[ColumnCensus]:
    """Count, for every encrypted column, the values sealed by each key id, in the database (nothing is decrypted)."""
    census = []
    for model, fields in encrypted_models():
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for field in fields:
                column = quote(field.column)
                # The prefix length is written into the SQL, not bound: with server-side binding PostgreSQL would
                # not see two placeholders as the same expression and would refuse the GROUP BY.
                prefix = f"SUBSTR({column}, 1, {TOKEN_PREFIX_LENGTH:d})"
                cursor.execute(
                    f"SELECT {prefix}, COUNT(*) FROM {quote(model._meta.db_table)} "  # noqa: S608 - quoted model metadata
                    f"WHERE {column} IS NOT NULL GROUP BY {prefix}"
                )
                by_key: dict[str | None, int] = {}
                for prefix, count in cursor.fetchall():
                    key_id = token_key_id(prefix)
                    by_key[key_id] = by_key.get(key_id, 0) + count
                census.append(ColumnCensus(label=f"{model._meta.label}.{field.name}", by_key=by_key))
    return census


@dataclass(frozen=True, slots=True)
class ResealedBatch:
    """One committed batch of `reseal_all`: rows of `model_label` up to `last_pk`, and what happened to them."""

    model_label: str
    last_pk: object
    rows: int
    resealed: int


def reseal_all(*, batch_size: int = 1000, keys: Keyring | None = None) -> Iterator[ResealedBatch]:
    """Re-seal under the newest key every encrypted value sealed with an older one, yielding each committed batch.

    Rows are read in primary-key order (keyset pagination), `batch_size` at a time, each batch in its own
    transaction, so an interruption loses at most the batch in hand. Resuming needs no saved state: values already
    under the newest key are skipped by their `v1:<key id>:` prefix in the query itself. Each write is conditional on
    the token being the one read, so a value the application changed meanwhile is left as it wrote it (under the
    newest key, if its CME_FIELD_KEYS is current: `key_census` afterwards shows whether anything is left over).

    Raises FieldDecryptionError naming the model, field and row, never the value, for a value that cannot be
    opened (a key missing from CME_FIELD_KEYS, a damaged token); batches before it stay committed.
    """
    keys = keys or keyring()
    current = token_prefix(keys.newest.key_id)
    for model, fields in encrypted_models():
        yield from _reseal_model(model, fields, current, batch_size, keys)


def _reseal_model(model, fields, current: str, batch_size: int, keys: Keyring) -> Iterator[ResealedBatch]:
    database = router.db_for_write(model)
    connection = connections[database]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    columns = [quote(field.column) for field in fields]
    stale = " OR ".join(f"({column} IS NOT NULL AND {column} NOT LIKE %s)" for column in columns)
    select = f"SELECT {pk}, {', '.join(columns)} FROM {table} WHERE ({stale}) {{after}} ORDER BY {pk} LIMIT %s"  # noqa: S608 - quoted model metadata
    # One UPDATE per row (one new row version, not one per column), each column replaced only if it still holds
    # the token that was read: a value the application wrote meanwhile is kept.
    assignments = ", ".join(f"{column} = CASE WHEN {column} = %s THEN %s ELSE {column} END" for column in columns)
    update = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 - quoted model metadata
    stale_params = [current + "%"] * len(columns)
    last = None
    while True:
        with transaction.atomic(using=database), connection.cursor() as cursor:
            if last is None:
                cursor.execute(select.format(after=""), [*stale_params, batch_size])
            else:
                cursor.execute(select.format(after=f"AND {pk} > %s"), [*stale_params, last, batch_size])
            rows = cursor.fetchall()
            if not rows:
                return
            resealed, params = 0, []
            for pk_value, *tokens in rows:
                row_params = []
                for field, token in zip(fields, tokens, strict=True):
                    if token is None or token.startswith(current):
                        row_params += [token, token]  # left as it is
                    else:
                        row_params += [token, _reseal(field, token, pk_value=pk_value, keys=keys)]
                        resealed += 1
                params.append([*row_params, pk_value])
            cursor.executemany(update, params)
            if last is not None:
                from .pause import pause_point

                pause_point("keys-rotate.second-batch")  # one batch committed, the next written but not
            last = rows[-1][0]
        yield ResealedBatch(model._meta.label, last, len(rows), resealed)


@sensitive_variables()
def _reseal(field, token: str, *, pk_value, keys: Keyring) -> str:
    where = f"{field.where} (row {field.model._meta.pk.name}={pk_value})"
    return seal(unseal(token, bound_to=field.binding, keys=keys, where=where), bound_to=field.binding, keys=keys)
