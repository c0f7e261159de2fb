"""The keys the audit trail is protected with, all held outside the database.

- `CME_AUDIT_KEYS`: HMAC-SHA-256 keys, base64url-encoded 32 bytes each, newest first (or `CME_AUDIT_KEYS_FILE`,
  one key a line). New entries are hashed under the first; each entry names its key's id, so an older key kept in
  the list still verifies the entries made under it. A key's id is a fingerprint that names it without revealing it.
- `CME_AUDIT_SIGNING_KEY_FILE`: an Ed25519 private key (PEM, PKCS #8) that signs checkpoints of the chain head.
  Verifying checkpoints needs only its public half: the same setting may name a file holding just the public key.
"""

import base64
import binascii
import functools
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

KEY_BYTES = 32
_BLOCK = 64  # SHA-256's block size, which HMAC pads the key to
KEY_ID_LENGTH = 8
_KEY_ID_LABEL = b"cme audit key id\x00"
_SIGNING_KEY_ID_LABEL = b"cme audit signing key id\x00"

Digest = Callable[[bytes], str]


class AuditKeyError(Exception):
    """A key is missing, malformed or unknown. Messages name positions and ids, never keys."""


def _sha256(message: bytes, _new=hashlib.sha256) -> str:
    return _new(message).hexdigest()


def _hmac_digest(key: bytes) -> Digest:
    """HMAC-SHA-256 under `key` (RFC 2104), with the padded key's first block hashed once, up front.

    The same result as `hmac.digest(key, message, "sha256")` (a test holds them equal) at half its cost: the
    verifier hashes every entry, and OpenSSL's one-shot HMAC sets itself up afresh on every call.
    """
    block = key.ljust(_BLOCK, b"\0") if len(key) <= _BLOCK else hashlib.sha256(key).digest().ljust(_BLOCK, b"\0")
    inner_start = hashlib.sha256(bytes(byte ^ 0x36 for byte in block))
    outer_start = hashlib.sha256(bytes(byte ^ 0x5C for byte in block))

    def keyed(message: bytes) -> str:
        inner = inner_start.copy()
        inner.update(message)
        outer = outer_start.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    return keyed


@dataclass(frozen=True)
class AuditKeyring:
    """The HMAC keys by id, newest first. `digest("")` is plain SHA-256, for entries made before keys existed."""

    newest_id: str
    key_ids: tuple[str, ...]
    digests: dict[str, Digest]

    def digest(self, key_id: str) -> Digest:
        try:
            return self.digests[key_id]
        except KeyError:
            raise AuditKeyError(
                f"Audit key {key_id} is not in CME_AUDIT_KEYS: put it back (after the newest) to verify its entries."
            ) from None

    @property
    def newest(self) -> Digest:
        return self.digests[self.newest_id]


def generate_key() -> str:
    """A new random 256-bit audit key, base64url-encoded as CME_AUDIT_KEYS expects."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def key_id_of(raw_key: bytes) -> str:
    return hashlib.sha256(_KEY_ID_LABEL + raw_key).hexdigest()[:KEY_ID_LENGTH]


def _decode(encoded: str, position: int) -> bytes:
    text = encoded.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise AuditKeyError(
            f"CME_AUDIT_KEYS entry {position + 1} is not a base64-encoded {KEY_BYTES}-byte key "
            "(make one with `cme audit generate-key`)."
        )
    return raw


@functools.lru_cache(maxsize=8)
def keyring_from(encoded_keys: tuple[str, ...]) -> AuditKeyring:
    """Build a keyring from base64url keys, newest first."""
    if not encoded_keys:
        raise AuditKeyError("CME_AUDIT_KEYS is empty: the audit trail needs at least one key.")
    digests: dict[str, Digest] = {"": _sha256}
    ids = []
    for position, encoded in enumerate(encoded_keys):
        raw = _decode(encoded, position)
        key_id = key_id_of(raw)
        if key_id in digests:
            raise AuditKeyError(f"CME_AUDIT_KEYS entry {position + 1} repeats key {key_id}.")
        digests[key_id] = _hmac_digest(raw)
        ids.append(key_id)
    return AuditKeyring(newest_id=ids[0], key_ids=tuple(ids), digests=digests)


def audit_keyring() -> AuditKeyring:
    """The keyring `CME_AUDIT_KEYS` describes now (cached per value of the setting)."""
    return keyring_from(tuple(settings.CME_AUDIT_KEYS))


def keys_from_file(path: str | Path) -> list[str]:
    """The keys in a key file: one a line, newest first; blank lines and lines starting with # are skipped."""
    lines = Path(path).read_text(encoding="ascii").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


# --- Signing checkpoints ---------------------------------------------------------------------------------------


def signing_key_generate(path: str | Path) -> Ed25519PublicKey:
    """Write a new Ed25519 private key to `path` (readable by its owner only; never overwrites) and return its
    public half."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
    return key.public_key()


def _signing_path() -> Path:
    path = getattr(settings, "CME_AUDIT_SIGNING_KEY_FILE", "")
    if not path:
        raise AuditKeyError(
            "CME_AUDIT_SIGNING_KEY_FILE is not set: name the file holding the Ed25519 key that signs checkpoints "
            "(make one with `cme audit generate-signing-key FILE`)."
        )
    return Path(path)


def _read_pem(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise AuditKeyError(f"The audit signing key file {path} cannot be read: {error.strerror}.") from None


def signing_key() -> Ed25519PrivateKey:
    """The private key that signs checkpoints, from `CME_AUDIT_SIGNING_KEY_FILE`."""
    path = _signing_path()
    try:
        key = serialization.load_pem_private_key(_read_pem(path), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise AuditKeyError(f"{path} does not hold an unencrypted Ed25519 private key in PEM.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"{path} holds a key of another kind: checkpoints are signed with Ed25519.")
    return key


def verify_key() -> Ed25519PublicKey:
    """The public key checkpoints are checked against: from `CME_AUDIT_SIGNING_KEY_FILE`, private or public PEM."""
    path = _signing_path()
    pem = _read_pem(path)
    if b"PRIVATE KEY" in pem:
        return signing_key().public_key()
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        raise AuditKeyError(f"{path} does not hold an Ed25519 key in PEM.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise AuditKeyError(f"{path} holds a key of another kind: checkpoints are signed with Ed25519.")
    return key


def public_key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(_SIGNING_KEY_ID_LABEL + raw).hexdigest()[:KEY_ID_LENGTH]
