"""Demo schools' returns: every kind, from several schools, some triaged, so the inbox, the at-risk list and the
demo school user's own pages have content.

The demo school ("school" user) sends one of each kind through the same service the question pages call; the council
imports a CSV of returns from three other schools and two Common Transfer Files (one a lost-pupil file) through the
bulk import. Every receipt is therefore logged exactly as in real use. A few returns are triaged by the demo officer,
with a rationale. The file builders here are also what bench/returns_import.py times.
"""

import csv
import io
import random
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from lxml import etree

from cme.accounts.models import User
from cme.cases.enums import CaseStatus
from cme.cases.models import Case
from cme.people.models import Child
from cme.schools.enums import ReturnChannel, ReturnKind, TriageState
from cme.schools.models import PartTimeTimetable, ReturnImport, RollReturn, School
from cme.schools.returns.csvfile import TEMPLATE_COLUMNS
from cme.schools.returns.services import (
    return_match_confirm,
    return_no_further_action,
    return_refer,
    return_submit,
    returns_import,
)

from .generator import Borough, ChildRecord

# What `--force` clears before loading again, in an order that respects the foreign keys.
RETURN_MODELS = (RollReturn, PartTimeTimetable, ReturnImport)

# The kinds the demo school sends, in order, with what makes each realistic (days before today of the event).
DEMO_SCHOOL_RETURNS = (
    (
        ReturnKind.DELETION,
        {
            "deletion_ground": "G",
            "info_not_obtained": True,
            "info_not_obtained_details": "The family moved out; the new address and school are not known.",
        },
        9,
    ),
    (
        ReturnKind.DELETION,
        {
            "deletion_ground": "I",
            "safeguarding_concern": True,
            "safeguarding_details": "An older sibling was reported missing last year.",
        },
        4,
    ),
    (ReturnKind.DELETION, {"deletion_ground": "A", "destination_school": "Hillside Academy, Leeds"}, 20),
    (ReturnKind.NEW_PUPIL, {}, 3),
    (ReturnKind.UNAUTHORISED_ABSENCE, {"school_days_absent": 12}, 16),
    (ReturnKind.SICKNESS, {"school_days_absent": 17}, 24),
    (
        ReturnKind.PART_TIME_TIMETABLE,
        {
            "hours_per_week": Decimal("12.5"),
            "parent_agreed": True,
            "timetable_reason": "Medical: a phased return after surgery.",
        },
        60,
    ),
    (
        ReturnKind.PART_TIME_TIMETABLE,
        {
            "hours_per_week": Decimal("15"),
            "parent_agreed": True,
            "timetable_reason": "Anxiety: agreed with CAMHS as a short-term step.",
        },
        30,
    ),
    (ReturnKind.PLACE_NOT_TAKEN_UP, {"further_information": "Offered in August; never arrived."}, 40),
)


def demo_returns_load(*, borough: Borough, seed: int) -> dict[str, int]:
    """Write the demo returns; returns counts. Needs the demo users and schools loaded first."""
    rng = random.Random(seed * 104729)
    today = timezone.localdate()
    school_user = User.objects.get(username="school")
    officer = User.objects.get(username="officer")
    pupils = _pupils_by_school(borough)
    demo_school = school_user.school
    own = _demo_school_returns(borough, pupils.get(str(demo_school.urn), []), school_user, today=today)
    others = [School.objects.get(urn=int(urn)) for urn in sorted(pupils) if urn != str(demo_school.urn)]
    others = [school for school in others if len(pupils[str(school.urn)]) >= 4][:3]
    rows = [
        _csv_row(borough, record, school, kind, today=today, rng=rng)
        for school in others
        for record, kind in zip(
            pupils[str(school.urn)][:4],
            (ReturnKind.DELETION, ReturnKind.UNAUTHORISED_ABSENCE, ReturnKind.SICKNESS, ReturnKind.NEW_PUPIL),
            strict=False,
        )
    ]
    csv_report = returns_import(
        content=returns_csv(rows), file_name="returns-autumn.csv", channel=ReturnChannel.CSV, actor=officer
    )
    ctf_count = 0
    if others:
        source = others[0]
        movers = pupils[str(source.urn)][4:8]
        lost = pupils[str(source.urn)][8:9]
        header = {"source": (source.la_code, source.establishment_number), "name": source.name, "sent": today}
        for records, dest in ((movers, ("888", "2999")), (lost, ("XXX", "XXXX"))):
            if records:
                content = ctf_xml([_ctf_pupil(borough, record) for record in records], dest=dest, **header)
                report = returns_import(
                    content=content, file_name=f"ctf-{dest[0]}.xml", channel=ReturnChannel.CTF, actor=officer
                )
                ctf_count += report.created
    triaged = _triage_some(officer)
    return {"returns": len(own) + csv_report.created + ctf_count, "returns triaged": triaged}


