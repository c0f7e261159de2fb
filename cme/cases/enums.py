"""Code sets for casework (domain.md sections 2.6, 3, 4)."""

from django.db import models


class ReferralSource(models.TextChoices):
    SCHOOL = "school", "A school"
    PROFESSIONAL = "professional", "A professional"
    PUBLIC = "public", "A member of the public"
    OTHER_COUNCIL = "other_council", "Another council"
    DATA_MATCH = "data_match", "Data matching"
    INTERNAL = "internal", "Within the council"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ACCEPTED = "accepted", "Accepted"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class CaseStatus(models.TextChoices):
    """A case's lifecycle. Every move between these is a person's recorded decision (see services.cases)."""

    OPEN = "open", "Open"
    ENQUIRIES = "enquiries", "Making enquiries"
    LOCATED = "located", "Child located"
    CLOSED = "closed", "Closed"


# The moves an officer may make by hand; closing and reopening have their own decisions with extra fields.
STATUS_MOVES = {
    CaseStatus.OPEN: {CaseStatus.ENQUIRIES, CaseStatus.LOCATED},
    CaseStatus.ENQUIRIES: {CaseStatus.LOCATED, CaseStatus.OPEN},
    CaseStatus.LOCATED: {CaseStatus.ENQUIRIES},
    CaseStatus.CLOSED: set(),
}


class RiskLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", "Not assessed"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class CmeReason(models.TextChoices):
    """Why the child is, or may be, missing education: the case's primary reason (LA practice, domain.md 2.6)."""

    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", "Whereabouts unknown: all contact failed"
    MOVED_DESTINATION_UNKNOWN = "moved_destination_unknown", "Moved away, destination school unknown"
    NEW_TO_AREA = "new_to_area", "New to the area, no school place"
    PLACE_NOT_TAKEN_UP = "place_not_taken_up", "Did not take up an offered school place"
    REMOVED_FROM_ROLL = "removed_from_roll", "Removed from a school roll, no known destination"
    EXCLUDED_NO_PROVISION = "excluded_no_provision", "Excluded with no alternative provision"
    UNSUITABLE_HOME_EDUCATION = "unsuitable_home_education", "Home education judged unsuitable"
    REDUCED_TIMETABLE = "reduced_timetable", "At risk: part-time timetable"
    OTHER = "other", "Other"


class EnquiryAgency(models.TextChoices):
    """The checks a CME officer makes to find a child: every agency the privacy notice names, and the usual ones."""

    SCHOOL = "school", "Last known school"
    ADMISSIONS = "admissions", "School admissions"
    HOUSING = "housing", "Housing"
    COUNCIL_TAX = "council_tax", "Council tax"
    BENEFITS = "benefits", "Benefits"
    GP_HEALTH = "gp_health", "GP and health services"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    POLICE = "police", "Police"
    HOME_OFFICE = "home_office", "Home Office (UK border agency)"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    EARLY_HELP = "early_help", "Early help"
    OTHER_COUNCIL = "other_council", "Another council's CME officer"
    HOME_VISIT = "home_visit", "Home visit"
    LOST_PUPIL_DATABASE = "lost_pupil_database", "Lost pupil database (School to School)"


class EnquiryResult(models.TextChoices):
    AWAITING = "awaiting", "Awaiting a response"
    NO_TRACE = "no_trace", "No trace of the child"
    INFORMATION_FOUND = "information_found", "Information found"
    CHILD_LOCATED = "child_located", "Child located"
    NO_RESPONSE = "no_response", "No response"


class DecisionKind(models.TextChoices):
    """Every decision the service makes is one of these, made and signed by a person with a rationale."""

    ACCEPT_REFERRAL = "accept_referral", "Accept referral"
    NO_FURTHER_ACTION = "no_further_action", "No further action on referral"
    CHANGE_STATUS = "change_status", "Change case status"
    SET_RISK = "set_risk", "Set risk level"
    REALLOCATE = "reallocate", "Reallocate case"
    ESCALATE_SOCIAL_CARE = "escalate_social_care", "Escalate to children's social care"
    ESCALATE_POLICE = "escalate_police", "Escalate to the police"
    REFER_OTHER_COUNCIL = "refer_other_council", "Refer to another council"
    START_SAO = "start_sao", "Start school attendance order steps"
    SAO_STEP = "sao_step", "School attendance order step"
    CLOSE_CASE = "close_case", "Close case"
    REOPEN_CASE = "reopen_case", "Reopen case"
    MATCH_RETURN = "match_return", "Match a school's return to a child"
    REFER_RETURN = "refer_return", "Refer a school's return for CME enquiries"
    RETURN_NO_FURTHER_ACTION = "return_no_further_action", "No further action on a school's return"
    REQUEST_SIGN_OFF = "request_sign_off", "Ask a manager to sign off closing the case"
    APPROVE_SIGN_OFF = "approve_sign_off", "Sign off closing the case"
    SEND_BACK_SIGN_OFF = "send_back_sign_off", "Send back a request to close the case"

    ADD_TO_OPEN_CASE = "add_to_open_case", "Add evidence to the child's open case"


