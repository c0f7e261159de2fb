"""Code sets for transfers between councils."""

from django.db import models


class IncomingState(models.TextChoices):
    WAITING = "waiting", "Waiting for an officer to say which child it is about"
    RECEIVED = "received", "Received: referral opened"


class RefusalReason(models.TextChoices):
    """Why a file was refused: recorded in the audit entry."""

    MALFORMED = "malformed", "Not a transfer file"
    VERSION = "version", "A version or algorithm this cme does not read"
    UNKNOWN_SENDER = "unknown_sender", "From a council not in the register"
    WRONG_RECIPIENT = "wrong_recipient", "Made for another council"
    CANNOT_DECRYPT = "cannot_decrypt", "Could not be decrypted"
    BAD_SIGNATURE = "bad_signature", "Signature not the sender's"
    REPLAY = "replay", "Already imported"
    UNKNOWN_PACKAGE = "unknown_package", "A receipt for no transfer this council made"
