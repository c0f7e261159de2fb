"""Writes for transfers between councils: the register, making a package, importing one, recording the receipt.

Every change is audited in its own transaction; every refusal of a file (an unknown sender, a bad signature, a
package for another council, a replay) is audited with its reason before the officer is told in plain words.
"""

from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cme.audit.events import AuditEvent
from cme.audit.services import audit_record
from cme.cases.enums import CaseStatus, DecisionKind, Outcome, ReferralSource
from cme.cases.models import Case, Referral
from cme.cases.services.cases import Destination
from cme.cases.services.common import decision_record
from cme.cases.services.referrals import referral_create
from cme.cases.services.signoff import case_close_or_ask
from cme.common.errors import ApplicationError
from cme.common.writes import require_rationale
from cme.people.errors import PossibleDuplicatesError
from cme.people.models import Child
from cme.people.selectors import PossibleDuplicate, child_possible_duplicates
from cme.people.services import address_record, child_create
from cme.privacy.enums import DataCategory, Direction, LawfulBasis, Purpose
from cme.privacy.services import disclosure_record

from . import crypto, package
from .enums import IncomingState, RefusalReason
from .models import Council, IncomingTransfer, OutgoingTransfer

# What a package holds, for the disclosure log on both sides (package.py says what goes and what does not).
PACKAGE_CATEGORIES = [
    DataCategory.IDENTITY,
    DataCategory.CONTACT,
    DataCategory.FAMILY,
    DataCategory.EDUCATION,
    DataCategory.SEN_DISABILITY,
    DataCategory.STATUTORY_SERVICES,
    DataCategory.CASEWORK,
]
ERROR_NO_CODE = (
    "This council has no code for transfers: set CME_TRANSFER_COUNCIL_CODE (or CME_OLD_LA_CODE, the DfE LA number)."
)
ERROR_CASE_CLOSED = "This case is closed. Reopen it before transferring it."
ERROR_COUNCIL_INACTIVE = "Choose a council from the register"
ERROR_OWN_CODE = "That is this council's own code: add the other council's details"
ERROR_CODE_TAKEN = "A council with that code is already in the register"
ERROR_KEY = "Enter the {what} as the other council gave it (base64 of a 32-byte key)"
ERROR_NO_CHILD = "Choose the child the package is about, or say it is a new child and why"
CLOSING_OUTCOME = Outcome.KNOWN_OTHER_LA


class TransferRefused(ApplicationError):
    """A file that was refused: already audited with `reason` (a RefusalReason)."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class TransferNotReady(ApplicationError):
    """This council's transfer keys or code are not set up (a message for the system administrator)."""


def own_code() -> str:
    code = (getattr(settings, "CME_TRANSFER_COUNCIL_CODE", "") or "").strip()
    if not code:
        raise TransferNotReady(ERROR_NO_CODE)
    return code


def own_name() -> str:
    return settings.CME_LA_NAME


def own_keys() -> crypto.OwnKeys:
    try:
        return crypto.keys_load(
            signing_path=settings.CME_TRANSFER_SIGNING_KEY_FILE,
            encryption_path=settings.CME_TRANSFER_ENCRYPTION_KEY_FILE,
        )
    except crypto.TransferKeyError as error:
        raise TransferNotReady(str(error)) from None


# --- The register of councils ---------------------------------------------------------------------------------------


