"""Letters: the council's templates, and each letter generated from one for a case."""

from django.conf import settings
from django.db import models

from ..enums import LetterKind


class LetterTemplate(models.Model):
    """The council's own wording for one kind of letter, replacing the default cme ships with.

    `subject` and `body` are Django template text limited to the merge fields in `cme.cases.letters.MERGE_FIELDS`,
    checked when saved (`letter_template_save`). A kind with no row uses the default.
    """

    kind = models.CharField(max_length=40, choices=LetterKind.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class Letter(models.Model):
    """A letter generated for a case: its PDF is a document on the case; once sent, a disclosure in the log."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=40, choices=LetterKind.choices)
    document = models.OneToOneField("cases.Document", on_delete=models.CASCADE, related_name="letter")
    carer = models.ForeignKey(
        "people.Carer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The addressee."
    )
    enquiry = models.ForeignKey(
        "cases.Enquiry", null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    attendance_order_step = models.ForeignKey(
        "cases.AttendanceOrderStep", null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    recipient_name = models.CharField(max_length=200, help_text="As printed on the letter.")
    recipient_address = models.TextField(blank=True, help_text="As printed on the letter.")
    template_version = models.PositiveIntegerField(help_text="0 for cme's default wording.")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disclosure = models.ForeignKey(
        "privacy.Disclosure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-generated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for case {self.case_id}"
