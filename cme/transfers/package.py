"""What a transfer package carries (payload version 1, docs/transfers.md), built from a case and read back.

What the receiving council needs to carry on the work, and no more: the child (identity, identifiers, current
address, the flags that bear on risk and support), the carers, the case summary, the enquiries made and their
results, the decisions and their reasons. File notes only when the officer chooses to include them. Not sent: the
child's ethnicity, benefits and immigration flags, documents, the audit trail, who at this council looked at what.
"""

from datetime import date

from cme.cases.enums import CaseStatus, CmeReason, DecisionKind, EnquiryAgency, EnquiryResult, RiskLevel
from cme.cases.models import Case
from cme.people.enums import Sex
from cme.people.selectors import child_carers, child_current_address

PAYLOAD_VERSION = 1


def _address(address) -> dict | None:
    if address is None:
        return None
    return {
        "line1": address.line1,
        "line2": address.line2,
        "town": address.town,
        "postcode": address.postcode,
        "uprn": address.uprn,
    }


def _coded(value: str, choices) -> dict:
    return {"code": value, "label": str(dict(choices.choices).get(value, value))}


def payload_build(*, case: Case, include_notes: bool, sender_contact: dict) -> dict:
    """The package's payload for `case` (plain JSON: strings, integers, booleans, null, lists, objects)."""
    child = case.child
    carers = []
    for link in child_carers(child=child):
        carer = link.carer
        contacts = list(carer.contact_points.all())
        carers.append(
            {
                "title": carer.title,
                "given_name": carer.given_name,
                "family_name": carer.family_name,
                "relationship": link.get_kind_display(),
                "parental_responsibility": link.parental_responsibility,
                "lives_with_child": link.lives_with,
                "phones": [c.value for c in contacts if c.kind == "phone"],
                "emails": [c.value for c in contacts if c.kind == "email"],
                "address": _address(_carer_address(carer)),
            }
        )
    payload = {
        "payload_version": PAYLOAD_VERSION,
        "child": {
            "given_name": child.given_name,
            "middle_names": child.middle_names,
            "family_name": child.family_name,
            "preferred_name": child.preferred_name,
            "sex": child.sex,
            "date_of_birth": child.date_of_birth.isoformat(),
            "upn": child.upn,
            "former_upns": sorted(child.former_upns.values_list("upn", flat=True)),
            "nhs_number": child.nhs_number,
            "first_language": child.first_language,
            "address": _address(child_current_address(child=child)),
            "looked_after": bool(child.looked_after),
            "child_protection_plan": bool(child.child_protection_plan),
            "ehcp": bool(child.ehcp),
            "sen_provision": child.sen_provision or "",
            "young_carer": bool(child.young_carer),
        },
        "carers": carers,
        "case": {
            "reference": case.reference,
            "status": _coded(case.status, CaseStatus),
            "primary_reason": _coded(case.primary_reason, CmeReason),
            "risk_level": _coded(case.risk_level, RiskLevel),
            "became_cme_on": case.became_cme_on.isoformat(),
            "opened_on": case.opened_on.isoformat(),
        },
        "enquiries": [
            {
                "agency": _coded(enquiry.agency, EnquiryAgency),
                "requested_on": enquiry.requested_on.isoformat(),
                "responded_on": enquiry.responded_on.isoformat() if enquiry.responded_on else None,
                "result": _coded(enquiry.result, EnquiryResult),
                "findings": enquiry.findings,
            }
            for enquiry in case.enquiries.order_by("requested_on", "pk")
        ],
        "decisions": [
            {
                "kind": _coded(decision.kind, DecisionKind),
                "decided_on": decision.decided_at.date().isoformat(),
                "rationale": decision.rationale,
            }
            for decision in case.decisions.order_by("decided_at", "pk")
        ],
        "notes_included": include_notes,
        "notes": [
            {"written_on": note.created_at.date().isoformat(), "text": note.text}
            for note in (
                case.notes.filter(correction__isnull=True).order_by("created_at", "pk") if include_notes else []
            )
        ],
        "contact": sender_contact,
    }
    return payload


def _carer_address(carer):
    residence = carer.residences.select_related("address").order_by("-valid_from", "-pk").first()
    return residence.address if residence else None


# --- Reading a payload back ----------------------------------------------------------------------------------------


class PayloadError(ValueError):
    """A payload that does not hold what version 1 says it holds."""


