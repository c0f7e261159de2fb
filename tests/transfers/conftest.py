"""Two councils in one test database: Northam (301) sends, Southam (302) receives. Each has its own key files; the
settings say which council this cme is at a given moment (`as_council`), and each is in the other's register."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from cme.transfers import crypto
from cme.transfers.models import Council
from cme.transfers.services import council_add


@dataclass
class Side:
    code: str
    name: str
    signing: Path
    encryption: Path

    @property
    def keys(self) -> crypto.OwnKeys:
        return crypto.keys_load(signing_path=str(self.signing), encryption_path=str(self.encryption))


@dataclass
class Councils:
    settings: object
    northam: Side
    southam: Side

    def be(self, side: Side) -> None:
        self.settings.CME_TRANSFER_COUNCIL_CODE = side.code
        self.settings.CME_LA_NAME = side.name
        self.settings.CME_TRANSFER_SIGNING_KEY_FILE = str(side.signing)
        self.settings.CME_TRANSFER_ENCRYPTION_KEY_FILE = str(side.encryption)

    def register(self, side: Side) -> Council:
        keys = side.keys
        self.settings.CME_TRANSFER_COUNCIL_CODE = "000"
        return council_add(
            actor=None,
            name=side.name,
            code=side.code,
            signing_key=crypto.b64(keys.signing_public),
            encryption_key=crypto.b64(keys.encryption_public),
        )


def _side(tmp_path: Path, code: str, name: str) -> Side:
    signing, encryption = crypto.keys_generate(tmp_path / code)
    return Side(code=code, name=name, signing=signing, encryption=encryption)


@pytest.fixture
def councils(db, settings, tmp_path) -> Councils:
    both = Councils(
        settings=settings,
        northam=_side(tmp_path, "301", "Northam Council"),
        southam=_side(tmp_path, "302", "Southam Council"),
    )
    both.register(both.northam)
    both.register(both.southam)
    both.be(both.northam)
    return both


@pytest.fixture
def transfer_case(case_factory, carer_factory, officer):
    """An open case of Northam's with a carer, an enquiry, a decision and a file note."""
    from datetime import date

    from cme.cases.enums import DecisionKind, EnquiryAgency, EnquiryResult
    from cme.cases.models import Decision, Enquiry, Note
    from cme.people.models import CarerRelationship

    case = case_factory(
        officer=officer,
        child__given_name="Maisie",
        child__family_name="Oakhurst",
        child__date_of_birth=date(2015, 5, 9),
        child__child_protection_plan=True,
    )
    carer = carer_factory(given_name="Dana", family_name="Oakhurst")
    CarerRelationship.objects.create(carer=carer, child=case.child, kind="mother", parental_responsibility=True)
    Enquiry.objects.create(
        case=case,
        agency=EnquiryAgency.HOUSING,
        requested_on=date(2026, 11, 3),
        responded_on=date(2026, 11, 5),
        result=EnquiryResult.INFORMATION_FOUND,
        findings="Tenancy ended; forwarding address in Southam.",
        recorded_by=officer,
    )
    Decision.objects.create(
        case=case, kind=DecisionKind.SET_RISK, rationale="On a child protection plan.", decided_by=officer
    )
    Note.objects.create(case=case, author=officer, text="Grandmother says they moved in with her uncle privately.")
    return case