@transaction.atomic
def council_add(*, actor, name: str, code: str, signing_key: str, encryption_key: str) -> Council:
    """Add another council to the register with the public keys it gave (base64 of the raw 32 bytes)."""
    name, code = " ".join((name or "").split()), (code or "").strip()
    if not name:
        raise ApplicationError("Enter the council's name", field="name")
    if not code:
        raise ApplicationError("Enter the council's code (its DfE LA number)", field="code")
    if code == (getattr(settings, "CME_TRANSFER_COUNCIL_CODE", "") or "").strip():
        raise ApplicationError(ERROR_OWN_CODE, field="code")
    try:
        signing = crypto.public_key_from_text(signing_key, Ed25519PublicKey)
    except ValueError:
        raise ApplicationError(ERROR_KEY.format(what="signing key"), field="signing_key") from None
    try:
        encryption = crypto.public_key_from_text(encryption_key, X25519PublicKey)
    except ValueError:
        raise ApplicationError(ERROR_KEY.format(what="encryption key"), field="encryption_key") from None
    if Council.objects.filter(code=code).exists():
        raise ApplicationError(ERROR_CODE_TAKEN, field="code")
    council = Council.objects.create(
        name=name[:150],
        code=code[:20],
        signing_key=crypto.b64(signing),
        encryption_key=crypto.b64(encryption),
        signing_key_fingerprint=crypto.fingerprint(signing),
        encryption_key_fingerprint=crypto.fingerprint(encryption),
        added_by=actor,
    )
    audit_record(
        actor=actor,
        event=AuditEvent.TRANSFER_COUNCIL_ADDED,
        target=council,
        payload={"code": council.code, "signing_key": council.signing_key_fingerprint[:16]},
    )
    return council


def council_add_from_card(*, actor, card: dict) -> Council:
    """Add a council from the file its `cme transfer keys export` wrote."""
    if not isinstance(card, dict) or card.get("format") != crypto.COUNCIL_FORMAT:
        raise ApplicationError("The file is not a council's transfer keys (made by `cme transfer keys export`)")
    return council_add(
        actor=actor,
        name=str(card.get("name") or ""),
        code=str(card.get("code") or ""),
        signing_key=str(card.get("signing_key") or ""),
        encryption_key=str(card.get("encryption_key") or ""),
    )


@transaction.atomic
def council_deactivate(*, actor, council: Council) -> Council:
    """Take a council out of use (its keys were replaced, or it left): no package goes to it or is taken from it."""
    council.is_active = False
    council.save(update_fields=["is_active"])
    audit_record(actor=actor, event=AuditEvent.TRANSFER_COUNCIL_DEACTIVATED, target=council)
    return council


def council_card_own() -> dict:
    return crypto.council_card(name=own_name(), code=own_code(), keys=own_keys())


# --- Making a transfer ----------------------------------------------------------------------------------------------


@dataclass
class TransferMade:
    transfer: OutgoingTransfer
    closed: bool = False
    sign_off_asked: bool = False


def _party(council: Council, *, key: str) -> crypto.Party:
    return crypto.Party(code=council.code, name=council.name, key=crypto.unb64(getattr(council, key), what="key"))