def _str(value, what: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PayloadError(f"the package's {what} is missing or not text")
    return value.strip()


def child_details(payload: dict) -> dict:
    """The child as `child_create` takes them, checked; PayloadError names what is wrong."""
    child = payload.get("child")
    if not isinstance(child, dict):
        raise PayloadError("the package names no child")
    try:
        born = date.fromisoformat(_str(child.get("date_of_birth"), "child's date of birth", required=True))
    except ValueError:
        raise PayloadError("the package's child's date of birth is not a date") from None
    sex = _str(child.get("sex"), "child's sex") or Sex.UNKNOWN
    return {
        "given_name": _str(child.get("given_name"), "child's given name", required=True),
        "middle_names": _str(child.get("middle_names"), "child's middle names"),
        "family_name": _str(child.get("family_name"), "child's family name", required=True),
        "preferred_name": _str(child.get("preferred_name"), "child's preferred name"),
        "sex": sex if sex in Sex.values else Sex.UNKNOWN,
        "date_of_birth": born,
        "upn": _str(child.get("upn"), "child's UPN"),
        "nhs_number": _str(child.get("nhs_number"), "child's NHS number"),
        "first_language": _str(child.get("first_language"), "child's first language"),
        "looked_after": child.get("looked_after") is True,
        "child_protection_plan": child.get("child_protection_plan") is True,
        "ehcp": child.get("ehcp") is True,
        "young_carer": child.get("young_carer") is True,
    }


def child_postcode(payload: dict) -> str:
    address = (payload.get("child") or {}).get("address")
    return _str(address.get("postcode"), "postcode") if isinstance(address, dict) else ""


def _one_line(address) -> str:
    if not isinstance(address, dict):
        return ""
    return ", ".join(
        str(address.get(k) or "").strip() for k in ("line1", "line2", "town", "postcode") if address.get(k)
    )


def _label(value) -> str:
    return str(value.get("label") or value.get("code") or "") if isinstance(value, dict) else str(value or "")


def _day(text) -> str:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return str(text or "")
    return f"{day.day} {day:%B %Y}"


def referral_carers(payload: dict) -> list[dict]:
    """The carers as a referral keeps them until triage: name, relationship, telephone, address."""
    carers = payload.get("carers")
    rows = []
    for carer in carers if isinstance(carers, list) else []:
        if not isinstance(carer, dict):
            continue
        name = " ".join(str(carer.get(k) or "").strip() for k in ("title", "given_name", "family_name")).strip()
        phones = carer.get("phones") if isinstance(carer.get("phones"), list) else []
        rows.append(
            {
                "name": name,
                "relationship": str(carer.get("relationship") or ""),
                "phone": str(phones[0]) if phones else "",
                "address": _one_line(carer.get("address")),
            }
        )
    return rows


def referral_concerns(payload: dict, *, council_name: str) -> str:
    """Everything that arrived, in words, for the referral's concerns: the officer triaging reads it there."""
    case = payload.get("case") if isinstance(payload.get("case"), dict) else {}
    child = payload.get("child") if isinstance(payload.get("child"), dict) else {}
    lines = [
        f"Case transferred from {council_name} (their case {case.get('reference', '')}), opened there on "
        f"{_day(case.get('opened_on'))}; the child became missing education on {_day(case.get('became_cme_on'))}.",
        f"Their reason: {_label(case.get('primary_reason'))}. Their risk level: {_label(case.get('risk_level'))}. "
        f"Status when sent: {_label(case.get('status'))}.",
    ]
    if address := _one_line(child.get("address")):
        lines.append(f"Last known address: {address}.")
    flags = [
        words
        for key, words in (
            ("looked_after", "looked after by a local authority"),
            ("child_protection_plan", "subject to a child protection plan"),
            ("ehcp", "has an education, health and care plan"),
            ("young_carer", "young carer"),
        )
        if child.get(key) is True
    ]
    if flags:
        lines.append(f"The sending council recorded: {'; '.join(flags)}.")
    enquiries = payload.get("enquiries") if isinstance(payload.get("enquiries"), list) else []
    if enquiries:
        lines.append("")
        lines.append("Enquiries they made:")
        for enquiry in enquiries:
            if isinstance(enquiry, dict):
                findings = str(enquiry.get("findings") or "").strip()
                lines.append(
                    f"- {_label(enquiry.get('agency'))}, asked {_day(enquiry.get('requested_on'))}: "
                    f"{_label(enquiry.get('result'))}{f'. {findings}' if findings else ''}"
                )
    decisions = payload.get("decisions") if isinstance(payload.get("decisions"), list) else []
    if decisions:
        lines.append("")
        lines.append("Decisions they made:")
        for decision in decisions:
            if isinstance(decision, dict):
                lines.append(
                    f"- {_day(decision.get('decided_on'))}, {_label(decision.get('kind'))}: "
                    f"{str(decision.get('rationale') or '').strip()}"
                )
    notes = payload.get("notes") if isinstance(payload.get("notes"), list) else []
    if notes:
        lines.append("")
        lines.append("Their file notes:")
        for note in notes:
            if isinstance(note, dict):
                lines.append(f"- {_day(note.get('written_on'))}: {str(note.get('text') or '').strip()}")
    return "\n".join(lines)


def referrer(payload: dict) -> dict:
    contact = payload.get("contact") if isinstance(payload.get("contact"), dict) else {}
    return {
        "referrer_name": str(contact.get("name") or "")[:150],
        "referrer_role": str(contact.get("role") or "")[:150],
        "referrer_email": str(contact.get("email") or "")[:254],
        "referrer_phone": str(contact.get("phone") or "")[:16],
    }


def safeguarding(payload: dict) -> bool:
    child = payload.get("child") if isinstance(payload.get("child"), dict) else {}
    case = payload.get("case") if isinstance(payload.get("case"), dict) else {}
    risk = case.get("risk_level") if isinstance(case.get("risk_level"), dict) else {}
    return child.get("child_protection_plan") is True or child.get("looked_after") is True or risk.get("code") == "high"
