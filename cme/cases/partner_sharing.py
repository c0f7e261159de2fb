"""What an enquiry or an escalation shares of a child with a partner agency, chosen by the officer when sending it.

The partner sees a copy made at that moment, holding only the details chosen (`shared_details`): never the case,
its notes, other enquiries, nor what the record says later. The default is the least that lets an agency look the
child up: their name and date of birth. Each kind of detail maps to the data categories the disclosure log records.
"""

from django.db import models

from cme.people.models import Child
from cme.people.selectors import child_carers, child_current_address
from cme.privacy.enums import DataCategory


class SharedDetail(models.TextChoices):
    NAME = "name", "The child's name"
    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    ADDRESS = "address", "Last known address"
    CARERS = "carers", "Parents and carers (names and relationship)"


DEFAULT_SHARED = [SharedDetail.NAME, SharedDetail.DATE_OF_BIRTH]

CATEGORIES = {
    SharedDetail.NAME: DataCategory.IDENTITY,
    SharedDetail.DATE_OF_BIRTH: DataCategory.IDENTITY,
    SharedDetail.ADDRESS: DataCategory.CONTACT,
    SharedDetail.CARERS: DataCategory.FAMILY,
}


def shared_details(*, child: Child, details: list[str]) -> dict:
    """A copy of the chosen details of `child`, keyed by SharedDetail (dates as ISO text, so it is JSON)."""
    chosen = [SharedDetail(d) for d in SharedDetail.values if d in set(details)]
    shared: dict = {}
    for detail in chosen:
        if detail == SharedDetail.NAME:
            shared["name"] = " ".join(p for p in (child.given_name, child.middle_names, child.family_name) if p)
            if child.preferred_name:
                shared["name_known_by"] = child.preferred_name
        elif detail == SharedDetail.DATE_OF_BIRTH:
            shared["date_of_birth"] = child.date_of_birth.isoformat()
        elif detail == SharedDetail.ADDRESS:
            address = child_current_address(child=child)
            shared["address"] = str(address) if address else ""
        elif detail == SharedDetail.CARERS:
            shared["carers"] = [
                {"name": f"{r.carer.given_name} {r.carer.family_name}", "relationship": r.get_kind_display()}
                for r in child_carers(child=child)
            ]
    return shared


def shared_categories(shared: dict) -> list[DataCategory]:
    """The data categories a copy holds (for the disclosure log), in a stable order."""
    kinds = {SharedDetail.NAME if k == "name_known_by" else SharedDetail(k) for k in shared}
    return sorted({CATEGORIES[k] for k in kinds}, key=list(DataCategory).index)


def shared_labels(shared: dict) -> list[str]:
    """What a copy holds, in words (for the officer's page)."""
    return [SharedDetail(k).label for k in SharedDetail.values if k in shared]