def _pupils_by_school(borough: Borough) -> dict[str, list[ChildRecord]]:
    """Pupils currently on each school's roll who have a UPN, in a stable order."""
    records = {record.id: record for record in borough.children}
    by_school: dict[str, list[ChildRecord]] = {}
    for enrolment in borough.enrolments:
        record = records[enrolment.child_id]
        if enrolment.leave_date is None and record.upn:
            by_school.setdefault(enrolment.school_urn, []).append(record)
    return by_school


def _address(borough: Borough, record: ChildRecord):
    household = next(h for h in borough.households if h.id == record.household_id)
    return next(a for a in borough.addresses if a.id == household.address_id), household


def _parents(borough: Borough, household) -> list[dict[str, str]]:
    carers = [c for c in borough.carers if c.id in household.carer_ids][:2]
    return [
        {"name": f"{c.given_name} {c.family_name}", "address": "", "phone": c.phone_mobile or c.phone_home}
        for c in carers
        if c.phone_mobile or c.phone_home
    ]


def _pupil_values(borough: Borough, record: ChildRecord) -> dict:
    address, household = _address(borough, record)
    return {
        "upn": record.upn,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "date_of_birth": record.date_of_birth,
        "sex": record.sex if record.sex in ("M", "F") else "U",
        "address_line1": address.line1,
        "address_line2": address.line2,
        "address_town": address.town,
        "address_postcode": address.postcode,
        "parents": _parents(borough, household),
    }


def _demo_school_returns(borough: Borough, records: list[ChildRecord], actor: User, *, today: date) -> list:
    created = []
    for record, (kind, extra, days_ago) in zip(records, DEMO_SCHOOL_RETURNS, strict=False):
        event = today - timedelta(days=days_ago)
        values = {**_pupil_values(borough, record), **extra, "event_date": event}
        if kind == ReturnKind.PART_TIME_TIMETABLE:
            # The first timetable's review is overdue, so the at-risk list shows a chase.
            values["next_review_on"] = event + timedelta(days=28)
        created.append(
            return_submit(actor=actor, school=actor.school, kind=kind, channel=ReturnChannel.WEB, values=values)
        )
    timetables = [r for r in created if r.kind == ReturnKind.PART_TIME_TIMETABLE]
    if len(timetables) > 1:
        second = timetables[1]
        review = {
            **_pupil_values(borough, records[7]),
            "event_date": second.event_date + timedelta(days=21),
            "next_review_on": today + timedelta(days=14),
            "hours_per_week": Decimal("20"),
            "timetable": second.timetable,
        }
        created.append(
            return_submit(
                actor=actor,
                school=actor.school,
                kind=ReturnKind.TIMETABLE_REVIEW,
                channel=ReturnChannel.WEB,
                values=review,
            )
        )
    if len(records) > len(DEMO_SCHOOL_RETURNS):
        # A timetable that has run its course: started, then ended.
        record = records[len(DEMO_SCHOOL_RETURNS)]
        start = return_submit(
            actor=actor,
            school=actor.school,
            kind=ReturnKind.PART_TIME_TIMETABLE,
            channel=ReturnChannel.WEB,
            values={
                **_pupil_values(borough, record),
                "event_date": today - timedelta(days=80),
                "hours_per_week": Decimal("18"),
                "parent_agreed": True,
                "timetable_reason": "Reintegration after a long illness.",
                "next_review_on": today - timedelta(days=50),
            },
        )
        end = return_submit(
            actor=actor,
            school=actor.school,
            kind=ReturnKind.TIMETABLE_END,
            channel=ReturnChannel.WEB,
            values={
                **_pupil_values(borough, record),
                "event_date": today - timedelta(days=35),
                "timetable": start.timetable,
            },
        )
        created += [start, end]
    return created


def _csv_row(borough, record, school, kind, *, today: date, rng: random.Random) -> dict[str, str]:
    values = _pupil_values(borough, record)
    parents = values.pop("parents")
    row = {
        "return_type": kind.value,
        "school_urn": str(school.urn),
        "upn": values["upn"],
        "forename": values["given_name"],
        "surname": values["family_name"],
        "date_of_birth": values["date_of_birth"].isoformat(),
        "sex": values["sex"],
        "address_line1": values["address_line1"],
        "address_line2": values["address_line2"],
        "town": values["address_town"],
        "postcode": values["address_postcode"],
        "event_date": (today - timedelta(days=rng.randint(5, 40))).isoformat(),
    }
    for n, parent in enumerate(parents, start=1):
        row |= {f"parent{n}_name": parent["name"], f"parent{n}_phone": parent["phone"]}
    if kind == ReturnKind.DELETION:
        row |= {
            "deletion_ground": rng.choice("GHI"),
            "info_not_obtained": "yes",
            "info_not_obtained_details": "No forwarding address.",
        }
    if kind == ReturnKind.UNAUTHORISED_ABSENCE:
        row["school_days_absent"] = str(rng.randint(10, 19))
    if kind == ReturnKind.SICKNESS:
        row["school_days_absent"] = str(rng.randint(15, 25))
    return row


