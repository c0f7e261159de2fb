"""On and off a roll (issue 12 point 1): triage puts children on schools' rolls and takes them off, the at-risk list
and data matching read those enrolments."""

import datetime

import pytest

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.matching.enums import SourceKind
from cme.matching.run import _roll_entries
from cme.matching.selectors import school_rolls_in_use
from cme.matching.services import data_source_register, source_import_file
from cme.schools.enrolments import OUTSIDE_REGISTER_STATUS, school_outside_register
from cme.schools.enums import AtRiskReason, EnrolmentSource, ReturnChannel, ReturnKind
from cme.schools.models import Enrolment
from cme.schools.returns.selectors import at_risk_list
from cme.schools.returns.services import return_match_confirm, return_no_further_action, return_refer

from .returns_files import make_upn

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 29)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


def triage(roll_return, child, officer, *, refer=False):
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="Same UPN and address")
    if refer:
        return return_refer(roll_return=roll_return, actor=officer, rationale="Destination not known")
    return return_no_further_action(roll_return=roll_return, actor=officer, rationale="Noted")


def test_a_triaged_new_pupil_return_puts_the_child_on_that_schools_roll(roll_return_factory, child_factory, officer):
    child = child_factory()
    roll_return = roll_return_factory(
        kind=ReturnKind.NEW_PUPIL, deletion_ground="", event_date=datetime.date(2026, 11, 16)
    )
    triage(roll_return, child, officer)

    (enrolment,) = Enrolment.objects.filter(child=child)
    assert (enrolment.school, enrolment.start_date, enrolment.leave_date) == (
        roll_return.school,
        datetime.date(2026, 11, 16),
        None,
    )
    assert enrolment.source == EnrolmentSource.NEW_PUPIL_RETURN and enrolment.started_by == roll_return
    entry = AuditEntry.objects.filter(event=AuditEvent.CHILD_CHANGED, target_id=str(child.pk)).last()
    assert entry.payload_data["enrolment"] == "started" and entry.payload_data["source"] == "new_pupil_return"


def test_matching_a_return_alone_enrols_no_one_until_it_is_triaged(roll_return_factory, child_factory, officer):
    child = child_factory()
    roll_return = roll_return_factory(kind=ReturnKind.NEW_PUPIL, deletion_ground="")
    return_match_confirm(roll_return=roll_return, child=child, actor=officer, rationale="Same UPN")
    assert not Enrolment.objects.filter(child=child).exists()


def test_a_triaged_deletion_return_ends_the_enrolment_with_its_ground_and_date(
    roll_return_factory, child_factory, enrolment_factory, school_factory, officer
):
    school = school_factory()
    child = child_factory()
    current = enrolment_factory(child=child, school=school, start_date=datetime.date(2024, 9, 4))
    elsewhere = enrolment_factory(child=child, start_date=datetime.date(2024, 9, 4))  # dual registration: kept
    roll_return = roll_return_factory(school=school, deletion_ground="I", event_date=datetime.date(2026, 11, 20))
    triage(roll_return, child, officer, refer=True)

    current.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (current.leave_date, current.deletion_ground, current.ended_by) == (
        datetime.date(2026, 11, 20),
        "I",
        roll_return,
    )
    assert elsewhere.leave_date is None


def test_a_triaged_ctf_moves_the_child_to_the_destination_school(
    roll_return_factory, child_factory, enrolment_factory, school_factory, officer
):
    source = school_factory(la_code="888", establishment_number="2001")
    destination = school_factory(la_code="888", establishment_number="3005")
    child = child_factory()
    old = enrolment_factory(child=child, school=source, start_date=datetime.date(2023, 9, 5))
    roll_return = roll_return_factory(
        school=source,
        kind=ReturnKind.CTF_PUPIL,
        channel=ReturnChannel.CTF,
        deletion_ground="",
        ctf_source="888/2001",
        ctf_destination="888/3005",
        event_date=datetime.date(2026, 11, 10),
    )
    triage(roll_return, child, officer)

    old.refresh_from_db()
    assert old.leave_date == datetime.date(2026, 11, 10) and old.ended_by == roll_return
    new = Enrolment.objects.get(child=child, school=destination)
    assert (new.start_date, new.source, new.started_by) == (
        datetime.date(2026, 11, 10),
        EnrolmentSource.CTF,
        roll_return,
    )


def test_a_lost_pupil_ctf_puts_no_one_on_a_roll(roll_return_factory, child_factory, officer):
    child = child_factory()
    roll_return = roll_return_factory(
        kind=ReturnKind.LOST_PUPIL, channel=ReturnChannel.CTF, deletion_ground="", ctf_destination="XXX/XXXX"
    )
    triage(roll_return, child, officer, refer=True)
    assert not Enrolment.objects.filter(child=child, leave_date__isnull=True).exists()


def test_the_at_risk_list_drops_a_deletion_once_the_child_is_on_a_roll_again(
    roll_return_factory, child_factory, officer
):
    child = child_factory()
    deletion = roll_return_factory(deletion_ground="G", destination_school="", event_date=datetime.date(2026, 10, 20))
    triage(deletion, child, officer, refer=True)
    listed = [row.roll_return for row in at_risk_list(reason=AtRiskReason.DESTINATION_UNKNOWN, today=TODAY)]
    assert deletion in listed

    joined = roll_return_factory(kind=ReturnKind.NEW_PUPIL, deletion_ground="", event_date=datetime.date(2026, 11, 9))
    triage(joined, child, officer)

    listed = [row.roll_return for row in at_risk_list(reason=AtRiskReason.DESTINATION_UNKNOWN, today=TODAY)]
    assert deletion not in listed


def test_data_matching_reads_the_enrolments_triage_makes(
    roll_return_factory, child_factory, school_factory, officer, manager, tmp_path
):
    school = school_factory(urn=100001, la_code="888", establishment_number="2001")
    rolls = data_source_register(actor=manager, name="School rolls", kind=SourceKind.SCHOOL_ROLL, supplier="Schools")
    path = tmp_path / "roll.csv"
    upn = make_upn(estab="2001", serial=7)
    path.write_text(f"urn,upn,given_name,family_name,date_of_birth\n100001,{upn},Ada,Other,2015-01-02\n")
    source_import_file(actor=officer, source=rolls, path=path, received_on=datetime.date(2026, 11, 1))
    child = child_factory()
    joined = roll_return_factory(
        school=school, kind=ReturnKind.NEW_PUPIL, deletion_ground="", event_date=datetime.date(2026, 11, 16)
    )
    triage(joined, child, officer)

    entries = _roll_entries([], on=TODAY)
    assert any(entry.child_id == child.pk and entry.school_urn == 100001 for entry in entries)
    (roll,) = school_rolls_in_use(on=TODAY)
    assert roll.school_urn == 100001 and roll.joined_since == 1


def test_another_councils_school_is_recorded_by_name_and_urn_once(school_factory):
    school = school_outside_register(name="Harbour View Academy", urn="145678")
    assert school.status == OUTSIDE_REGISTER_STATUS and school.urn == 145678
    assert school_outside_register(name="Harbour View Academy", urn="145678") == school
    school_factory(urn=100150, name="Riverside Primary School")
    with pytest.raises(ApplicationError, match="Riverside Primary School"):
        school_outside_register(name="Typo", urn="100150")
    with pytest.raises(ApplicationError, match="6 digits"):
        school_outside_register(name="Harbour View Academy", urn="12")
