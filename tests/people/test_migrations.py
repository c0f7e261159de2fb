"""The data migration moves former UPNs, former names and carers' phones and emails into their tables."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cme.people.names import forename_key

BEFORE = [("people", "0002_names_contacts_former_upns_and_versions")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_records_keep_their_former_details_and_contacts_and_get_search_keys():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        child = old.get_model("people", "Child").objects.create(
            given_name="Billy",
            family_name="Nowak",
            date_of_birth=date(2015, 4, 1),
            upn="R938201512345",
            former_upn="M80120000500A",
            former_family_name="Kowalski",
        )
        carer = old.get_model("people", "Carer").objects.create(
            given_name="Anna", family_name="Nowak", phone_mobile="+447700900123", email="anna@example.org"
        )

        new = _migrate(leaves).loader.project_state(leaves).apps
    finally:
        _migrate(leaves)

    child = new.get_model("people", "Child").objects.get(pk=child.pk)
    assert child.given_name_key == forename_key("Billy") and child.family_name_key
    assert list(child.former_upns.values_list("upn", flat=True)) == ["M80120000500A"]
    assert list(child.other_names.values_list("kind", "family_name")) == [("former", "Kowalski")]
    assert child.other_names.get().family_name_key
    contacts = new.get_model("people", "ContactPoint").objects.filter(carer_id=carer.pk)
    assert set(contacts.values_list("kind", "label", "value")) == {
        ("phone", "mobile", "+447700900123"),
        ("email", "", "anna@example.org"),
    }