@transaction.atomic
def transfer_make(
    *,
    actor,
    case: Case,
    council: Council,
    rationale: str,
    include_notes: bool = False,
    close_case: bool = False,
) -> TransferMade:
    """Make a package of `case` for `council`: signed by this council, encrypted for that one. The case records it as
    a decision (refer to another council) and a disclosure; with `close_case` it closes with the outcome "on roll or
    known in another council" (or asks a manager to sign that off, where the council's settings say so)."""
    rationale = require_rationale(rationale)
    if case.status == CaseStatus.CLOSED:
        raise ApplicationError(ERROR_CASE_CLOSED)
    if not council.is_active:
        raise ApplicationError(ERROR_COUNCIL_INACTIVE, field="council")
    keys = own_keys()
    sender = crypto.Party(code=own_code(), name=own_name(), key=keys.signing_public)
    contact = {
        "name": actor.display_name,
        "role": actor.get_role_display(),
        "email": actor.email,
        "organisation": own_name(),
    }
    payload = package.payload_build(case=case, include_notes=include_notes, sender_contact=contact)
    package_id, data = crypto.package_seal(
        payload=payload, sender=sender, recipient=_party(council, key="encryption_key"), signing_key=keys.signing
    )
    transfer = OutgoingTransfer.objects.create(
        case=case,
        council=council,
        package_id=package_id,
        package_sha256=crypto.sha256_hex(data),
        package=data,
        include_notes=include_notes,
        rationale=rationale,
        made_by=actor,
    )
    decision = decision_record(
        actor=actor,
        kind=DecisionKind.REFER_OTHER_COUNCIL,
        rationale=rationale,
        case=case,
        details={"recipient": council.name, "transfer": transfer.pk, "include_notes": include_notes},
    )
    carers = [link.carer for link in case.child.carer_relationships.select_related("carer")]
    disclosure_record(
        actor=actor,
        direction=Direction.SHARED_OUT,
        organisation=council.name,
        data_categories=PACKAGE_CATEGORIES,
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        subjects=[case.child, *carers],
        cause=transfer,
        description=(
            f"Case transfer package {transfer.reference} to {council.name}"
            f"{' (file notes included)' if include_notes else ' (file notes not included)'}: {rationale}"
        ),
    )
    audit_record(
        actor=actor,
        event=AuditEvent.TRANSFER_MADE,
        target=transfer,
        related=case,
        subject_child_id=case.child_id,
        payload={"council": council.code, "include_notes": include_notes, "decision": decision.pk},
    )
    made = TransferMade(transfer=transfer)
    if close_case:
        case.refresh_from_db()
        result = case_close_or_ask(
            case=case,
            actor=actor,
            outcome=CLOSING_OUTCOME,
            rationale=f"Case transferred to {council.name} ({transfer.reference}): {rationale}",
            expected_version=case.version,
            destination=Destination(council=council.name, on=timezone.localdate()),
        )
        made.closed = result.case is not None and result.case.status == CaseStatus.CLOSED
        made.sign_off_asked = not made.closed
    return made


def transfer_package_download(*, actor, transfer: OutgoingTransfer) -> bytes:
    """The package file again (encrypted for the receiving council), audited."""
    audit_record(
        actor=actor,
        event=AuditEvent.TRANSFER_PACKAGE_DOWNLOADED,
        target=transfer,
        related=transfer.case,
        subject_child_id=transfer.case.child_id,
    )
    return bytes(transfer.package)


def package_file_name(transfer: OutgoingTransfer) -> str:
    return f"cme-transfer-{transfer.reference}-to-{transfer.council.code}.json"


# --- Importing ------------------------------------------------------------------------------------------------------


@dataclass
class Imported:
    """What importing a file did. A package: `incoming` (received, or waiting for an officer to say which child it
    is about, with `duplicates` who may be them). A receipt: `transfer`, the transfer it marked received."""

    incoming: IncomingTransfer | None = None
    duplicates: list[PossibleDuplicate] = field(default_factory=list)
    transfer: OutgoingTransfer | None = None

    @property
    def is_receipt(self) -> bool:
        return self.transfer is not None

    @property
    def waiting(self) -> bool:
        return self.incoming is not None and self.incoming.state == IncomingState.WAITING


def _refuse(actor, error: crypto.TransferFormatError | TransferRefused, *, sender: str = "", what: str = "package"):
    audit_record(
        actor=actor,
        event=AuditEvent.TRANSFER_REFUSED,
        target_type="transfers.council",
        target_id=sender or "unknown",
        payload={"refusal": error.reason, "file": what},
    )
    return TransferRefused(error.message, reason=error.reason)


def transfer_import(*, actor, data: bytes, child_id: int | None = None, new_child_reason: str = "") -> Imported:
    """Import a file another council sent: a package (opened, checked, and made a referral) or a receipt for a
    package this council sent. Refusals are audited and raise TransferRefused with the reason in plain words."""
    try:
        document = crypto.read_document(data)
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, what="unknown") from None
    if document.get("format") == crypto.RECEIPT_FORMAT:
        return Imported(transfer=receipt_record(actor=actor, document=document))
    return _package_import(
        actor=actor, document=document, data=data, child_id=child_id, new_child_reason=new_child_reason
    )


