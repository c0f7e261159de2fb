"""Signed checkpoints of the chain head, kept outside the database, and the proof that the chain still extends them.

A checkpoint is a small JSON file: the head's sequence number and hash, the time, and an Ed25519 signature over
those (by the key in `CME_AUDIT_SIGNING_KEY_FILE`). The DPO keeps the files wherever the council chooses. Someone
who later rewrites the chain (even holding the HMAC key), truncates it or swaps in another copy cannot make entry N
hash to what a checkpoint made before recorded, so `cme audit verify --checkpoints DIR` names the first checkpoint
the present chain contradicts.
"""

import base64
import binascii
import json
import os
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from django.db import router
from django.utils import timezone

from .chain import GENESIS_HASH, canonical_json
from .keys import public_key_id, signing_key, verify_key
from .models import AuditChainHead, AuditEntry

FORMAT = "cme.audit.checkpoint.v1"
FILE_PATTERN = "audit-checkpoint-*.json"


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    time: str
    signing_key: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.path.name} (entry {self.sequence}, made {self.time})"


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint: Checkpoint | None
    path: Path
    kind: str  # unreadable, unsigned, truncated, rewritten
    message: str


def _body(sequence: int, entry_hash: str, time: str, key_id: str) -> dict:
    return {"format": FORMAT, "sequence": sequence, "hash": entry_hash, "time": time, "signing_key": key_id}


def checkpoint_write(*, directory: str | Path) -> Checkpoint:
    """Sign the chain head as it stands and write it to a new file in `directory` (made if missing)."""
    key = signing_key()
    key_id = public_key_id(key.public_key())
    alias = router.db_for_read(AuditEntry)
    head = AuditChainHead.objects.using(alias).filter(pk=1).values_list("last_sequence", "last_hash").first()
    sequence, entry_hash = head if head is not None else (0, GENESIS_HASH)
    now = timezone.now().astimezone(UTC)
    body = _body(sequence, entry_hash, now.isoformat(timespec="microseconds"), key_id)
    signature = key.sign(canonical_json(body).encode())
    document = {**body, "signature": base64.b64encode(signature).decode("ascii")}
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-checkpoint-{sequence:012d}-{now:%Y%m%dT%H%M%S%fZ}.json"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return Checkpoint(sequence, entry_hash, body["time"], key_id, path)


def _read(path: Path, public_key) -> Checkpoint | CheckpointProblem:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        body = _body(
            int(document["sequence"]), str(document["hash"]), str(document["time"]), str(document["signing_key"])
        )
        if document.get("format") != FORMAT or body["sequence"] < 0:
            raise ValueError
        signature = base64.b64decode(document["signature"], validate=True)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, binascii.Error):
        return CheckpointProblem(None, path, "unreadable", f"Checkpoint {path.name} cannot be read as a checkpoint.")
    checkpoint = Checkpoint(body["sequence"], body["hash"], body["time"], body["signing_key"], path)
    try:
        public_key.verify(signature, canonical_json(body).encode())
    except InvalidSignature:
        return CheckpointProblem(
            checkpoint,
            path,
            "unsigned",
            f"Checkpoint {checkpoint.label} is not signed by the audit signing key: it was altered or forged.",
        )
    return checkpoint


def checkpoints_check(*, directory: str | Path, head_sequence: int) -> tuple[int, CheckpointProblem | None]:
    """Check every checkpoint file in `directory` against the chain as stored; return how many were checked and
    the first contradicted (in order of sequence), or None.

    Call it after `chain_verify` found the chain intact up to `head_sequence`: each stored hash is then the hash
    its entry really has, so a checkpoint whose entry still carries its hash is a prefix of the present chain.
    """
    public_key = verify_key()
    paths = sorted(Path(directory).glob(FILE_PATTERN))
    checkpoints = []
    for path in paths:
        read = _read(path, public_key)
        if isinstance(read, CheckpointProblem):
            return len(checkpoints), read
        checkpoints.append(read)
    checkpoints.sort(key=lambda checkpoint: (checkpoint.sequence, checkpoint.time))
    wanted = {checkpoint.sequence for checkpoint in checkpoints if 0 < checkpoint.sequence <= head_sequence}
    alias = router.db_for_read(AuditEntry)
    stored = dict(AuditEntry.objects.using(alias).filter(sequence__in=wanted).values_list("sequence", "entry_hash"))
    stored[0] = GENESIS_HASH
    for checked, checkpoint in enumerate(checkpoints):
        if checkpoint.sequence > head_sequence:
            return checked, CheckpointProblem(
                checkpoint,
                checkpoint.path,
                "truncated",
                f"Checkpoint {checkpoint.label} is contradicted: the chain now ends at entry {head_sequence}, so "
                f"entries up to {checkpoint.sequence} were removed (the chain was truncated).",
            )
        found = stored.get(checkpoint.sequence)
        if found != checkpoint.hash:
            now = "is missing" if found is None else f"now has hash {found}"
            return checked, CheckpointProblem(
                checkpoint,
                checkpoint.path,
                "rewritten",
                f"Checkpoint {checkpoint.label} is contradicted: it records hash {checkpoint.hash}, but entry "
                f"{checkpoint.sequence} {now}. The chain was rewritten at or before entry {checkpoint.sequence}, "
                "or replaced by another copy (forked).",
            )
    return len(checkpoints), None
