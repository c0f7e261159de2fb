"""The transfer file format (docs/transfers.md): keys, canonical JSON, sealing and opening packages, signed receipts.

Nothing here touches the database: the services give it the keys and the register's entries. Every algorithm comes
from the `cryptography` package (OpenSSL): Ed25519 signatures, X25519 key agreement, HKDF-SHA-256 and AES-256-GCM.

A package is signed, then encrypted: the sender signs the canonical JSON of {"header", "payload"} with its Ed25519
key; that signed document is encrypted under a random 256-bit content key with AES-256-GCM, the envelope's header as
associated data; the content key is wrapped for the receiving council (an ephemeral X25519 key agreed with the
recipient's X25519 key, HKDF-SHA-256, AES-256-GCM). A receipt is signed, not encrypted: it holds no personal data.
"""

import base64
import binascii
import hashlib
import json
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PACKAGE_FORMAT = "cme-transfer-package"
RECEIPT_FORMAT = "cme-transfer-receipt"
COUNCIL_FORMAT = "cme-transfer-council"
VERSION = 1
KEY_AGREEMENT = "X25519"
KDF = "HKDF-SHA256"
CIPHER = "AES-256-GCM"
SIGNATURE = "Ed25519"
WRAP_INFO = b"cme-transfer/1 content key wrap"
MAX_FILE_BYTES = 20 * 1024 * 1024


class TransferFormatError(Exception):
    """A file that is not a package or receipt this version reads, or one that fails a check. `reason` is a code the
    audit entry records; the message is plain words for the officer."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


# --- Encodings ------------------------------------------------------------------------------------------------------


def canonical(document) -> bytes:
    """The bytes that are signed: UTF-8 JSON, object keys sorted, no insignificant white space, no floats.

    For documents of strings, integers, booleans, null, arrays and objects with ASCII keys (all this format uses)
    this is the JSON Canonicalization Scheme (RFC 8785).
    """
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text, *, what: str) -> bytes:
    if not isinstance(text, str):
        raise TransferFormatError(f"The file's {what} is missing or not text.", reason="malformed")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise TransferFormatError(f"The file's {what} is not valid base64.", reason="malformed") from None


def raw_public(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(raw_key: bytes) -> str:
    """SHA-256 of the raw 32-byte public key, in hex: what two councils read to each other to check a key."""
    return hashlib.sha256(raw_key).hexdigest()


def fingerprint_words(value: str) -> str:
    """A fingerprint as people read it aloud: groups of four, "3f2a 91c0 …"."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now_text() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def public_key_from_text(text: str, kind: type) -> bytes:
    """A public key given as base64 of its 32 raw bytes; ValueError in plain words otherwise."""
    try:
        raw = base64.b64decode((text or "").strip().encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise ValueError("is not base64 of a 32-byte key") from None
    if len(raw) != 32:
        raise ValueError("is not base64 of a 32-byte key")
    kind.from_public_bytes(raw)
    return raw


# --- This council's keys --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnKeys:
    signing: Ed25519PrivateKey
    encryption: X25519PrivateKey

    @property
    def signing_public(self) -> bytes:
        return raw_public(self.signing.public_key())

    @property
    def encryption_public(self) -> bytes:
        return raw_public(self.encryption.public_key())


class TransferKeyError(Exception):
    """This council's transfer keys are not set up. Messages name settings and files, never keys."""


def _write_private(path: Path, key) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)