def _opened(actor, document: dict, data: bytes) -> tuple[crypto.PackageHeader, Council, dict]:
    """Check a package from its header to its signature; return its header, sender and payload."""
    try:
        head = crypto.package_header(document)
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error) from None
    keys, code = own_keys(), own_code()
    if head.recipient_code != code or head.recipient_key_fingerprint != crypto.fingerprint(keys.encryption_public):
        raise _refuse(
            actor,
            TransferRefused(
                f"This package was made for another council ({head.recipient_code}), or for a key this council no "
                "longer uses: it cannot be imported here. Ask the sending council to make it again for this council.",
                reason=RefusalReason.WRONG_RECIPIENT,
            ),
            sender=head.sender_code,
        )
    council = Council.objects.filter(code=head.sender_code, is_active=True).first()
    if council is None:
        raise _refuse(
            actor,
            TransferRefused(
                f"The package says it is from {head.sender_name} ({head.sender_code}), which is not in this council's "
                "register of councils: it has not been imported. Ask the system administrator to add that council "
                "after checking its keys with them.",
                reason=RefusalReason.UNKNOWN_SENDER,
            ),
            sender=head.sender_code,
        )
    if IncomingTransfer.objects.filter(package_id=head.package_id, state=IncomingState.RECEIVED).exists():
        raise _refuse(
            actor,
            TransferRefused(
                f"This package ({head.package_id}) has already been imported: it is not imported twice.",
                reason=RefusalReason.REPLAY,
            ),
            sender=head.sender_code,
        )
    try:
        payload = crypto.package_open(
            document, encryption_key=keys.encryption, sender_signing_key=crypto.unb64(council.signing_key, what="key")
        )
        package.child_details(payload)
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, sender=head.sender_code) from None
    except package.PayloadError as error:
        raise _refuse(
            actor,
            TransferRefused(f"The package cannot be read: {error}.", reason=RefusalReason.MALFORMED),
            sender=head.sender_code,
        ) from None
    return head, council, payload


def opened_waiting(*, actor, incoming: IncomingTransfer) -> dict:
    """The payload of a package waiting for an officer, opened and checked again from the file kept."""
    data = bytes(incoming.package)
    try:
        document = crypto.read_document(data)
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, sender=incoming.council.code) from None
    _head, _council, payload = _opened(actor, document, data)
    return payload


def _package_import(*, actor, document: dict, data: bytes, child_id: int | None, new_child_reason: str) -> Imported:
    head, council, payload = _opened(actor, document, data)
    details = package.child_details(payload)
    with transaction.atomic():
        incoming = IncomingTransfer.objects.select_for_update().filter(package_id=head.package_id).first()
        if incoming is None:
            try:
                with transaction.atomic():
                    incoming = IncomingTransfer.objects.create(
                        package_id=head.package_id,
                        package_sha256=crypto.sha256_hex(data),
                        council=council,
                        package=data,
                        imported_by=actor,
                    )
            except IntegrityError:  # the same file imported at the same moment by someone else
                incoming = IncomingTransfer.objects.select_for_update().get(package_id=head.package_id)
            audit_record(
                actor=actor,
                event=AuditEvent.TRANSFER_IMPORTED,
                target=incoming,
                payload={"council": council.code},
            )
        if incoming.state == IncomingState.RECEIVED:  # imported a moment ago by someone else
            raise TransferRefused("This package has already been imported.", reason=RefusalReason.REPLAY)
        if child_id is None and not new_child_reason.strip():
            duplicates = child_possible_duplicates(
                **{k: details[k] for k in ("given_name", "family_name", "preferred_name", "date_of_birth", "upn")},
                nhs_number=details["nhs_number"],
                postcode=package.child_postcode(payload),
            )
            if duplicates:
                return Imported(incoming=incoming, duplicates=duplicates)
    return Imported(
        incoming=transfer_receive(
            actor=actor, incoming=incoming, child_id=child_id, new_child_reason=new_child_reason, payload=payload
        )
    )