# Decisions that send information about the child outside the CME service: each is also a disclosure.
DISCLOSING_DECISIONS = {
    DecisionKind.ESCALATE_SOCIAL_CARE,
    DecisionKind.ESCALATE_POLICE,
    DecisionKind.REFER_OTHER_COUNCIL,
}


class Outcome(models.TextChoices):
    """How a case ended (domain.md section 4)."""

    ON_ROLL_THIS_LA = "on_roll_this_la", "On roll at a school in this council's area"
    ON_ROLL_OTHER_LA = "on_roll_other_la", "On roll in another English council's area"
    # The case went to the council where the child now lives (cme.transfers), which carries on the work.
    KNOWN_OTHER_LA = "known_other_la", "On roll or known in another council"
    WALES_SCOTLAND_NI = "wales_scotland_ni", "In Wales, Scotland or Northern Ireland"
    MOVED_ABROAD_CONFIRMED = "moved_abroad_confirmed", "Moved abroad (confirmed)"
    MOVED_ABROAD_UNCONFIRMED = "moved_abroad_unconfirmed", "Moved abroad (not confirmed)"
    EHE_SUITABLE = "ehe_suitable", "Home education judged suitable"
    ALTERNATIVE_PROVISION = "alternative_provision", "Section 19, alternative provision or EOTAS arranged"
    SAO_SERVED = "sao_served", "School attendance order served"
    REFERRED_SOCIAL_CARE_POLICE = "referred_social_care_police", "Referred to children's social care or police"
    WHEREABOUTS_UNKNOWN = "whereabouts_unknown", "Whereabouts unknown after full enquiries"
    END_OF_COMPULSORY_AGE = "end_of_compulsory_age", "Reached the end of compulsory school age"
    DIED = "died", "Died"


class DocumentKind(models.TextChoices):
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    REPORT = "report", "Report"
    PHOTO = "photo", "Photograph"
    FORM = "form", "Form"
    OTHER = "other", "Other"


# Outcomes that mean the child was found on a school's roll: closing with one records the school and start date.
ON_ROLL_OUTCOMES = frozenset({Outcome.ON_ROLL_THIS_LA, Outcome.ON_ROLL_OTHER_LA})

# Outcomes that mean the child left for another council's area or another country: the closing page asks which.
COUNCIL_OUTCOMES = frozenset({Outcome.ON_ROLL_OTHER_LA, Outcome.KNOWN_OTHER_LA, Outcome.WALES_SCOTLAND_NI})
COUNTRY_OUTCOMES = frozenset({Outcome.MOVED_ABROAD_CONFIRMED, Outcome.MOVED_ABROAD_UNCONFIRMED})

# What a new council's settings ask a manager to sign off before a case closes (issue 12: a team's usual practice).
DEFAULT_SIGN_OFF_OUTCOMES = (
    Outcome.WHEREABOUTS_UNKNOWN,
    Outcome.MOVED_ABROAD_CONFIRMED,
    Outcome.MOVED_ABROAD_UNCONFIRMED,
    Outcome.DIED,
    Outcome.EHE_SUITABLE,
)


class SignOffState(models.TextChoices):
    """Where a request to close a case stands. Each move is a person's recorded decision."""

    WAITING = "waiting", "Waiting for a manager"
    APPROVED = "approved", "Signed off"
    SENT_BACK = "sent_back", "Sent back"


class LetterKind(models.TextChoices):
    """The letters a council sends from a case; each has a default template the council may edit."""

    FIND_CHILD = "find_child", "We are trying to find your child"
    AGENCY_ENQUIRY = "agency_enquiry", "Enquiry to an agency"
    SAO_NOTICE = "sao_notice", "School attendance order: notice to satisfy the council (s437(1))"
    SAO_SCHOOL_NOTICE = "sao_school_notice", "School attendance order: the school the council intends to name (s438)"
    SAO_ORDER = "sao_order", "School attendance order"
    SAO_REVOCATION = "sao_revocation", "School attendance order: revocation"
    SAO_PROSECUTION_REFERRAL = "sao_prosecution_referral", "School attendance order: referral for prosecution (s443)"
    SAO_PRELIMINARY_NOTICE = "sao_preliminary_notice", "School attendance order (2026 Act): preliminary notice"
    SAO_NOMINATION_NOTICE = "sao_nomination_notice", "School attendance order (2026 Act): school nomination notice"


class AttendanceOrderStage(models.TextChoices):
    """The steps of a school attendance order process, named in plain words; which statute's section each step
    rests on depends on the process's regime (cme.cases.attendance_orders.STAGE_RULES)."""

    NOTICE_SERVED = "notice_served", "Notice served on the parent"
    PARENT_ANSWERED = "parent_answered", "Not satisfied: the parent's answer considered"
    SCHOOL_NOTICE_SERVED = "school_notice_served", "Notice of the school the council intends to name served"
    PARENT_CHOICE = "parent_choice", "The parent's choice of school recorded"
    ORDER_SERVED = "order_served", "School attendance order served"
    COMPLIED = "complied", "The parent complied: the child is a registered pupil"
    REVOKED = "revoked", "Order revoked"
    REFERRED_FOR_PROSECUTION = "referred_for_prosecution", "Referred for prosecution"
    ENDED_SATISFIED = "ended_satisfied", "Ended: the council is satisfied the child receives suitable education"
