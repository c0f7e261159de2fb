"""The register of councils a case can move to or come from, and the transfers made and received."""

from django.conf import settings
from django.db import models

from .enums import IncomingState


class Council(models.Model):
    """Another council's cme, added once by a system administrator after the two councils exchanged public keys
    (and read each other the fingerprints). Its keys check its packages and receipts and encrypt packages for it."""

    name = models.CharField(max_length=150)
    code = models.CharField(max_length=20, unique=True, help_text="The DfE LA number, e.g. 334.")
    signing_key = models.CharField(max_length=60, help_text="Ed25519 public key, base64 of 32 bytes.")
    encryption_key = models.CharField(max_length=60, help_text="X25519 public key, base64 of 32 bytes.")
    signing_key_fingerprint = models.CharField(max_length=64)
    encryption_key_fingerprint = models.CharField(max_length=64)
    is_active = models.BooleanField(default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class OutgoingTransfer(models.Model):
    """A package made from a case for another council: kept encrypted for that council (this cme cannot read it
    back), to download again for the secure transfer route, until the receipt comes back."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="transfers_out")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="transfers_out")
    package_id = models.CharField(max_length=36, unique=True)
    package_sha256 = models.CharField(max_length=64)
    package = models.BinaryField(help_text="The package file, encrypted for the receiving council.")
    include_notes = models.BooleanField(default=False)
    rationale = models.TextField()
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    received_at = models.DateTimeField(null=True, blank=True, help_text="When the receiving council says it arrived.")
    receipt_reference = models.CharField(max_length=100, blank=True)
    receipt_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"Transfer {self.pk} to {self.council.name}"

    @property
    def reference(self) -> str:
        return f"TRF-{self.pk:06d}"


class IncomingTransfer(models.Model):
    """A package another council sent, verified and imported. While it waits for an officer to say which child it
    is about, only the encrypted file is held; once received, the file goes and the referral carries what came."""

    package_id = models.CharField(max_length=36, unique=True)
    package_sha256 = models.CharField(max_length=64)
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="transfers_in")
    state = models.CharField(max_length=10, choices=IncomingState.choices, default=IncomingState.WAITING)
    package = models.BinaryField(blank=True, help_text="The encrypted file, kept only while waiting.")
    referral = models.ForeignKey(
        "cases.Referral", null=True, blank=True, on_delete=models.CASCADE, related_name="transfers_in"
    )
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    receipt = models.BinaryField(blank=True, help_text="The signed receipt to send back (no personal data).")

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"Transfer received {self.pk} from {self.council.name}"

    @property
    def reference(self) -> str:
        return f"TRF-IN-{self.pk:06d}"