@transaction.atomic
def transfer_receive(
    *,
    actor,
    incoming: IncomingTransfer,
    child_id: int | None = None,
    new_child_reason: str = "",
    payload: dict | None = None,
) -> IncomingTransfer:
    """Open the referral a waiting package makes: on the child an officer chose (`child_id`), on a new child (the
    duplicate check found no one, or the officer said why this is a different child), with the receipt made.

    PossibleDuplicatesError, with nothing written, if no choice was made and children who may be this one exist."""
    incoming = IncomingTransfer.objects.select_for_update().select_related("council").get(pk=incoming.pk)
    if incoming.state == IncomingState.RECEIVED:
        raise TransferRefused("This package has already been imported.", reason=RefusalReason.REPLAY)
    council = incoming.council
    if payload is None:
        payload = opened_waiting(actor=actor, incoming=incoming)
    details = package.child_details(payload)
    if child_id is not None:
        child = Child.objects.filter(pk=child_id, merged_into__isnull=True).first()
        if child is None:
            raise ApplicationError(ERROR_NO_CHILD, field="child")
    else:
        try:
            child = child_create(
                actor=actor,
                **details,
                postcode=package.child_postcode(payload),
                confirmed_new=bool(new_child_reason.strip()),
                reason=new_child_reason.strip() or "",
            )
        except PossibleDuplicatesError:
            raise
        except ValidationError as error:  # a UPN another record holds, an identifier this cme cannot take
            raise ApplicationError(" ".join(error.messages), field="child") from None
        address = (payload.get("child") or {}).get("address")
        if isinstance(address, dict) and address.get("line1") and address.get("postcode"):
            try:
                with transaction.atomic():
                    address_record(
                        actor=actor,
                        person=child,
                        line1=str(address["line1"]),
                        line2=str(address.get("line2") or ""),
                        town=str(address.get("town") or ""),
                        postcode=str(address["postcode"]),
                        uprn=str(address.get("uprn") or ""),
                        valid_from=timezone.localdate(),
                        reason=f"Last known address in the case transferred from {council.name}",
                    )
            except (ApplicationError, ValidationError):
                address = None  # an address this cme cannot take stays in the referral's words
    referral = referral_create(
        actor=actor,
        child=child,
        source=ReferralSource.OTHER_COUNCIL,
        received_on=timezone.localdate(),
        concerns=package.referral_concerns(payload, council_name=council.name),
        referrer_organisation=council.name[:200],
        safeguarding_concern=package.safeguarding(payload),
        carers=package.referral_carers(payload),
        **_referrer_checked(package.referrer(payload)),
    )
    disclosure_record(
        actor=actor,
        direction=Direction.RECEIVED_IN,
        organisation=council.name,
        data_categories=PACKAGE_CATEGORIES,
        purpose=Purpose.IDENTIFY_CME,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        subject=child,
        cause=incoming,
        description=f"Case transfer package {incoming.package_id} from {council.name}, made {referral}",
    )
    keys = own_keys()
    incoming.receipt = crypto.receipt_make(
        package_id=incoming.package_id,
        package_sha256=incoming.package_sha256,
        sender=crypto.Party(code=own_code(), name=own_name(), key=keys.signing_public),
        recipient_code=council.code,
        reference=f"Referral {referral.pk}",
        signing_key=keys.signing,
    )
    incoming.state = IncomingState.RECEIVED
    incoming.referral = referral
    incoming.package = b""
    incoming.received_by = actor
    incoming.received_at = timezone.now()
    incoming.save()
    audit_record(
        actor=actor,
        event=AuditEvent.TRANSFER_RECEIVED,
        target=incoming,
        related=referral,
        subject_child_id=child.pk,
        payload={"council": council.code, "referral": referral.pk, "child_id": child.pk},
    )
    return incoming


def _referrer_checked(values: dict) -> dict:
    """The sending officer's details as the referral holds them: a malformed email or phone is left out, not fatal."""
    referral = Referral(**values)
    cleaned = dict(values)
    for name in ("referrer_email", "referrer_phone"):
        try:
            Referral._meta.get_field(name).clean(getattr(referral, name), referral)
        except Exception:
            cleaned[name] = ""
    return cleaned


