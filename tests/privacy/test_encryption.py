"""Special-category fields are sealed at rest, open only with the keys in CME_FIELD_KEYS, and rotate to a new key."""

import base64
import io
import json
import re
import sys
from datetime import date

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.views.debug import ExceptionReporter

from cme.common import crypto
from cme.common.crypto import (
    EncryptedBooleanField,
    EncryptedCharField,
    EncryptedLookupError,
    FieldDecryptionError,
    FieldKeyError,
    column_binding,
    is_encrypted_field,
    key_census,
    keyring_from,
    seal,
    unseal,
)
from cme.people.models import Child
from cme.people.services import child_create, child_update

KEY_A = base64.urlsafe_b64encode(b"A" * 32).decode()
KEY_B = base64.urlsafe_b64encode(b"B" * 32).decode()
KEY_C = base64.urlsafe_b64encode(b"C" * 32).decode()
TOKEN = re.compile(r"^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$")
SEALED = ["ethnicity", "sen_provision", "looked_after", "child_protection_plan", "traveller", "service_child"]
SEALED += ["young_carer", "ehcp", "receives_benefits", "immigration_involvement", "police_probation_involvement"]


def _raw(child: Child, column: str) -> str:
    """What the database itself holds in `column` for `child`, read past the field."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM people_child WHERE id = %s", [child.pk])  # noqa: S608
        return cursor.fetchone()[0]


def _child(**details) -> Child:
    # Several rows alike on purpose (these tests are about sealing, not about who is who): past the duplicate check.
    return child_create(
        actor=None,
        given_name="Amira",
        family_name="Haddad",
        date_of_birth=date(2015, 9, 2),
        confirmed_new=True,
        reason="Test rows",
        **details,
    )


# ---------------------------------------------------------------------------------------------------------------
# Sealing and opening, without a database


def test_a_sealed_value_is_a_versioned_token_naming_its_key_and_opens_to_the_value():
    token = seal("WBRI", bound_to="people_child.ethnicity")
    assert TOKEN.match(token)
    assert token.split(":")[1] == crypto.keyring().newest.key_id
    assert unseal(token, bound_to="people_child.ethnicity") == "WBRI"


def test_the_same_value_seals_differently_every_time_and_all_short_values_look_alike():
    tokens = [seal(value, bound_to="people_child.ethnicity") for value in ("WBRI", "WBRI", "", "E")]
    assert len(set(tokens)) == 4  # a fresh nonce each time: equal values are not visible as equal
    assert len({len(token) for token in tokens}) == 1  # padded: blank, "E" and "WBRI" are the same length


def test_a_token_moved_to_another_column_does_not_open():
    token = seal("1", bound_to=column_binding("people_child", "looked_after"))
    with pytest.raises(FieldDecryptionError, match="does not authenticate") as raised:
        unseal(token, bound_to=column_binding("people_child", "child_protection_plan"))
    assert token not in str(raised.value)


def test_a_tampered_token_does_not_open():
    token = seal("K", bound_to="people_child.sen_provision")
    body = token[crypto.TOKEN_PREFIX_LENGTH :]
    flipped = token[: crypto.TOKEN_PREFIX_LENGTH] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(FieldDecryptionError, match="does not authenticate"):
        unseal(flipped, bound_to="people_child.sen_provision")


def test_the_key_id_names_a_key_without_revealing_it():
    keys = keyring_from([KEY_B, KEY_A])
    assert keys.key_ids == [crypto.key_id_of(b"B" * 32), crypto.key_id_of(b"A" * 32)]
    assert all(len(key_id) == 8 and key_id not in KEY_A + KEY_B for key_id in keys.key_ids)


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ([], "empty"),
        (["not-a-key"], "entry 1 is not a base64-encoded 32-byte key"),
        ([KEY_A, base64.urlsafe_b64encode(b"short").decode()], "entry 2 is not"),
        ([KEY_A, KEY_A], "entry 2 repeats an earlier key"),
    ],
)
def test_malformed_keys_are_refused_by_position_never_quoting_them(keys, message):
    with pytest.raises(FieldKeyError, match=message) as raised:
        keyring_from(keys)
    assert all(key not in str(raised.value) for key in keys)


def test_the_system_check_refuses_malformed_keys(settings):
    settings.CME_FIELD_KEYS = ["not-a-key"]
    [error] = crypto.field_keys_check()
    assert error.id == "cme.E101" and "not-a-key" not in error.msg


def test_generated_keys_are_accepted_and_different():
    first, second = crypto.generate_key(), crypto.generate_key()
    assert first != second
    assert len(keyring_from([first, second]).key_ids) == 2


# ---------------------------------------------------------------------------------------------------------------
# The model fields


def test_encrypted_fields_are_recognisable_for_the_catalogue_and_masking():
    assert all(is_encrypted_field(Child._meta.get_field(name)) for name in SEALED)
    assert not is_encrypted_field(Child._meta.get_field("given_name"))
    assert not is_encrypted_field(Child._meta.get_field("first_language"))
    assert [field.name for field in crypto.encrypted_fields(Child)] == SEALED


def test_fields_deconstruct_for_migrations():
    field = EncryptedCharField(max_length=4, blank=True, bound_to="people_child.old_name")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "cme.common.crypto.EncryptedCharField"
    assert kwargs == {"max_length": 4, "blank": True, "bound_to": "people_child.old_name"}
    assert EncryptedBooleanField(default=False).deconstruct()[3] == {"default": False}


@isolate_apps("cme.people")
def test_an_encrypted_field_cannot_be_declared_unique_or_indexed():
    class Pupil(models.Model):  # noqa: DJ008 - never shown
        reference = EncryptedCharField(max_length=10, unique=True)
        code = EncryptedCharField(max_length=4, db_index=True)
        flag = EncryptedBooleanField(default=False)

        class Meta:
            app_label = "people"

    assert [error.id for error in Pupil.check()] == ["cme.E102", "cme.E102"]


@pytest.mark.django_db
def test_the_database_holds_tokens_and_python_sees_the_values():
    child = _child(ethnicity="BAFR", sen_provision="E", looked_after=True, ehcp=True)

    assert all(TOKEN.match(_raw(child, name)) for name in SEALED)
    child = Child.objects.get(pk=child.pk)
    assert (child.ethnicity, child.sen_provision, child.looked_after, child.ehcp) == ("BAFR", "E", True, True)
    assert (child.child_protection_plan, child.traveller) == (False, False)
    assert child.get_ethnicity_display() == "Black African"


@pytest.mark.django_db
def test_every_row_looks_the_same_whatever_it_records():
    recorded = _child(ethnicity="WBRI", sen_provision="E", looked_after=True, ehcp=True)
    blank = _child()
    assert {len(_raw(recorded, name)) for name in SEALED} == {len(_raw(blank, name)) for name in SEALED}


@pytest.mark.django_db
def test_no_plain_value_reaches_the_database_or_its_query_log():
    with CaptureQueriesContext(connection) as queries:
        child = _child(ethnicity="CHNE", sen_provision="K")
        child_update(actor=None, child=child, expected_version=child.version, reason="Correction", ethnicity="APKN")
    logged = " ".join(query["sql"] for query in queries.captured_queries)
    assert "CHNE" not in logged and "APKN" not in logged
    assert child.ethnicity == "APKN"


@pytest.mark.django_db
def test_bulk_create_update_values_list_and_bulk_update_seal_and_open(child_factory):
    children = Child.objects.bulk_create(
        [Child(given_name=f"Child {n}", family_name="Osei", date_of_birth=date(2014, 1, 1)) for n in range(3)]
    )
    Child.objects.bulk_create([Child(given_name="Bo", family_name="Li", date_of_birth=date(2014, 1, 1))])
    Child.objects.filter(pk=children[0].pk).update(ethnicity="MWAS", young_carer=True)
    children[1].sen_provision, children[1].traveller = "K", True
    Child.objects.bulk_update([children[1]], ["sen_provision", "traveller"])

    rows = dict(Child.objects.values_list("pk", "ethnicity"))
    assert rows[children[0].pk] == "MWAS"
    assert Child.objects.get(pk=children[0].pk).young_carer is True
    assert Child.objects.values("sen_provision", "traveller").get(pk=children[1].pk) == {
        "sen_provision": "K",
        "traveller": True,
    }
    assert TOKEN.match(_raw(children[0], "ethnicity"))


@pytest.mark.django_db
def test_serialising_gives_the_values_and_loading_seals_them_again():
    child = _child(ethnicity="WROM", traveller=True)
    data = serializers.serialize("json", Child.objects.filter(pk=child.pk))
    fields = json.loads(data)[0]["fields"]
    assert fields["ethnicity"] == "WROM" and fields["traveller"] is True

    Child.objects.filter(pk=child.pk).delete()
    for loaded in serializers.deserialize("json", data):
        loaded.save()
    assert Child.objects.get(pk=child.pk).ethnicity == "WROM"
    assert TOKEN.match(_raw(child, "ethnicity"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        lambda: Child.objects.filter(ethnicity="WBRI"),
        lambda: Child.objects.exclude(looked_after=True),
        lambda: Child.objects.filter(sen_provision__in=["E", "K"]),
        lambda: Child.objects.filter(ethnicity__lower="wbri"),
        lambda: Child.objects.filter(ethnicity__lower__exact="wbri"),
    ],
)
def test_filtering_by_an_encrypted_value_is_refused_with_a_clear_error(query):
    with pytest.raises(EncryptedLookupError, match=r"people\.Child\.\w+ is encrypted at rest.*__isnull"):
        list(query())


@pytest.mark.django_db
def test_isnull_still_works():
    _child(ethnicity="WBRI")
    assert Child.objects.filter(ethnicity__isnull=False).count() == 1
    assert not Child.objects.filter(ehcp__isnull=True).exists()


@pytest.mark.django_db
def test_a_validation_error_on_an_encrypted_field_does_not_quote_the_value():
    with pytest.raises(ValidationError) as raised:
        _child(ethnicity="ZQXW", sen_provision="Q")
    errors = raised.value.message_dict
    assert set(errors) == {"ethnicity", "sen_provision"}
    assert "ZQXW" not in str(raised.value) and "'Q'" not in str(raised.value)
    assert errors["ethnicity"] == ["Select one of the options given"]
    assert all(error.params is None for errors in raised.value.error_dict.values() for error in errors)
    assert raised.value.__cause__ is None and raised.value.__context__ is None


def test_a_validation_error_on_an_encrypted_flag_does_not_quote_the_value():
    with pytest.raises(ValidationError) as raised:
        Child._meta.get_field("ehcp").clean("perhaps-yes", None)
    assert "perhaps-yes" not in str(raised.value.messages)
    assert raised.value.__context__ is None


def test_a_too_long_value_is_refused_with_its_length_not_its_text():
    with pytest.raises(ValidationError) as raised:
        Child._meta.get_field("ethnicity").clean("WBRIX", None)
    assert "WBRIX" not in " ".join(raised.value.messages)


@pytest.mark.django_db
def test_a_value_that_cannot_be_opened_names_the_field_and_key_but_not_the_value(settings):
    settings.CME_FIELD_KEYS = [KEY_C]
    child = _child(ethnicity="AIND")
    key_c = crypto.keyring().newest.key_id
    settings.CME_FIELD_KEYS = [KEY_A]

    with pytest.raises(FieldDecryptionError) as raised:
        Child.objects.get(pk=child.pk)
    message = str(raised.value)
    assert "people.Child." in message and key_c in message and "CME_FIELD_KEYS" in message
    assert "AIND" not in message and _raw(child, "ethnicity") not in message
    assert raised.value.__cause__ is None


@pytest.mark.django_db
def test_a_plain_value_left_in_the_column_is_reported_not_returned():
    child = _child(ethnicity="AIND")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE people_child SET ethnicity = %s WHERE id = %s", ["AIND", child.pk])
    with pytest.raises(FieldDecryptionError, match=r"people\.Child\.ethnicity: the stored value is not") as raised:
        Child.objects.get(pk=child.pk)
    assert "AIND" not in str(raised.value)


@pytest.mark.django_db
def test_error_reports_hide_the_variables_of_the_sealing_frames(settings):
    settings.DEBUG = False
    child = Child(given_name="Ola", family_name="Nowak", date_of_birth=date(2015, 1, 1), ethnicity="WROM")
    settings.CME_FIELD_KEYS = ["broken"]
    try:
        child.save()
    except FieldKeyError:
        frames = ExceptionReporter(None, *sys.exc_info()).get_traceback_frames()
    ours = [frame for frame in frames if frame["function"] in {"get_prep_value", "seal"}]
    assert ours
    assert all("WROM" not in str(value) for frame in ours for _name, value in frame["vars"])


# ---------------------------------------------------------------------------------------------------------------
# Rotation: `cme keys rotate`


def _children(count: int) -> list[Child]:
    ethnicities = ["WBRI", "BAFR", "APKN", "", "CHNE", "WROM", "NOBT"]
    return [
        _child(ethnicity=ethnicities[n % len(ethnicities)], looked_after=n % 2 == 0, sen_provision="EKN"[n % 3])
        for n in range(count)
    ]


def _under(key: str) -> int:
    key_id = keyring_from([key]).newest.key_id
    return sum(column.by_key.get(key_id, 0) for column in key_census())


def _rotate(*args: str) -> str:
    out = io.StringIO()
    call_command("keys", "rotate", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_rotation_re_seals_everything_so_the_old_key_can_go(settings):
    settings.CME_FIELD_KEYS = [KEY_A]
    children = _children(5)
    before = {child.pk: (child.ethnicity, child.looked_after, child.sen_provision) for child in children}
    settings.CME_FIELD_KEYS = [KEY_B, KEY_A]

    output = _rotate("--batch-size", "2")

    assert "Re-sealed 55 values in 5 rows" in output
    assert output.count("people.Child: ") == 3  # batches of 2, 2 and 1
    assert "can be removed from CME_FIELD_KEYS" in output
    settings.CME_FIELD_KEYS = [KEY_B]
    after = {c.pk: (c.ethnicity, c.looked_after, c.sen_provision) for c in Child.objects.all()}
    assert after == before
    assert _under(KEY_B) == 55


@pytest.mark.django_db
def test_check_counts_the_values_under_each_key(settings):
    settings.CME_FIELD_KEYS = [KEY_A]
    _children(2)
    settings.CME_FIELD_KEYS = [KEY_B, KEY_A]
    key_a, key_b = keyring_from([KEY_A, KEY_B]).key_ids

    output = _rotate("--check")

    assert f"people.Child.ethnicity: 2 under {key_a}" in output
    assert f"{key_b} (newest: seals new values): 0" in output and f"{key_a}: 22" in output
    assert "22 values are under older keys: run `cme keys rotate`." in output
    assert _under(KEY_A) == 22  # the check changes nothing


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_rotation_keeps_its_finished_batches_and_a_second_run_completes(settings, monkeypatch):
    settings.CME_FIELD_KEYS = [KEY_A]
    _children(5)
    settings.CME_FIELD_KEYS = [KEY_B, KEY_A]
    real_seal, calls = crypto.seal, []

    def seal_then_fail_in_the_second_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 22 + 5:  # the first batch (2 rows x 11 values) done, part way through the second
            raise RuntimeError("the server was switched off")
        return real_seal(*args, **kwargs)

    monkeypatch.setattr(crypto, "seal", seal_then_fail_in_the_second_batch)
    with pytest.raises(RuntimeError):
        _rotate("--batch-size", "2")
    assert (_under(KEY_B), _under(KEY_A)) == (22, 33)  # the first batch committed; the second rolled back

    monkeypatch.setattr(crypto, "seal", real_seal)
    output = _rotate("--batch-size", "2")

    assert "Re-sealed 33 values in 3 rows" in output  # resumed: the first batch's rows are not read again
    assert (_under(KEY_B), _under(KEY_A)) == (55, 0)


@pytest.mark.django_db
def test_rotation_stops_at_a_value_it_cannot_open_naming_the_row_but_not_the_value(settings):
    settings.CME_FIELD_KEYS = [KEY_C]
    lost = _child(ethnicity="ABAN")
    settings.CME_FIELD_KEYS = [KEY_A]
    _children(1)
    settings.CME_FIELD_KEYS = [KEY_B, KEY_A]
    key_c = keyring_from([KEY_C]).newest.key_id

    with pytest.raises(CommandError) as raised:
        _rotate()

    message = str(raised.value)
    assert f"people.Child.ethnicity (row id={lost.pk})" in message and key_c in message
    assert "ABAN" not in message and "run `cme keys rotate` again" in message


@pytest.mark.django_db
def test_check_fails_when_a_value_is_under_a_key_no_longer_held(settings):
    settings.CME_FIELD_KEYS = [KEY_C]
    _child(ethnicity="ABAN")
    settings.CME_FIELD_KEYS = [KEY_A]
    key_c = keyring_from([KEY_C]).newest.key_id

    out = io.StringIO()
    with pytest.raises(CommandError, match="11 values cannot be read") as raised:
        call_command("keys", "rotate", "--check", stdout=out)
    assert raised.value.returncode == 1
    assert f"{key_c} (not in CME_FIELD_KEYS): 11, cannot be read" in out.getvalue()


def test_generate_prints_only_a_new_key_and_says_where_it_goes():
    out, err = io.StringIO(), io.StringIO()
    call_command("keys", "generate", stdout=out, stderr=err)
    assert keyring_from([out.getvalue().strip()]).newest
    assert "first in CME_FIELD_KEYS" in err.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# The migration that sealed the existing rows

BEFORE = [("people", "0004_remove_columns_moved_to_tables")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_existing_rows_and_reversing_it_opens_them_again():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        details = {"ethnicity": "MWBA", "sen_provision": "K", "looked_after": True, "ehcp": True}
        plain = old.get_model("people", "Child").objects.create(
            given_name="Kofi", family_name="Mensah", date_of_birth=date(2014, 6, 1), **details
        )
        blank = old.get_model("people", "Child").objects.create(
            given_name="Ewa", family_name="Nowak", date_of_birth=date(2014, 6, 1)
        )

        _migrate(leaves)
        child = Child.objects.get(pk=plain.pk)
        assert {name: getattr(child, name) for name in details} == details
        assert (child.traveller, child.young_carer) == (False, False)
        assert Child.objects.get(pk=blank.pk).ethnicity == ""
        assert all(TOKEN.match(_raw(child, name)) for name in SEALED)

        back = _migrate(BEFORE).loader.project_state(BEFORE).apps
        reopened = back.get_model("people", "Child").objects.get(pk=plain.pk)
        assert {name: getattr(reopened, name) for name in details} == details
        assert _raw(child, "ethnicity") == "MWBA"
    finally:
        _migrate(leaves)


@pytest.mark.django_db
def test_rotation_keeps_a_value_the_application_changed_while_it_ran(settings, monkeypatch):
    settings.CME_FIELD_KEYS = [KEY_A]
    child = _child(ethnicity="WBRI")
    settings.CME_FIELD_KEYS = [KEY_B, KEY_A]
    real_reseal = crypto._reseal

    def an_officer_edits_the_child_meanwhile(field, token, **kwargs):
        if field.name == "ethnicity":
            Child.objects.filter(pk=child.pk).update(ethnicity="CHNE")
        return real_reseal(field, token, **kwargs)

    monkeypatch.setattr(crypto, "_reseal", an_officer_edits_the_child_meanwhile)
    _rotate()

    assert Child.objects.get(pk=child.pk).ethnicity == "CHNE"
    assert _under(KEY_B) == 11
