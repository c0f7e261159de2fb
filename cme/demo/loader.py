"""Writes a generated synthetic borough into the database, with one demo user per role (demo mode only)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction

from cme.accounts.enums import OrganisationKind, Role
from cme.accounts.models import Organisation, Team, User
from cme.accounts.services import organisation_create, team_create, user_provision
from cme.cases.models import Case, Decision, Document, DocumentDownload, Enquiry, Note, Referral
from cme.demo.rights import demo_rights_load
from cme.matching.models import (
    DataSource,
    MatchCandidate,
    MatchDecision,
    MatchRun,
    RejectedRow,
    SourceImport,
    SourceRecord,
)
from cme.people.enums import ContactKind, ContactLabel, MaritalStatus, PersonNameKind, RelationshipKind
from cme.people.identifiers import phone_to_e164
from cme.people.merging import child_merge_propose
from cme.people.models import (
    Address,
    Carer,
    CarerRelationship,
    Child,
    ChildMerge,
    ContactPoint,
    FormerUpn,
    PersonName,
    Residence,
)
from cme.people.names import search_keys_fill
from cme.privacy.models import Disclosure, NoticeVersion, ProcessingRestriction, Redaction, SubjectAccessPack
from cme.rights.models import RightsRequest
from cme.schools.enums import EnrolmentSource
from cme.schools.models import Enrolment, School

from .casework import demo_casework_load
from .generator import Borough, CarerRecord
from .partners import demo_partner_work_load
from .returns import RETURN_MODELS, demo_returns_load
from .sources import demo_matching_load

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in the README; refused outside demo mode
BATCH = 2000


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    first_name: str
    last_name: str
    job_title: str


# The stable demo sign-ins, one per role (README, design.md). Names are invented.
DEMO_USERS = (
    DemoUser("officer", Role.CME_OFFICER, "Olivia", "Okafor", "CME officer"),
    DemoUser("manager", Role.CME_MANAGER, "Marcus", "Reid", "CME team manager"),
    DemoUser("school", Role.SCHOOL_USER, "Sunita", "Bhatt", "Attendance officer"),
    DemoUser("partner", Role.PARTNER_USER, "Patrick", "Doyle", "Social worker"),
    DemoUser("dpo", Role.DPO, "Dana", "Price", "Data protection officer"),
    DemoUser("analyst", Role.ANALYST, "Anil", "Kapoor", "Data analyst"),
    DemoUser("sysadmin", Role.SYSADMIN, "Sam", "Adeyemi", "Systems administrator"),
)
DEMO_TEAMS = (("North team", "Wards north of the river"), ("South team", "Wards south of the river"))
DEMO_ORGANISATIONS = (
    ("Wyndley Children's Social Care", OrganisationKind.CHILDRENS_SOCIAL_CARE, "mash@example.org"),
    ("Wyndley Police Safeguarding Hub", OrganisationKind.POLICE, "safeguarding@example.org"),
    ("Wyndley School Nursing Service", OrganisationKind.HEALTH, "schoolnursing@example.org"),
    ("Wyndley Youth Justice Service", OrganisationKind.YOUTH_JUSTICE, "yjs@example.org"),
)


class DemoDataRefused(Exception):
    """The demo data may not be loaded here: not demo mode, or the database already holds data."""


def database_is_empty() -> bool:
    return not (User.objects.exists() or School.objects.exists() or Child.objects.exists())


@transaction.atomic
def demo_data_load(*, borough: Borough, force: bool = False) -> dict[str, int]:
    """Load `borough` and the demo users; all or nothing. Returns how many rows of each kind were written.

    Refused outside demo mode and the training site (production must never hold accounts with a published password;
    on the training site the demo users get no password at all), and refused on a database that holds anything
    unless `force`, which first removes what is there.
    """
    if not (settings.CME_DEMO or settings.CME_TRAINING):
        raise DemoDataRefused("Demo data can only be loaded in demo mode (CME_DEMO=1); production settings refuse it.")
    if not database_is_empty():
        if not force:
            raise DemoDataRefused("The database is not empty. Use --force to replace its contents with demo data.")
        _clear()
    schools = _load_schools(borough)
    addresses = _load_addresses(borough)
    children = _load_children(borough)
    carers = _load_carers(borough)
    counts = {
        "schools": len(schools),
        "addresses": len(addresses),
        "children": len(children),
        "carers": len(carers),
        "relationships": _load_relationships(borough, children, carers),
        "residences": _load_residences(borough, addresses, children, carers),
        "enrolments": _load_enrolments(borough, schools, children),
    }
    counts["users"] = _load_users(schools)
    counts.update(demo_casework_load(borough=borough, children=children, seed=borough.seed))
    counts.update(demo_partner_work_load())
    counts.update(demo_returns_load(borough=borough, seed=borough.seed))
    manager = User.objects.get(username="manager")
    counts.update(demo_matching_load(borough=borough, actor=manager, seed=borough.seed))
    counts["merge_proposals"] = _propose_a_merge()
    counts.update(demo_rights_load(actor=User.objects.get(username="dpo")))
    counts.update(_load_privacy())
    return counts


def _propose_a_merge() -> int:
    """The demo officer proposes that two records are one child: in fact twins (the same carer and date of birth),
    so the manager who opens the proposal sees the warning and decides (cme.people.merging). Returns 1, or 0 if the
    borough has no twins."""
    seen: dict[tuple[int, object], int] = {}
    rows = CarerRelationship.objects.order_by("carer_id", "child_id").values_list(
        "carer_id", "child_id", "child__date_of_birth"
    )
    for carer_id, child_id, born in rows.iterator(chunk_size=5000):
        twin = seen.setdefault((carer_id, born), child_id)
        if twin != child_id:
            officer = User.objects.get(username="officer")
            child_merge_propose(
                actor=officer,
                survivor=Child.objects.get(pk=twin),
                merged=Child.objects.get(pk=child_id),
                rationale="Same family and the same date of birth: this may be one child recorded twice",
            )
            return 1
    return 0


def _load_privacy() -> dict[str, int]:
    """The privacy notice's first published version, and one subject access pack waiting for the DPO's review (of
    a child with casework, so that the review shows redactions of referrers and agency staff)."""
    from datetime import date

    from cme.privacy.sar.services import pack_create
    from cme.privacy.versions import notice_version_publish, review_due_default

    dpo = User.objects.get(username="dpo")
    notice_version_publish(actor=dpo, review_due_on=review_due_default(date.today()))
    case = Case.objects.filter(notes__isnull=False, enquiries__isnull=False).order_by("pk").first()
    packs = 0
    if case is not None:
        carer = CarerRelationship.objects.filter(child_id=case.child_id).order_by("pk").first()
        pack_create(
            child=case.child,
            requester_name=str(carer.carer) if carer else str(case.child),
            requester_carer=carer.carer if carer else None,
            actor=dpo,
        )
        packs = 1
    return {"notice_versions": 1, "subject_access_packs": packs}


def _clear() -> None:
    """Remove everything the demo loader writes: casework first (it protects the users who wrote it), then children's
    records (they protect schools and addresses), then accounts and schools."""
    privacy = (Redaction, SubjectAccessPack, NoticeVersion)
    matching = (MatchDecision, MatchCandidate, MatchRun, RejectedRow, SourceRecord, SourceImport, DataSource)
    casework = (Disclosure, DocumentDownload, Decision, *RETURN_MODELS, Note, Enquiry, Document, Referral, Case)
    people = (ChildMerge, Residence, ContactPoint, PersonName, FormerUpn, CarerRelationship, Child, Carer, Address)
    rights = (RightsRequest, ProcessingRestriction)
    for model in (*privacy, *rights, *matching, *casework, Enrolment, *people, User, Team, Organisation, School):
        model.objects.all().delete()


def _code(choices: type[models.TextChoices], value: str) -> str:
    """The generator's words ("civil partnership", "step-parent") as the model's codes; unknown words are a bug."""
    code = value.replace(" ", "_").replace("-", "_").replace("/", "_")
    if code and code not in choices.values:
        raise ValueError(f"{value!r} is not one of {choices.__name__}")
    return code


def _load_schools(borough: Borough) -> dict[str, School]:
    rows = [
        School(
            urn=int(school.urn),
            ukprn=school.ukprn,
            la_code=school.la_code,
            la_name=school.la_name,
            establishment_number=school.establishment_number,
            name=school.name,
            type_code=school.type_code,
            type_name=school.type_name,
            type_group=school.type_group,
            status=school.status,
            open_date=school.open_date,
            close_date=school.close_date,
            phase_code=school.phase_code,
            phase_name=school.phase_name,
            statutory_low_age=school.statutory_low_age,
            statutory_high_age=school.statutory_high_age,
            gender=school.gender,
            sixth_form=school.sixth_form,
            street=school.street,
            locality=school.locality,
            town=school.town,
            postcode=school.postcode,
            telephone=school.telephone,
            website=school.website,
            head_name=f"{school.head_first_name} {school.head_last_name}".strip(),
            number_of_pupils=school.number_of_pupils,
            capacity=school.capacity,
        )
        for school in borough.schools
    ]
    School.objects.bulk_create(rows, batch_size=BATCH)
    return {str(school.urn): school for school in School.objects.all()}


def _load_addresses(borough: Borough) -> dict[str, Address]:
    ids = [address.id for address in borough.addresses]
    rows = [
        Address(uprn=a.uprn, line1=a.line1, line2=a.line2, town=a.town, postcode=a.postcode) for a in borough.addresses
    ]
    Address.objects.bulk_create(rows, batch_size=BATCH)
    return dict(zip(ids, rows, strict=True))


def _load_children(borough: Borough) -> dict[str, Child]:
    """Children, with their former family names and former UPNs in their own tables; search keys filled here
    because bulk_create bypasses the services that normally set them."""
    ids = [child.id for child in borough.children]
    rows = [
        search_keys_fill(
            Child(
                given_name=c.given_name,
                middle_names=c.middle_names,
                family_name=c.family_name,
                preferred_name=c.preferred_name,
                sex=c.sex,
                date_of_birth=c.date_of_birth,
                upn=c.upn,
                nhs_number=c.nhs_number,
                ethnicity=c.ethnicity,
                sen_provision=c.sen_provision,
            )
        )
        for c in borough.children
    ]
    Child.objects.bulk_create(rows, batch_size=BATCH)
    children = dict(zip(ids, rows, strict=True))
    former_names = [
        search_keys_fill(PersonName(child=children[c.id], kind=PersonNameKind.FORMER, family_name=c.former_family_name))
        for c in borough.children
        if c.former_family_name
    ]
    PersonName.objects.bulk_create(former_names, batch_size=BATCH)
    former_upns = [FormerUpn(child=children[c.id], upn=c.former_upn) for c in borough.children if c.former_upn]
    FormerUpn.objects.bulk_create(former_upns, batch_size=BATCH)
    return children


def _load_carers(borough: Borough) -> dict[str, Carer]:
    ids = [carer.id for carer in borough.carers]
    rows = [
        search_keys_fill(
            Carer(
                title=c.title,
                given_name=c.given_name,
                middle_names=c.middle_names,
                family_name=c.family_name,
                sex=c.sex,
                date_of_birth=c.date_of_birth,
                marital_status=_code(MaritalStatus, c.marital_status),
            )
        )
        for c in borough.carers
    ]
    Carer.objects.bulk_create(rows, batch_size=BATCH)
    carers = dict(zip(ids, rows, strict=True))
    contacts = [contact for c in borough.carers for contact in _contact_points(c, carers[c.id])]
    ContactPoint.objects.bulk_create(contacts, batch_size=BATCH)
    return carers


def _contact_points(record: CarerRecord, carer: Carer) -> list[ContactPoint]:
    """A carer's mobile, home phone and email. The first number of a carer living with the children is their
    emergency number, so every household has one (domain.md 15.1: at least one emergency number)."""
    phones = [(ContactLabel.MOBILE, record.phone_mobile), (ContactLabel.HOME, record.phone_home)]
    rows = [
        ContactPoint(carer=carer, kind=ContactKind.PHONE, label=label, value=phone_to_e164(number))
        for label, number in phones
        if number
    ]
    if rows and record.household_id:
        rows[0].is_emergency = True
    if record.email:
        rows.append(ContactPoint(carer=carer, kind=ContactKind.EMAIL, value=record.email))
    return rows


def _load_relationships(borough: Borough, children: dict[str, Child], carers: dict[str, Carer]) -> int:
    rows = [
        CarerRelationship(
            carer=carers[r.carer_id],
            child=children[r.child_id],
            kind=_code(RelationshipKind, r.relationship),
            parental_responsibility=r.parental_responsibility,
            lives_with=r.lives_with,
        )
        for r in borough.relationships
    ]
    CarerRelationship.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _load_residences(borough: Borough, addresses: dict[str, Address], children, carers) -> int:
    """Each household member lives at the household's address; movers lived at the previous one until the day
    before the move, as address_record would have recorded it."""
    rows = []
    for household in borough.households:
        members = [("child", children[i]) for i in household.child_ids] + [
            ("carer", carers[i]) for i in household.carer_ids
        ]
        for kind, person in members:
            moved_in = getattr(household, "moved_in", None)
            rows.append(Residence(address=addresses[household.address_id], valid_from=moved_in, **{kind: person}))
            if household.previous_address_id:
                moved_out = moved_in - timedelta(days=1) if moved_in else None
                rows.append(
                    Residence(address=addresses[household.previous_address_id], valid_to=moved_out, **{kind: person})
                )
    Residence.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _load_enrolments(borough: Borough, schools: dict[str, School], children: dict[str, Child]) -> int:
    rows = [
        Enrolment(
            child=children[e.child_id],
            school=schools[str(e.school_urn)],
            status=e.status,
            start_date=e.start_date,
            leave_date=e.leave_date,
            deletion_ground=e.deletion_ground or "",
            source=EnrolmentSource.DEMO,
        )
        for e in borough.enrolments
    ]
    Enrolment.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _load_users(schools: dict[str, School]) -> int:
    teams = [team_create(actor=None, name=name, description=description) for name, description in DEMO_TEAMS]
    organisations = [organisation_create(actor=None, name=n, kind=k, email=e) for n, k, e in DEMO_ORGANISATIONS]
    demo_school = next(
        s for s in sorted(schools.values(), key=lambda s: s.urn) if s.is_open and "Primary" in s.phase_name
    )
    for demo in DEMO_USERS:
        user_provision(
            actor=None,
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=f"{demo.username}@example.org",
            role=demo.role,
            # The training site (`cme training setup`) has the borough's staff too, as the authors of its history,
            # but they cannot sign in there: trainees get their own accounts.
            password=DEMO_PASSWORD if settings.CME_DEMO else None,
            team=teams[0] if demo.role in (Role.CME_OFFICER, Role.CME_MANAGER) else None,
            school=demo_school if demo.role == Role.SCHOOL_USER else None,
            organisation=organisations[0] if demo.role == Role.PARTNER_USER else None,
            job_title=demo.job_title,
        )
    return len(DEMO_USERS)