def transfer_receipt_file(*, actor, incoming: IncomingTransfer) -> bytes:
    """The signed receipt to send back (no personal data), audited when downloaded."""
    audit_record(actor=actor, event=AuditEvent.TRANSFER_RECEIPT_DOWNLOADED, target=incoming)
    return bytes(incoming.receipt)


def receipt_file_name(incoming: IncomingTransfer) -> str:
    return f"cme-transfer-receipt-{incoming.package_id}.json"


# --- Receipts -------------------------------------------------------------------------------------------------------


def receipt_import(*, actor, data: bytes) -> OutgoingTransfer:
    """Record a receipt from its file; a package or anything else is refused (audited)."""
    try:
        document = crypto.read_document(data)
        if document.get("format") != crypto.RECEIPT_FORMAT:
            raise crypto.TransferFormatError(
                "This file is a transfer package, not a receipt: import it as a package.", reason="malformed"
            )
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, what="receipt") from None
    return receipt_record(actor=actor, document=document)


def receipt_record(*, actor, document: dict) -> OutgoingTransfer:
    """Mark a transfer this council made as received, from the receiving council's signed receipt."""
    try:
        receipt = crypto.receipt_header(document)
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, what="receipt") from None
    if receipt.recipient_code != own_code():
        raise _refuse(
            actor,
            TransferRefused(
                f"This receipt is for another council ({receipt.recipient_code}), not this one.",
                reason=RefusalReason.WRONG_RECIPIENT,
            ),
            sender=receipt.sender_code,
            what="receipt",
        )
    council = Council.objects.filter(code=receipt.sender_code, is_active=True).first()
    if council is None:
        raise _refuse(
            actor,
            TransferRefused(
                f"The receipt says it is from council {receipt.sender_code}, which is not in the register.",
                reason=RefusalReason.UNKNOWN_SENDER,
            ),
            sender=receipt.sender_code,
            what="receipt",
        )
    transfer = (
        OutgoingTransfer.objects.filter(package_id=receipt.package_id, council=council).select_related("case").first()
    )
    if transfer is None or transfer.package_sha256 != receipt.package_sha256:
        raise _refuse(
            actor,
            TransferRefused(
                f"The receipt is for a package this council did not send to {council.name}.",
                reason=RefusalReason.UNKNOWN_PACKAGE,
            ),
            sender=council.code,
            what="receipt",
        )
    try:
        crypto.receipt_verify(document, sender_signing_key=crypto.unb64(council.signing_key, what="key"))
    except crypto.TransferFormatError as error:
        raise _refuse(actor, error, sender=council.code, what="receipt") from None
    if transfer.receipt_recorded_at is not None:
        raise _refuse(
            actor,
            TransferRefused("This receipt has already been recorded.", reason=RefusalReason.REPLAY),
            sender=council.code,
            what="receipt",
        )
    try:
        received_at = datetime.fromisoformat(receipt.received_at.replace("Z", "+00:00"))
    except ValueError:
        received_at = timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, timezone.get_default_timezone())
    with transaction.atomic():
        transfer = OutgoingTransfer.objects.select_for_update().select_related("case").get(pk=transfer.pk)
        if transfer.receipt_recorded_at is not None:  # recorded a moment ago by someone else
            raise TransferRefused("This receipt has already been recorded.", reason=RefusalReason.REPLAY)
        transfer.received_at = received_at
        transfer.receipt_reference = receipt.reference[:100]
        transfer.receipt_recorded_at = timezone.now()
        transfer.save(update_fields=["received_at", "receipt_reference", "receipt_recorded_at"])
        audit_record(
            actor=actor,
            event=AuditEvent.TRANSFER_RECEIPT_RECORDED,
            target=transfer,
            related=transfer.case,
            subject_child_id=transfer.case.child_id,
            payload={"council": council.code},
        )
    return transfer


__all__ = [
    "PossibleDuplicatesError",
    "TransferMade",
    "TransferNotReady",
    "TransferRefused",
    "council_add",
    "council_add_from_card",
    "receipt_record",
    "transfer_import",
    "transfer_make",
    "transfer_receive",
]
