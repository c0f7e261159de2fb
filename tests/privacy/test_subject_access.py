"""Subject access packs (UK GDPR Art. 15): gathered from the catalogue, other people's information withheld with a
reason (DPA 2018 Sch. 2 para 16), reviewed by a person, and released only once approved, as a disclosure."""

import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.audit.services import audit_record
from cme.cases.enums import DocumentKind, ReferralSource
from cme.cases.services import document_upload
from cme.common.errors import ApplicationError
from cme.privacy import catalogue
from cme.privacy.models import Disclosure, PackState, RedactionReason
from cme.privacy.sar import gather as gathering
from cme.privacy.sar import redact
from cme.privacy.sar.services import (
    pack_approve,
    pack_create,
    pack_files,
    pack_release,
    pack_view,
    redaction_add,
    redaction_lift,
)
from cme.privacy.selectors import disclosure_list_for_subject
from tests.factories.cases import CaseFactory, EnquiryFactory, NoteFactory, ReferralFactory
from tests.factories.people import CarerRelationshipFactory, ChildFactory, ContactPointFactory

SIBLING_UPN = "A123456789012"
SIBLING_NHS = "943 476 5919"  # valid check digit, a test number range


# --- the catalogue drives what is gathered ---------------------------------------------------------------------------


def test_every_catalogued_model_about_a_child_is_gathered_or_excused():
    assert gathering.ungathered() == []


def test_a_new_catalogued_model_about_children_with_no_link_fails_the_check(monkeypatch):
    """A model about children that gather cannot reach is named, not silently left out."""
    entry = catalogue.entries_for_model("people.Child")[0]
    fake = catalogue.FieldEntry(**{**entry.__dict__, "model": "privacy.DisposalBatch", "field": "counts"})
    swapped = catalogue.Catalogue(entries=(*catalogue.CATALOGUE.entries, fake))
    monkeypatch.setattr(catalogue, "CATALOGUE", swapped)
    assert "privacy.DisposalBatch" in gathering.ungathered()


def test_a_newly_catalogued_field_is_in_the_next_pack(db, monkeypatch, user_factory):
    child = ChildFactory(first_language="Welsh")
    entries = [e for e in catalogue.CATALOGUE.entries if e.key != ("people.Child", "first_language")]
    monkeypatch.setattr(catalogue, "CATALOGUE", catalogue.Catalogue(entries=tuple(entries)))
    assert "Welsh" not in json.dumps(gathering.gather(child.pk))
    monkeypatch.undo()
    assert "Welsh" in json.dumps(gathering.gather(child.pk))


