"""People services: identifiers stored clean, edits refused when someone else got there first, address history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.common.writes import VersionConflictError
from cme.people.enums import ContactKind, ContactLabel, PersonNameKind, RelationshipKind, Sex
from cme.people.errors import UpnTakenError
from cme.people.identifiers import NHS_NUMBER_CHECK_ERROR, PHONE_ERROR, POSTCODE_ERROR, UPN_CHECK_LETTER_ERROR
from cme.people.models import (
    EMAIL_ERROR,
    Address,
    Carer,
    CarerRelationship,
    Child,
    FormerUpn,
    Residence,
)
from cme.people.names import forename_key, surname_keys
from cme.people.services import (
    DATE_OF_BIRTH_IN_FUTURE_ERROR,
    address_record,
    carer_create,
    carer_link,
    carer_update,
    child_create,
    child_former_upn_add,
    child_update,
    contact_add,
    person_name_add,
)

pytestmark = pytest.mark.django_db

UPN = "B801200005001"
OTHER_UPN = "R938201512345"
NHS_NUMBER = "9434765919"
CONCURRENT_MESSAGE = (
    "Someone else changed this record while you were working on it. Check their changes, then try again."
)


def _errors(refusal: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return refusal.value.message_dict


def _new_child(officer, **details) -> Child:
    defaults = {"given_name": "Amira", "family_name": "Ali-Hassan", "date_of_birth": date(2015, 10, 2)}
    return child_create(actor=officer, **(defaults | details))


# -- child_create --------------------------------------------------------------------------------------------------


def test_a_new_childs_identifiers_are_stored_clean_and_their_names_get_search_keys(officer):
    child = _new_child(officer, upn="b801 2000 05001", nhs_number="943 476 5919", preferred_name=" Mira ")

    stored = Child.objects.get(pk=child.pk)
    assert (stored.upn, stored.nhs_number, stored.preferred_name) == (UPN, NHS_NUMBER, "Mira")
    assert stored.version == 1
    assert stored.given_name_key == forename_key("Amira")
    assert (stored.family_name_key, stored.family_name_part_key) == surname_keys("Ali-Hassan")
    assert stored.family_name_part_key  # a double-barrelled name has a key for each part


def test_a_new_child_with_a_wrong_upn_and_nhs_number_is_refused_naming_both_fields(officer):
    with pytest.raises(ValidationError) as refusal:
        _new_child(officer, upn="A801200005001", nhs_number="9434765918")

    assert _errors(refusal) == {"upn": [UPN_CHECK_LETTER_ERROR], "nhs_number": [NHS_NUMBER_CHECK_ERROR]}
    assert not Child.objects.exists()


def test_a_upn_can_belong_to_only_one_child_and_the_refusal_names_the_record_that_has_it(officer):
    amira = _new_child(officer, upn=UPN)

    with pytest.raises(UpnTakenError) as refusal:
        _new_child(officer, given_name="Other", upn="b801 2000 05001")

    [message] = _errors(refusal)["upn"]
    assert message.startswith(f"UPN {UPN} is already on the record of Amira Ali-Hassan, born 2 October 2015")
    assert f"child record {amira.pk}" in message
    assert refusal.value.as_data() == {"type": "people.child", "id": amira.pk}
    assert Child.objects.count() == 1


def test_changing_a_childs_upn_to_one_another_child_holds_is_refused_naming_them(officer):
    amira = _new_child(officer, upn=UPN)
    other = _new_child(officer, given_name="Zain", family_name="Malik", upn=OTHER_UPN)

    with pytest.raises(UpnTakenError) as refusal:
        child_update(actor=officer, child=other, expected_version=other.version, reason="School's letter", upn=UPN)

    assert refusal.value.record_id == amira.pk
    assert Child.objects.get(pk=other.pk).upn == OTHER_UPN
    # Saving a child's record with its own UPN is no conflict.
    child_update(actor=officer, child=amira, expected_version=amira.version, reason="Typo", upn=UPN, given_name="Amira")


def test_many_children_may_have_no_upn_yet(officer):
    _new_child(officer)
    # A twin: same family name and date of birth, so the duplicate check asks, and the officer says why.
    _new_child(officer, given_name="Sibling", confirmed_new=True, reason="Her twin sister")

    assert Child.objects.filter(upn="").count() == 2


def test_a_date_of_birth_in_the_future_is_refused(officer):
    with pytest.raises(ValidationError) as refusal:
        _new_child(officer, date_of_birth=timezone.localdate() + timedelta(days=1))

    assert _errors(refusal) == {"date_of_birth": [DATE_OF_BIRTH_IN_FUTURE_ERROR]}


# -- child_update and optimistic concurrency -----------------------------------------------------------------------


def test_updating_a_child_saves_the_change_moves_the_version_on_and_refreshes_search_keys(officer):
    child = _new_child(officer)

    updated = child_update(
        actor=officer, child=child, expected_version=1, reason="Correction", family_name="Smith", sex=Sex.FEMALE
    )

    stored = Child.objects.get(pk=child.pk)
    assert updated.version == stored.version == 2
    assert (stored.family_name, stored.sex) == ("Smith", Sex.FEMALE)
    assert (stored.family_name_key, stored.family_name_part_key) == surname_keys("Smith")


def test_an_edit_started_before_someone_elses_save_is_refused_and_changes_nothing(officer, manager):
    child = _new_child(officer)
    officers_copy = Child.objects.get(pk=child.pk)
    managers_copy = Child.objects.get(pk=child.pk)
    child_update(actor=manager, child=managers_copy, expected_version=1, reason="Correction", given_name="Amirah")

    with pytest.raises(VersionConflictError) as refusal:
        child_update(
            actor=officer, child=officers_copy, expected_version=1, reason="Correction", given_name="Mira", upn=UPN
        )

    assert str(refusal.value) == refusal.value.message == CONCURRENT_MESSAGE
    assert isinstance(refusal.value, ApplicationError)
    stored = Child.objects.get(pk=child.pk)
    assert (stored.given_name, stored.upn, stored.version) == ("Amirah", "", 2)
    assert not FormerUpn.objects.exists()


def test_an_edit_naming_the_current_version_succeeds_after_an_earlier_save(officer):
    child = _new_child(officer)
    child_update(actor=officer, child=child, expected_version=1, reason="Correction", given_name="Amirah")

    child_update(actor=officer, child=child, expected_version=2, reason="Correction", given_name="Amira")

    assert Child.objects.values_list("given_name", "version").get(pk=child.pk) == ("Amira", 3)


def test_a_replaced_upn_is_kept_as_a_former_upn(officer):
    child = _new_child(officer, upn=UPN)

    child_update(actor=officer, child=child, expected_version=1, reason="Correction", upn=OTHER_UPN)

    assert child.upn == OTHER_UPN
    assert list(child.former_upns.values_list("upn", flat=True)) == [UPN]


def test_an_update_with_a_bad_identifier_is_refused_and_changes_nothing(officer):
    child = _new_child(officer, upn=UPN)

    with pytest.raises(ValidationError) as refusal:
        child_update(
            actor=officer,
            child=child,
            expected_version=1,
            reason="Correction",
            family_name="Jones",
            upn="A801200005001",
        )

    assert _errors(refusal) == {"upn": [UPN_CHECK_LETTER_ERROR]}
    assert Child.objects.values_list("family_name", "upn", "version").get(pk=child.pk) == ("Ali-Hassan", UPN, 1)


def test_an_update_may_not_set_the_version_or_search_keys_directly(officer):
    child = _new_child(officer)

    with pytest.raises(TypeError, match="family_name_key, version"):
        child_update(
            actor=officer, child=child, expected_version=1, reason="Correction", version=7, family_name_key="X"
        )


def test_a_former_upn_is_recorded_once(officer):
    child = _new_child(officer)

    child_former_upn_add(actor=officer, child=child, upn="m8012 0000 500a")
    child_former_upn_add(actor=officer, child=child, upn="M80120000500A")

    assert list(child.former_upns.values_list("upn", flat=True)) == ["M80120000500A"]
    changes = AuditEntry.objects.filter(event=AuditEvent.CHILD_CHANGED, target_id=str(child.pk))
    assert changes.count() == 1  # the addition is on the child's audit trail, once


# -- Carers --------------------------------------------------------------------------------------------------------


def test_a_carer_is_recorded_with_search_keys_and_updated_at_a_version(officer):
    carer = carer_create(actor=officer, given_name="Billy", family_name="Smyth", title="Mr", sex=Sex.MALE)
    assert (carer.version, carer.given_name_key) == (1, forename_key("Billy"))

    carer_update(
        actor=officer,
        carer=carer,
        expected_version=1,
        reason="Correction",
        family_name="Smith",
        marital_status="married",
    )

    assert Carer.objects.values_list("family_name", "marital_status", "version").get(pk=carer.pk) == (
        "Smith",
        "married",
        2,
    )


def test_a_carer_edit_after_someone_elses_save_is_refused(officer, manager):
    carer = carer_create(actor=officer, given_name="Dana", family_name="Okafor")
    carer_update(actor=manager, carer=carer, expected_version=1, reason="Correction", title="Ms")

    with pytest.raises(VersionConflictError):
        carer_update(actor=officer, carer=carer, expected_version=1, reason="Correction", title="Dr")

    assert Carer.objects.values_list("title", "version").get(pk=carer.pk) == ("Ms", 2)


def test_linking_a_carer_twice_updates_the_one_relationship(officer, child_factory, carer_factory):
    child, carer = child_factory(), carer_factory()

    carer_link(
        actor=officer,
        carer=carer,
        child=child,
        kind=RelationshipKind.MOTHER,
        parental_responsibility=True,
        lives_with=True,
    )
    carer_link(
        actor=officer,
        carer=carer,
        child=child,
        kind=RelationshipKind.MOTHER,
        parental_responsibility=True,
        lives_with=False,
    )

    relationship = CarerRelationship.objects.get()
    assert (relationship.kind, relationship.parental_responsibility, relationship.lives_with) == ("mother", True, False)


def test_a_link_with_an_unknown_kind_is_refused(officer, child_factory, carer_factory):
    with pytest.raises(ValidationError) as refusal:
        carer_link(
            actor=officer,
            carer=carer_factory(),
            child=child_factory(),
            kind="neighbour",
            parental_responsibility=False,
            lives_with=False,
        )

    assert "kind" in _errors(refusal)


# -- Other names and contact points --------------------------------------------------------------------------------


def test_a_former_name_is_recorded_with_search_keys(officer, child_factory):
    child = child_factory(family_name="Kowalska")

    name = person_name_add(
        actor=officer, person=child, kind=PersonNameKind.FORMER, family_name="Nowak", valid_to=date(2022, 5, 1)
    )

    assert list(child.other_names.all()) == [name]
    assert (name.family_name_key, name.given_name_key) == (surname_keys("Nowak")[0], "")


def test_another_name_needs_a_given_or_family_name_and_must_end_after_it_starts(officer, carer_factory):
    carer = carer_factory()

    with pytest.raises(ValidationError, match="Enter a first name or a last name"):
        person_name_add(actor=officer, person=carer, kind=PersonNameKind.ALIAS, given_name=" ")
    with pytest.raises(ValidationError, match="end date must be the same as or after the start date"):
        person_name_add(
            actor=officer,
            person=carer,
            kind=PersonNameKind.ALIAS,
            given_name="Bea",
            valid_from=date(2024, 1, 1),
            valid_to=date(2023, 1, 1),
        )


def test_a_phone_number_is_stored_in_e164_and_can_be_the_emergency_number(officer, carer_factory):
    carer = carer_factory()

    contact = contact_add(
        actor=officer,
        person=carer,
        kind=ContactKind.PHONE,
        label=ContactLabel.MOBILE,
        value="07700 900 982",
        is_emergency=True,
    )

    assert (contact.value, contact.is_emergency, contact.carer) == ("+447700900982", True, carer)


def test_a_child_may_have_their_own_contact_points(officer, child_factory):
    child = child_factory()

    contact_add(actor=officer, person=child, kind=ContactKind.EMAIL, value=" amira@example.org ")

    assert list(child.contact_points.values_list("value", flat=True)) == ["amira@example.org"]


def test_a_bad_phone_number_or_email_is_refused_naming_the_value(officer, carer_factory):
    carer = carer_factory()

    with pytest.raises(ValidationError) as bad_phone:
        contact_add(actor=officer, person=carer, kind=ContactKind.PHONE, value="0123")
    with pytest.raises(ValidationError) as bad_email:
        contact_add(actor=officer, person=carer, kind=ContactKind.EMAIL, value="not an email")

    assert _errors(bad_phone) == {"value": [PHONE_ERROR]}
    assert _errors(bad_email) == {"value": [EMAIL_ERROR]}
    assert not carer.contact_points.exists()


def test_only_a_child_or_a_carer_can_have_names_contacts_or_addresses(officer):
    with pytest.raises(TypeError, match="Expected a Child or a Carer"):
        contact_add(actor=officer, person=officer, kind=ContactKind.EMAIL, value="a@example.org")


# -- Addresses -----------------------------------------------------------------------------------------------------


def _move(officer, person, *, line1="1 Fennick Road", postcode="zy1 2ab", valid_from=date(2024, 1, 10), **more):
    return address_record(actor=officer, person=person, line1=line1, postcode=postcode, valid_from=valid_from, **more)


def test_a_move_ends_the_current_residence_the_day_before(officer, child_factory):
    child = child_factory()
    first = _move(officer, child, valid_from=date(2020, 4, 1))

    second = _move(officer, child, line1="2 Copley Vale", postcode="ZY2 3DF", valid_from=date(2024, 1, 10))

    first.refresh_from_db()
    assert first.valid_to == date(2024, 1, 9)
    assert (second.valid_from, second.valid_to, second.address.postcode) == (date(2024, 1, 10), None, "ZY2 3DF")


def test_a_move_dated_on_or_before_the_current_residence_started_is_refused_and_changes_nothing(officer, child_factory):
    child = child_factory()
    current = _move(officer, child, valid_from=date(2024, 1, 10))

    with pytest.raises(ApplicationError) as refusal:
        _move(officer, child, line1="2 Copley Vale", valid_from=date(2024, 1, 10))

    assert refusal.value.field == "valid_from"
    assert "after 10 January 2024" in refusal.value.message
    current.refresh_from_db()
    assert current.valid_to is None
    assert Residence.objects.count() == 1


def test_people_moving_to_the_same_uprn_share_one_address(officer, child_factory, carer_factory):
    child, carer = child_factory(), carer_factory()

    for person in (child, carer):
        _move(officer, person, line1="Flat 2, Dunmere House", uprn="999000000001")

    assert Address.objects.count() == 1
    assert Address.objects.get().residences.count() == 2


def test_an_address_with_a_bad_postcode_is_refused_naming_the_postcode(officer, child_factory):
    with pytest.raises(ValidationError) as refusal:
        _move(officer, child_factory(), postcode="ZY1")

    assert _errors(refusal) == {"postcode": [POSTCODE_ERROR]}
