"""Code sets for schools and enrolments (domain.md sections 2.2 and 10.2)."""

from django.db import models


class EnrolmentStatus(models.TextChoices):
    """How a pupil is registered at a school (the census enrolment status)."""

    SINGLE = "C", "Current (single registration)"
    MAIN_DUAL = "M", "Main (dual registration)"
    SUBSIDIARY_DUAL = "S", "Subsidiary (dual registration)"


class EnrolmentSource(models.TextChoices):
    """How cme came to know of an enrolment: what put the child on (or back on) the school's roll in cme."""

    NOT_RECORDED = "", "Not recorded"
    NEW_PUPIL_RETURN = "new_pupil_return", "The school's new-pupil return"
    CTF = "ctf", "A Common Transfer File"
    CASE_CLOSURE = "case_closure", "Found on the school's roll when a case closed"
    DEMO = "demo", "The demo data"


class DeletionGround(models.TextChoices):
    """Grounds for deleting a pupil of compulsory school age from the admission register: reg 9(1), SI 2024/208."""

    A = "A", "A – registered at another school"
    B = "B", "B – finished nursery education, not returning"
    C = "C", "C – dual registration ended"
    D = "D", "D – school attendance order amended to name another school"
    E = "E", "E – school attendance order revoked"
    F = "F", "F – parent will educate otherwise than at school (in writing)"
    G = "G", "G – no longer lives within reasonable distance"
    H = "H", "H – did not return within 10 school days after leave of absence"
    I = "I", "I – continuously absent for 20 school days"  # noqa: E741 - the statutory letter
    J = "J", "J – detained under a sentence of detention"
    K = "K", "K – has died"
    L = "L", "L – over compulsory school age, not continuing into the sixth form"
    M = "M", "M – boarding fees unpaid"
    N = "N", "N – stopped being a pupil at an independent or non-maintained special school"
    O = "O", "O – permanently excluded"  # noqa: E741 - the statutory letter


class ReturnKind(models.TextChoices):
    """What a school is telling the council (reg 13 of SI 2024/208, Working Together, and Common Transfer Files)."""

    DELETION = "deletion", "Deletion from the admission register"
    NEW_PUPIL = "new_pupil", "New pupil"
    UNAUTHORISED_ABSENCE = "unauthorised_absence", "Continuous unauthorised absence (10 school days)"
    SICKNESS = "sickness", "Absence through sickness (15 school days)"
    PART_TIME_TIMETABLE = "part_time_timetable", "Part-time timetable"
    TIMETABLE_REVIEW = "timetable_review", "Part-time timetable review"
    TIMETABLE_END = "timetable_end", "Part-time timetable ended"
    PLACE_NOT_TAKEN_UP = "place_not_taken_up", "Offered place not taken up"
    CTF_PUPIL = "ctf_pupil", "Pupil in a Common Transfer File"
    LOST_PUPIL = "lost_pupil", "Lost pupil (Common Transfer File, destination not known)"


# The kinds a school user sends one at a time through the question pages (reviews and endings start from the timetable).
FORM_KINDS = (
    ReturnKind.DELETION,
    ReturnKind.NEW_PUPIL,
    ReturnKind.UNAUTHORISED_ABSENCE,
    ReturnKind.SICKNESS,
    ReturnKind.PART_TIME_TIMETABLE,
    ReturnKind.PLACE_NOT_TAKEN_UP,
)

# What the date of each kind of return means, in the words the pages use.
EVENT_DATE_LABELS = {
    ReturnKind.DELETION: "Date the pupil's name was deleted",
    ReturnKind.NEW_PUPIL: "Pupil's starting day",
    ReturnKind.UNAUTHORISED_ABSENCE: "First day of the absence",
    ReturnKind.SICKNESS: "First day of the absence",
    ReturnKind.PART_TIME_TIMETABLE: "Date the timetable started",
    ReturnKind.TIMETABLE_REVIEW: "Date of the review",
    ReturnKind.TIMETABLE_END: "Date the timetable ended",
    ReturnKind.PLACE_NOT_TAKEN_UP: "Date the pupil was expected to start",
    ReturnKind.CTF_PUPIL: "Date of the file",
    ReturnKind.LOST_PUPIL: "Date of the file",
}


class ReturnChannel(models.TextChoices):
    """How a return reached the council."""

    WEB = "web", "Online form"
    API = "api", "API"
    CSV = "csv", "Spreadsheet upload (CSV)"
    CTF = "ctf", "Common Transfer File"


class TriageState(models.TextChoices):
    """Where an officer's triage of a return stands. Each move is a person's recorded decision."""

    RECEIVED = "received", "Waiting to be triaged"
    REFERRED = "referred", "Referred for CME enquiries"
    ADDED_TO_CASE = "added_to_case", "Added to the child's open case"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class SchoolView(models.TextChoices):
    """What a school may see of the council's work on its return: a summary, never case details."""

    RECEIVED = "received", "Received"
    LOOKING_INTO = "looking_into", "Being looked into"
    CLOSED = "closed", "Closed"


class AtRiskReason(models.TextChoices):
    """Why a pupil is on the at-risk list (domain.md 1.3 and 2.5: children missing out on education)."""

    PART_TIME_TIMETABLE = "part_time_timetable", "Part-time timetable"
    LONG_ABSENCE = "long_absence", "Long absence"
    DESTINATION_UNKNOWN = "destination_unknown", "Deleted, destination not known"
    PLACE_NOT_TAKEN_UP = "place_not_taken_up", "Offered place not taken up"