def returns_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """Rows (template column -> cell) as a CSV file in the council's template."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TEMPLATE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _ctf_pupil(borough: Borough, record: ChildRecord) -> dict:
    values = _pupil_values(borough, record)
    return {**values, "contacts": values["parents"]}


def ctf_xml(
    pupils: list[dict], *, source: tuple[str, str], name: str, sent: date, dest: tuple[str, str], version: str = "25.0"
) -> bytes:
    """A Common Transfer File for `pupils` (dicts of RollReturn pupil values): CTF 25 writes <Sex>, 24 <Gender>."""
    root = etree.Element("CTfile")
    header = etree.SubElement(root, "Header")
    for tag, text in (
        ("DocumentName", "Common Transfer File"),
        ("CTFversion", version),
        ("DateTime", f"{sent.isoformat()}T09:00:00"),
        ("DocumentQualifier", "full"),
        ("SupplierID", "cme demo"),
    ):
        etree.SubElement(header, tag).text = text
    source_school = etree.SubElement(header, "SourceSchool")
    for tag, text in (("LEA", source[0]), ("Estab", source[1]), ("SchoolName", name), ("AcademicYear", str(sent.year))):
        etree.SubElement(source_school, tag).text = text
    dest_school = etree.SubElement(header, "DestSchool")
    etree.SubElement(dest_school, "LEA").text = dest[0]
    etree.SubElement(dest_school, "Estab").text = dest[1]
    data = etree.SubElement(root, "CTFpupilData")
    sex_tag = "Sex" if version.startswith("25") else "Gender"
    for pupil in pupils:
        element = etree.SubElement(data, "Pupil")
        for tag, text in (
            ("UPN", pupil["upn"]),
            ("Surname", pupil["family_name"]),
            ("Forename", pupil["given_name"]),
            ("DOB", pupil["date_of_birth"].isoformat()),
            (sex_tag, pupil["sex"]),
        ):
            etree.SubElement(element, tag).text = text
        address = etree.SubElement(element, "Address")
        lines = etree.SubElement(address, "AddressLines")
        etree.SubElement(lines, "AddressLine1").text = pupil["address_line1"]
        etree.SubElement(lines, "AddressLine2").text = pupil["address_town"]
        etree.SubElement(address, "PostCode").text = pupil["address_postcode"]
        contacts = etree.SubElement(element, "Contacts")
        for order, contact in enumerate(pupil.get("contacts", []), start=1):
            forename, _, surname = contact["name"].partition(" ")
            entry = etree.SubElement(contacts, "Contact")
            for tag, text in (
                ("Order", str(order)),
                ("Surname", surname),
                ("Forename", forename),
                ("Relationship", "PAR"),
                ("Responsibility", "true"),
            ):
                etree.SubElement(entry, tag).text = text
            phone = etree.SubElement(etree.SubElement(entry, "Phones"), "Phone")
            etree.SubElement(phone, "TelephoneType").text = "M"
            etree.SubElement(phone, "PhoneNo").text = contact["phone"]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _one_added_to_an_open_case(officer: User) -> int:
    """A return about a child who already has an open case joins that case (issue 11 point 3): no second referral."""
    waiting = RollReturn.objects.filter(triage_state=TriageState.RECEIVED).exclude(upn="")
    with_case = Child.objects.filter(upn__in=waiting.values("upn"), cases__in=Case.objects.exclude(
        status=CaseStatus.CLOSED)).order_by("pk").first()  # fmt: skip
    roll_return = with_case and waiting.filter(upn=with_case.upn).order_by("pk").first()
    if not roll_return:
        return 0
    return_match_confirm(roll_return=roll_return, child=with_case, actor=officer,
                         rationale="The UPN, name and date of birth agree with the child's record.")  # fmt: skip
    return_refer(roll_return=roll_return, actor=officer,
                 rationale="The child's case is open: the school's news belongs on it.")  # fmt: skip
    return 1


def _triage_some(officer: User) -> int:
    """The demo officer matches and refers two returns and closes one, each with a reason; the rest wait."""
    triaged = 0
    waiting = RollReturn.objects.filter(kind=ReturnKind.DELETION).exclude(upn="").order_by("pk")
    for roll_return in waiting[:2]:
        child = Child.objects.filter(upn=roll_return.upn).first()
        if child is None:
            continue
        return_match_confirm(
            roll_return=roll_return,
            child=child,
            actor=officer,
            rationale="The UPN, name and date of birth agree with the child's record.",
        )
        return_refer(
            roll_return=roll_return,
            actor=officer,
            rationale="Deleted with no known destination: CME enquiries are needed.",
        )
        triaged += 1
    triaged += _one_added_to_an_open_case(officer)
    new_pupil = RollReturn.objects.filter(kind=ReturnKind.NEW_PUPIL).order_by("pk").first()
    if new_pupil is not None:
        return_no_further_action(
            roll_return=new_pupil,
            actor=officer,
            rationale="A new pupil at a school in the borough: nothing for the CME service to do.",
        )
        triaged += 1
    return triaged