@pytest.fixture
def family(db, user_factory, settings, tmp_path):
    """A child with a mother (who asks), a father, a brother, a case with notes, enquiries, referrals and a document."""
    settings.CME_DOCUMENT_ROOT = tmp_path
    child = ChildFactory(given_name="Amelia", family_name="Quenby", upn="H801200001001", nhs_number="9434765870")
    ContactPointFactory(carer=None, child=child, value="07700 900111")
    mother = CarerRelationshipFactory(child=child, carer__given_name="Rhiannon", carer__family_name="Quenby").carer
    ContactPointFactory(carer=mother, value="07700 900222")
    father = CarerRelationshipFactory(
        child=child, carer__given_name="Gethin", carer__family_name="Marlowe", kind="father"
    ).carer
    brother = ChildFactory(given_name="Tobias", family_name="Quenby", upn=SIBLING_UPN, nhs_number="9434765919")
    CarerRelationshipFactory(child=brother, carer=father)
    case = CaseFactory(child=child)
    note = NoteFactory(
        case=case,
        text=(
            "Spoke to Rhiannon on 07700 900222. Gethin Marlowe rang from 07700 900333 and wrote from "
            f"gethin@example.org; Tobias (UPN {SIBLING_UPN}, NHS {SIBLING_NHS}) also off roll. "
            "Amelia's own UPN H801200001001 and number 07700 900111."
        ),
    )
    public = ReferralFactory(
        child=child, source=ReferralSource.PUBLIC, referrer_name="Dorothy Fenwick", referrer_phone="07700900444"
    )
    anonymous = ReferralFactory(child=child, source=ReferralSource.PUBLIC, is_anonymous=True, referrer_name="")
    school = ReferralFactory(
        child=child, source=ReferralSource.SCHOOL, referrer_name="Petra Lowe", referrer_role="Attendance lead"
    )
    enquiry = EnquiryFactory(case=case, contact_name="Ivor Stanton", contact_details="0161 496 0000")
    document = document_upload(
        case=case,
        actor=case.officer,
        kind=DocumentKind.LETTER,
        title="Letter home",
        uploaded_file=SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    audit_record(actor=case.officer, event=AuditEvent.CHILD_VIEWED, target=child)
    return {
        "child": child,
        "mother": mother,
        "father": father,
        "brother": brother,
        "case": case,
        "note": note,
        "public": public,
        "anonymous": anonymous,
        "school": school,
        "enquiry": enquiry,
        "document": document,
        "dpo": user_factory(role="dpo"),
    }


def _keys(content):
    return {item["key"] for section in content["sections"] for item in section["items"]}


def test_the_pack_gathers_the_child_records_and_never_another_child(family):
    content = gathering.gather(family["child"].pk)
    keys = _keys(content)
    for model, obj in [
        ("people.Child", family["child"]),
        ("cases.Note", family["note"]),
        ("cases.Referral", family["public"]),
        ("cases.Enquiry", family["enquiry"]),
        ("cases.Document", family["document"]),
        ("people.Carer", family["father"]),
    ]:
        assert f"{model}:{obj.pk}" in keys
    assert f"people.Child:{family['brother'].pk}" not in keys
    assert any(key.startswith("audit.AuditEntry:") for key in keys)
    assert "people" in content and content["documents"]


def test_a_second_pack_lists_the_first_without_copying_it(family):
    first = pack_create(child=family["child"], requester_name="Amelia Quenby", actor=family["dpo"])
    content = gathering.gather(family["child"].pk)
    (section,) = [s for s in content["sections"] if s["model"] == "privacy.SubjectAccessPack"]
    (item,) = section["items"]
    assert item["key"] == f"privacy.SubjectAccessPack:{first.pk}"
    assert "content" not in {field["name"] for field in item["fields"]}


def _found(pack):
    return list(pack.redactions.values("item", "field", "start", "end", "reason"))


def test_structural_redactions_cover_other_carers_referrers_and_agency_staff(family):
    pack = pack_create(
        child=family["child"], requester_name="Rhiannon Quenby", requester_carer=family["mother"], actor=family["dpo"]
    )
    found = {(r["item"], r["field"], r["reason"]) for r in _found(pack) if r["start"] is None}
    assert (f"people.Carer:{family['father'].pk}", "", RedactionReason.OTHER_CARER) in found
    assert not any(item == f"people.Carer:{family['mother'].pk}" for item, _f, _r in found)  # the asker's own
    assert (f"cases.Referral:{family['public'].pk}", "referrer_name", RedactionReason.REFERRER_PUBLIC) in found
    assert (f"cases.Referral:{family['public'].pk}", "referrer_phone", RedactionReason.REFERRER_PUBLIC) in found
    school = f"cases.Referral:{family['school'].pk}"
    assert (school, "referrer_name", RedactionReason.AGENCY_STAFF) in found
    assert not any(item == school and field == "referrer_role" for item, field, _r in found)  # role stays
    assert (f"cases.Enquiry:{family['enquiry'].pk}", "contact_name", RedactionReason.AGENCY_STAFF) in found


def test_an_anonymous_referrer_stays_anonymous(family):
    family["anonymous"].referrer_role = "Neighbour"
    family["anonymous"].save()
    pack = pack_create(child=family["child"], requester_name="Amelia Quenby", actor=family["dpo"])
    view = pack_view(pack)
    item = next(
        i for s in view["sections"] for i in s["items"] if i["key"] == f"cases.Referral:{family['anonymous'].pk}"
    )
    assert "Neighbour" not in json.dumps(item)
    assert any(r["reason"] == RedactionReason.REFERRER_ANONYMOUS for r in view["redactions"])


def test_free_text_withholds_third_parties_but_not_the_childs_own_details(family):
    pack = pack_create(
        child=family["child"], requester_name="Rhiannon Quenby", requester_carer=family["mother"], actor=family["dpo"]
    )
    view = pack_view(pack)
    note = next(i for s in view["sections"] for i in s["items"] if i["key"] == f"cases.Note:{family['note'].pk}")
    text = next(f["value"] for f in note["fields"] if f["name"] == "text")
    for secret in ("Gethin", "Marlowe", "07700 900333", "gethin@example.org", "Tobias", SIBLING_UPN, SIBLING_NHS):
        assert secret not in text
    for own in ("Rhiannon", "07700 900222", "H801200001001", "07700 900111", "Amelia"):
        assert own in text
    reasons = {r["reason"] for r in view["redactions"] if r["item"] == f"cases.Note:{family['note'].pk}"}
    assert {
        RedactionReason.OTHER_CARER,
        RedactionReason.PHONE,
        RedactionReason.EMAIL,
        RedactionReason.SIBLING,
        RedactionReason.UPN,
        RedactionReason.NHS_NUMBER,
    } <= reasons
    assert "[withheld: see redaction" in text
    assert "people" not in view  # who the third parties are is never in the pack itself


# --- free text: property tests ----------------------------------------------------------------------------------------

OWN = {"names": ["Amelia", "Quenby"], "upns": ["H801200001001"], "nhs_numbers": ["9434765870"], "contacts": []}
PEOPLE = {
    "own": OWN,
    "carers": [{"id": 1, "names": ["Gethin", "Marlowe"], "full_name": "Gethin Marlowe", "contacts": []}],
    "siblings": [],
    "referrers": [],
    "agency_staff": [],
}
RULES = redact.text_rules(PEOPLE, requester_carer_id=None)
filler = st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,", max_size=40)


@given(before=filler, after=filler, number=st.integers(min_value=100000000, max_value=999999999))
def test_any_mobile_number_in_free_text_is_withheld(before, after, number):
    phone = f"07{number:09d}"
    text = f"{before} {phone} {after}"
    spans = redact.find_in_text(text, RULES)
    assert any(start <= text.index(phone) and end >= text.index(phone) + len(phone) for start, end, _ in spans)


@given(before=filler, after=filler, user=st.from_regex(r"[a-z]{1,10}", fullmatch=True))
def test_any_email_in_free_text_is_withheld(before, after, user):
    email = f"{user}@example.org"
    text = f"{before} {email} {after}"
    assert (text.index(email), text.index(email) + len(email), RedactionReason.EMAIL) in redact.find_in_text(
        text, RULES
    )


@given(before=filler, after=filler)
def test_the_childs_own_identifiers_and_names_are_never_withheld(before, after):
    text = f"{before} Amelia Quenby H801200001001 9434765870 {after}"
    spans = redact.find_in_text(text, RULES)
    own_at = text.index("Amelia")
    assert all(end <= own_at for start, end, _ in spans) or all(start >= own_at + 46 for start, _e, _ in spans)


@given(before=filler, after=filler)
def test_a_linked_persons_name_is_withheld_wherever_it_appears(before, after):
    text = f"{before} gethin {after}"
    spans = redact.find_in_text(text, RULES)
    assert any(reason == RedactionReason.OTHER_CARER for _s, _e, reason in spans)


def test_spans_never_overlap():
    text = "Gethin Marlowe gethin@example.org 07700 900333"
    spans = redact.find_in_text(text, RULES)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# --- review, approval and release -------------------------------------------------------------------------------------


def test_the_reviewer_adds_and_lifts_redactions_with_reasons(family):
    pack = pack_create(child=family["child"], requester_name="Amelia Quenby", actor=family["dpo"])
    note = f"cases.Note:{family['note'].pk}"
    with pytest.raises(ApplicationError):
        redaction_add(pack=pack, actor=family["dpo"], item=note, field="text", words="off roll", note="")
    added = redaction_add(pack=pack, actor=family["dpo"], item=note, field="text", words="off roll", note="Police")
    assert "off roll" not in json.dumps(pack_view(pack))
    lifted = redaction_lift(redaction=added[0], actor=family["dpo"], reason="Already known to the family")
    assert lifted.lifted_by == family["dpo"]
    assert "off roll" in json.dumps(pack_view(pack))
    events = set(AuditEntry.objects.filter(subject_child_id=family["child"].pk).values_list("event", flat=True))
    assert {AuditEvent.SUBJECT_ACCESS_REDACTION_ADDED, AuditEvent.SUBJECT_ACCESS_REDACTION_LIFTED} <= events


def test_nothing_is_released_or_final_before_approval_and_release_is_a_disclosure(family):
    pack = pack_create(child=family["child"], requester_name="Amelia Quenby", actor=family["dpo"])
    with pytest.raises(ApplicationError):
        pack_release(pack=pack, actor=family["dpo"], recipient="Amelia Quenby")
    with pytest.raises(ApplicationError):
        pack_files(pack, final=True)
    assert not Disclosure.objects.exists()
    pack_approve(pack=pack, actor=family["dpo"])
    with pytest.raises(ApplicationError):
        redaction_add(pack=pack, actor=family["dpo"], item=f"cases.Note:{family['note'].pk}", note="Late")
    released = pack_release(pack=pack, actor=family["dpo"], recipient="Amelia Quenby")
    assert released.state == PackState.RELEASED
    (disclosure,) = disclosure_list_for_subject(subject=family["child"])
    assert disclosure == released.disclosure
    assert disclosure.organisation == "Amelia Quenby"
    with pytest.raises(ApplicationError):
        pack_release(pack=released, actor=family["dpo"], recipient="Someone else")
    assert Disclosure.objects.count() == 1


def test_the_draft_files_are_marked_draft_and_the_json_names_every_reason(family):
    pack = pack_create(child=family["child"], requester_name="Amelia Quenby", actor=family["dpo"])
    files = pack_files(pack)
    data = json.loads(files["pack.json"])
    assert data["status"].startswith("DRAFT")
    assert data["redactions"] and all(r["reason"] and r["reason_label"] for r in data["redactions"])
    assert files["pack.pdf"].startswith(b"%PDF")
    assert any(name.startswith("documents/") for name in files)
