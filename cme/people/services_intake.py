"""Carers named by a school's return or a referral join the child's carers when it is triaged, with their source.

Until triage, the carers a school or referrer names stay on the return or referral, as sent. When an officer triages
it about a known child, each named carer becomes a Carer (or is found among the child's carers already, by name
keys: the same person named twice is one carer), a CarerRelationship saying where cme learned of them (`source`),
their telephone number as a ContactPoint and, where the source gives one, their address. Nothing here decides whether
the carer has parental responsibility: the relationship says only what the source said.
"""

import re
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from .enums import ContactKind, ContactLabel, RelationshipKind
from .identifiers import phone_to_e164
from .models import Carer, CarerRelationship, Child, Residence
from .names import fold
from .services import address_record, carer_create, carer_link, contact_add

if TYPE_CHECKING:
    from cme.accounts.models import User

ADDRESS_REASON = "Address given by the source that named the carer"
# A UK postcode at the end of an address written on one line ("12 Hill Road, Wyndley, ZY1 2AB").
_POSTCODE_AT_END = re.compile(r"[,\s]*([A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2})\s*$")


def relationship_kind(words: str) -> RelationshipKind:
    """The relationship a source wrote ("Mum", "father", "Grandmother", "Foster carer"), or OTHER."""
    folded = fold(words)
    for kind, needles in (
        (RelationshipKind.STEP_PARENT, ("step",)),
        (RelationshipKind.GRANDPARENT, ("grand", "nan", "gran")),
        (RelationshipKind.FOSTER_CARER, ("foster",)),
        (RelationshipKind.AUNT_UNCLE, ("aunt", "uncle")),
        (RelationshipKind.MOTHER, ("mother", "mum", "mam", "mom")),
        (RelationshipKind.FATHER, ("father", "dad")),
    ):
        if any(needle in folded for needle in needles):
            return kind
    return RelationshipKind.OTHER


def address_split(address: str) -> tuple[str, str, str]:
    """(first line, the rest, postcode) of an address written on one line; the postcode is blank when there is none."""
    match = _POSTCODE_AT_END.search(address or "")
    postcode = match.group(1) if match else ""
    body = address[: match.start()] if match else address or ""
    line1, _, rest = body.strip(" ,").partition(",")
    return line1.strip()[:150], rest.strip(" ,")[:150], postcode


@transaction.atomic
def carers_join_from_source(
    *, actor: "User", child: Child, carers: list[dict], source: str, valid_from: date
) -> list[CarerRelationship]:
    """Make each carer in `carers` ({name, relationship, phone, address}) one of `child`'s carers, recording `source`.

    A carer already linked to the child under the same name (by name keys) is kept, not duplicated: the telephone
    number is added if it is new, and the source is written if the relationship had none. An address is recorded
    only for a new carer, and only when it has a postcode. Returns the relationships, in the order given.
    """
    linked = {
        _name_key(rel.carer.given_name, rel.carer.family_name): rel
        for rel in CarerRelationship.objects.filter(child=child).select_related("carer")
    }
    joined = []
    for named in carers:
        name = " ".join((named.get("name") or "").split())
        if not name:
            continue
        given, _, family = name.rpartition(" ")
        given, family = (given or family), family if given else "Not known"
        relationship = linked.get(_name_key(given, family))
        if relationship is None:
            carer = carer_create(actor=actor, given_name=given[:100], family_name=family[:100])
            relationship = carer_link(
                actor=actor,
                carer=carer,
                child=child,
                kind=relationship_kind(named.get("relationship") or ""),
                parental_responsibility=bool(named.get("parental_responsibility")),
                lives_with=bool(named.get("lives_with", True)),
            )
            _address_add(actor, carer, named.get("address") or "", valid_from)
            linked[_name_key(given, family)] = relationship
        if not relationship.source:
            relationship.source = source[:200]
            relationship.save(update_fields=["source", "updated_at"])
        _phone_add(actor, relationship.carer, named.get("phone") or "")
        joined.append(relationship)
    return joined


def _name_key(given: str, family: str) -> str:
    return f"{fold(given)}|{fold(family)}"


def _phone_add(actor, carer: Carer, phone: str) -> None:
    try:
        number = phone_to_e164(phone) if phone.strip() else ""
    except ValidationError:
        return  # the school's number as written stays on the return, for an officer to tidy
    if number and not carer.contact_points.filter(kind=ContactKind.PHONE, value=number).exists():
        contact_add(actor=actor, person=carer, kind=ContactKind.PHONE, value=number, label=ContactLabel.EMERGENCY,
                    is_emergency=True)  # fmt: skip


def _address_add(actor, carer: Carer, address: str, valid_from: date) -> None:
    line1, line2, postcode = address_split(address)
    if not line1 or not postcode or Residence.objects.filter(carer=carer).exists():
        return
    try:
        with transaction.atomic():
            address_record(actor=actor, person=carer, line1=line1, line2=line2, postcode=postcode,
                           valid_from=valid_from, reason=ADDRESS_REASON)  # fmt: skip
    except ValidationError:
        return  # a postcode cme cannot read: the address stays on the return or referral as written