def keys_generate(directory: str | Path) -> tuple[Path, Path]:
    """Write a new signing key and encryption key into `directory` (readable by their owner only; never
    overwrites). Returns their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    signing, encryption = directory / "transfer-signing.pem", directory / "transfer-encryption.pem"
    for path in (signing, encryption):
        if path.exists():
            raise TransferKeyError(f"{path} already exists: keys are never overwritten.")
    _write_private(signing, Ed25519PrivateKey.generate())
    _write_private(encryption, X25519PrivateKey.generate())
    return signing, encryption


def _load(path: str, setting: str, kind: type, words: str):
    if not path:
        raise TransferKeyError(
            f"{setting} is not set: make this council's transfer keys with `cme transfer keys generate DIR` and "
            "name the files in CME_TRANSFER_SIGNING_KEY_FILE and CME_TRANSFER_ENCRYPTION_KEY_FILE."
        )
    try:
        pem = Path(path).read_bytes()
    except OSError as error:
        raise TransferKeyError(f"The key file named in {setting} cannot be read: {error.strerror}.") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise TransferKeyError(f"The file named in {setting} does not hold an unencrypted private key.") from None
    if not isinstance(key, kind):
        raise TransferKeyError(f"The file named in {setting} holds a key of another kind: it needs {words}.")
    return key


def keys_load(*, signing_path: str, encryption_path: str) -> OwnKeys:
    return OwnKeys(
        signing=_load(signing_path, "CME_TRANSFER_SIGNING_KEY_FILE", Ed25519PrivateKey, "an Ed25519 key"),
        encryption=_load(encryption_path, "CME_TRANSFER_ENCRYPTION_KEY_FILE", X25519PrivateKey, "an X25519 key"),
    )


def council_card(*, name: str, code: str, keys: OwnKeys) -> dict:
    """What a council gives another to be added to its register: public keys and their fingerprints."""
    return {
        "format": COUNCIL_FORMAT,
        "version": VERSION,
        "name": name,
        "code": code,
        "signing_key": b64(keys.signing_public),
        "signing_key_fingerprint": fingerprint(keys.signing_public),
        "encryption_key": b64(keys.encryption_public),
        "encryption_key_fingerprint": fingerprint(keys.encryption_public),
    }


# --- Packages -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """A council as the format names it: its code, its name, and one of its public keys (raw bytes)."""

    code: str
    name: str
    key: bytes


def _kek(shared: bytes, ephemeral_public: bytes, recipient_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=WRAP_INFO + ephemeral_public + recipient_public
    ).derive(shared)


def package_seal(
    *, payload: dict, sender: Party, recipient: Party, signing_key: Ed25519PrivateKey
) -> tuple[str, bytes]:
    """A package for `recipient` (its X25519 key in `recipient.key`) signed by `sender` (`sender.key` is its Ed25519
    public key). Returns (package id, the file's bytes)."""
    package_id = str(uuid.uuid4())
    content_key = AESGCM.generate_key(bit_length=256)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = raw_public(ephemeral.public_key())
    kek = _kek(ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.key)), ephemeral_public, recipient.key)
    wrap_nonce, nonce = os.urandom(12), os.urandom(12)
    header = {
        "format": PACKAGE_FORMAT,
        "version": VERSION,
        "package_id": package_id,
        "created_at": utc_now_text(),
        "sender": {"code": sender.code, "name": sender.name, "signing_key_fingerprint": fingerprint(sender.key)},
        "recipient": {
            "code": recipient.code,
            "name": recipient.name,
            "encryption_key_fingerprint": fingerprint(recipient.key),
        },
        "encryption": {
            "key_agreement": KEY_AGREEMENT,
            "kdf": KDF,
            "cipher": CIPHER,
            "ephemeral_public_key": b64(ephemeral_public),
            "wrap_nonce": b64(wrap_nonce),
            "wrapped_key": b64(AESGCM(kek).encrypt(wrap_nonce, content_key, package_id.encode("ascii"))),
            "nonce": b64(nonce),
        },
        "signature_algorithm": SIGNATURE,
    }
    signed = {"header": header, "payload": payload}
    signature = signing_key.sign(canonical(signed))
    plaintext = canonical({**signed, "signature": b64(signature)})
    ciphertext = AESGCM(content_key).encrypt(nonce, plaintext, canonical(header))
    envelope = {**header, "ciphertext": b64(ciphertext)}
    return package_id, json.dumps(envelope, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def read_document(data: bytes) -> dict:
    """The JSON object a transfer file holds; TransferFormatError for anything else (never a Python message)."""
    if len(data) > MAX_FILE_BYTES:
        raise TransferFormatError("The file is too large to be a transfer package or receipt.", reason="malformed")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise TransferFormatError(
            "The file is not a transfer package or receipt: it is not the JSON file cme writes.", reason="malformed"
        ) from None
    if not isinstance(document, dict) or document.get("format") not in (PACKAGE_FORMAT, RECEIPT_FORMAT):
        raise TransferFormatError(
            "The file is not a transfer package or receipt: it does not say it is one.", reason="malformed"
        )
    if document.get("version") != VERSION:
        raise TransferFormatError(
            f"The file is version {document.get('version')!s} of the transfer format; this cme reads version "
            f"{VERSION}.",
            reason="version",
        )
    return document


def _text(document: dict, *path: str) -> str:
    value = document
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value:
        raise TransferFormatError(f"The file has no {'.'.join(path)}.", reason="malformed")
    return value


@dataclass(frozen=True)
class PackageHeader:
    package_id: str
    created_at: str
    sender_code: str
    sender_name: str
    sender_key_fingerprint: str
    recipient_code: str
    recipient_key_fingerprint: str
    header: dict


def package_header(envelope: dict) -> PackageHeader:
    """The envelope's readable header (who it is from and for), checked for shape only: nothing is trusted yet."""
    if envelope.get("format") != PACKAGE_FORMAT:
        raise TransferFormatError("The file is not a transfer package.", reason="malformed")
    encryption = envelope.get("encryption")
    if (
        not isinstance(encryption, dict)
        or (
            encryption.get("key_agreement"),
            encryption.get("kdf"),
            encryption.get("cipher"),
        )
        != (KEY_AGREEMENT, KDF, CIPHER)
        or envelope.get("signature_algorithm") != SIGNATURE
    ):
        raise TransferFormatError("The package uses algorithms this cme does not read.", reason="version")
    header = {key: value for key, value in envelope.items() if key != "ciphertext"}
    return PackageHeader(
        package_id=_text(envelope, "package_id"),
        created_at=_text(envelope, "created_at"),
        sender_code=_text(envelope, "sender", "code"),
        sender_name=_text(envelope, "sender", "name"),
        sender_key_fingerprint=_text(envelope, "sender", "signing_key_fingerprint"),
        recipient_code=_text(envelope, "recipient", "code"),
        recipient_key_fingerprint=_text(envelope, "recipient", "encryption_key_fingerprint"),
        header=header,
    )


def package_open(envelope: dict, *, encryption_key: X25519PrivateKey, sender_signing_key: bytes) -> dict:
    """Decrypt the package with this council's key and check the sender's signature; returns the payload.

    TransferFormatError("cannot_decrypt") if it was not encrypted for this key or was altered; ("bad_signature") if
    the signature is not the sender's over what arrived.
    """
    head = package_header(envelope)
    encryption = head.header["encryption"]
    ephemeral_public = unb64(encryption.get("ephemeral_public_key"), what="ephemeral key")
    wrap_nonce = unb64(encryption.get("wrap_nonce"), what="wrap nonce")
    wrapped = unb64(encryption.get("wrapped_key"), what="wrapped key")
    nonce = unb64(encryption.get("nonce"), what="nonce")
    ciphertext = unb64(envelope.get("ciphertext"), what="ciphertext")
    own_public = raw_public(encryption_key.public_key())
    cannot = TransferFormatError(
        "The package cannot be opened: it was altered on the way, or was not encrypted for this council's key.",
        reason="cannot_decrypt",
    )
    try:
        peer = X25519PublicKey.from_public_bytes(ephemeral_public)
        kek = _kek(encryption_key.exchange(peer), ephemeral_public, own_public)
        content_key = AESGCM(kek).decrypt(wrap_nonce, wrapped, head.package_id.encode("utf-8"))
        plaintext = AESGCM(content_key).decrypt(nonce, ciphertext, canonical(head.header))
    except (InvalidTag, ValueError):
        raise cannot from None
    try:
        inner = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise cannot from None
    bad = TransferFormatError(
        f"The package's signature is not {head.sender_name}'s registered key: it may have been altered or made by "
        "someone else. It has not been imported.",
        reason="bad_signature",
    )
    if not isinstance(inner, dict) or inner.get("header") != head.header or not isinstance(inner.get("payload"), dict):
        raise bad
    signature = unb64(inner.get("signature"), what="signature")
    try:
        Ed25519PublicKey.from_public_bytes(sender_signing_key).verify(
            signature, canonical({"header": inner["header"], "payload": inner["payload"]})
        )
    except InvalidSignature:
        raise bad from None
    return inner["payload"]


# --- Receipts -------------------------------------------------------------------------------------------------------


def receipt_make(
    *, package_id: str, package_sha256: str, sender: Party, recipient_code: str, reference: str,
    signing_key: Ed25519PrivateKey,
) -> bytes:  # fmt: skip
    """The signed receipt the receiving council (`sender` here, its Ed25519 key in `sender.key`) sends back."""
    receipt = {
        "format": RECEIPT_FORMAT,
        "version": VERSION,
        "receipt_id": str(uuid.uuid4()),
        "package_id": package_id,
        "package_sha256": package_sha256,
        "received_at": utc_now_text(),
        "sender": {"code": sender.code, "name": sender.name, "signing_key_fingerprint": fingerprint(sender.key)},
        "recipient": {"code": recipient_code},
        "reference": reference,
        "signature_algorithm": SIGNATURE,
    }
    signature = signing_key.sign(canonical(receipt))
    return json.dumps({**receipt, "signature": b64(signature)}, indent=1, sort_keys=True).encode("utf-8") + b"\n"


@dataclass(frozen=True)
class Receipt:
    receipt_id: str
    package_id: str
    package_sha256: str
    received_at: str
    sender_code: str
    recipient_code: str
    reference: str
    body: dict


def receipt_header(document: dict) -> Receipt:
    if document.get("format") != RECEIPT_FORMAT:
        raise TransferFormatError("The file is not a transfer receipt.", reason="malformed")
    if document.get("signature_algorithm") != SIGNATURE:
        raise TransferFormatError("The receipt uses algorithms this cme does not read.", reason="version")
    body = {key: value for key, value in document.items() if key != "signature"}
    return Receipt(
        receipt_id=_text(document, "receipt_id"),
        package_id=_text(document, "package_id"),
        package_sha256=_text(document, "package_sha256"),
        received_at=_text(document, "received_at"),
        sender_code=_text(document, "sender", "code"),
        recipient_code=_text(document, "recipient", "code"),
        reference=str(document.get("reference") or ""),
        body=body,
    )


def receipt_verify(document: dict, *, sender_signing_key: bytes) -> Receipt:
    receipt = receipt_header(document)
    signature = unb64(document.get("signature"), what="signature")
    try:
        Ed25519PublicKey.from_public_bytes(sender_signing_key).verify(signature, canonical(receipt.body))
    except InvalidSignature:
        raise TransferFormatError(
            "The receipt's signature is not the receiving council's registered key: it has not been recorded.",
            reason="bad_signature",
        ) from None
    return receipt
