"""Reads of schools."""

from django.db.models import Count, Q, QuerySet

from .models import Enrolment, School


def school_list(*, search: str = "", phase: str = "") -> QuerySet[School]:
    """Schools with the number of pupils currently on roll in cme, for the register page."""
    on_roll = Count("enrolments", filter=Q(enrolments__leave_date__isnull=True))
    schools = School.objects.annotate(on_roll=on_roll).order_by("name", "urn")
    if search:
        schools = schools.filter(Q(name__icontains=search) | Q(urn__startswith=search) | Q(postcode__icontains=search))
    if phase:
        schools = schools.filter(phase_name=phase)
    return schools


def school_get(*, urn: int) -> School | None:
    return school_list().filter(urn=urn).first()


def school_phases() -> list[str]:
    return list(
        School.objects.exclude(phase_name="").order_by("phase_name").values_list("phase_name", flat=True).distinct()
    )


def school_counts() -> dict[str, int]:
    """Open schools and pupils currently on roll at them."""
    return {
        "open": School.objects.filter(status__istartswith="open").count(),
        "on_roll": Enrolment.objects.filter(leave_date__isnull=True).count(),
    }


def school_urn_for_laestab(*, la_code: str, establishment_number: str) -> int | None:
    """The URN of the school with this LA code and establishment number (as a CTF names it), open schools first."""
    school = (
        School.objects.filter(la_code=la_code, establishment_number=establishment_number)
        .order_by("-status", "pk")
        .values_list("urn", flat=True)
        .first()
    )
    return school
