"""The privacy vocabulary: data categories, lawful bases, purposes, conditions, sources, recipients, retention rules."""

from django.db import models


class DataCategory(models.TextChoices):
    IDENTITY = "identity", "Identity (name, title, date of birth, sex)"
    CONTACT = "contact", "Contact details (address, telephone, email)"
    FAMILY = "family", "Family and relationships (including marital or civil partnership status)"
    EDUCATION = "education", "Involvement with schools and education"
    BENEFITS = "benefits", "Receipt of benefits"
    IMMIGRATION = "immigration", "Involvement with the UK border agency"
    POLICE_PROBATION = "police_probation", "Involvement with police or probation"
    ETHNICITY = "ethnicity", "Race or ethnicity"
    CRIMINAL_OFFENCE = "criminal_offence", "Offences, alleged offences, proceedings and sentences"
    SEN_DISABILITY = "sen_disability", "Special educational needs and disability"
    STATUTORY_SERVICES = (
        "statutory_services",
        "Involvement with statutory services (social care, health, youth justice)",
    )
    CASEWORK = "casework", "Case records, file notes and reports"
    # Not in the seed notice, which speaks to families: the catalogue needs them for everything else cme holds.
    ACCOUNT = "account", "Sign-in and account details of people who use the system"
    ACCOUNTABILITY = "accountability", "Records of who looked at, changed or shared information"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6 bases the service relies on (the notice names the first two)."""

    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Art. 6(1)(c))"
    PUBLIC_TASK = "public_task", "Public task (UK GDPR Art. 6(1)(e))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Art. 6(1)(d))"


class Purpose(models.TextChoices):
    """The eight purposes in the privacy notice."""

    ADMINISTER_SERVICE = "administer_service", "Administering the service"
    SUPPORT_DECISIONS = "support_decisions", "Making decisions about support"
    IDENTIFY_CME = "identify_cme", "Identifying children missing, or at risk of missing, education"
    LOCATE = "locate", "Enquiries to find where a child is"
    STAFF_TRAINING = "staff_training", "Staff education, training and development"
    SAFEGUARDING = "safeguarding", "Safeguarding and using legal powers"
    ANALYTICS = "analytics", "Analysis to understand and plan support"
    EQUAL_OPPORTUNITIES = "equal_opportunities", "Equal opportunities monitoring"


class Direction(models.TextChoices):
    SHARED_OUT = "out", "Shared out"
    RECEIVED_IN = "in", "Received in"


# The vocabularies below are the data catalogue's (cme.privacy.catalogue), which holds each member's plain-words
# description. No model stores them as choices, so adding a member needs no migration.


class LegalClass(models.TextChoices):
    """How the law classes a data category."""

    ORDINARY = "ordinary", "Personal data"
    SPECIAL = "special", "Special category data (UK GDPR Art. 9)"
    CRIMINAL = "criminal", "Criminal offence data (UK GDPR Art. 10)"


class DataSubject(models.TextChoices):
    """Whose personal data a field holds, or may mention."""

    CHILD = "child", "Children"
    CARER = "carer", "Parents and carers"
    OTHER_PERSON = "other_person", "Other people mentioned in a child's records, such as others in the household"
    REFERRER = "referrer", "People who tell us about a child"
    PROFESSIONAL = "professional", "Professionals we work with"
    STAFF = "staff", "People who use the system (council, school and partner agency staff)"
    # Whoever types a user name at the sign-in page: usually staff, but it may be anyone, and what they type is kept.
    ANYONE_SIGNING_IN = "anyone_signing_in", "Anyone who tries to sign in to the system"


class SpecialCondition(models.TextChoices):
    """The Art. 9 condition relied on for special category data, with its DPA 2018 Schedule 1 paragraph.

    Art. 9(2)(g) (substantial public interest) needs a basis in domestic law: DPA 2018 s10(3) says that is a condition
    in Part 2 of Schedule 1. Each Part 2 condition also needs an appropriate policy document (Sch. 1 para 5).
    """

    STATUTORY_PURPOSES = (
        "art9_2_g_sch1_para6",
        "Art. 9(2)(g) substantial public interest; DPA 2018 Sch. 1 para 6 (statutory and government purposes)",
    )
    EQUALITY = (
        "art9_2_g_sch1_para8",
        "Art. 9(2)(g) substantial public interest; DPA 2018 Sch. 1 para 8 (equality of opportunity or treatment)",
    )
    SAFEGUARDING = (
        "art9_2_g_sch1_para18",
        "Art. 9(2)(g) substantial public interest; DPA 2018 Sch. 1 para 18 "
        "(safeguarding of children and of individuals at risk)",
    )


class Art10Condition(models.TextChoices):
    """The condition relied on for criminal offence data (UK GDPR Art. 10).

    DPA 2018 s10(5): processing is authorised by domestic law if it meets a condition in Part 1, 2 or 3 of
    Schedule 1. Sch. 1 para 36 (Part 3) extends the Part 2 conditions to this data without their "substantial public
    interest" requirement.
    """

    STATUTORY_PURPOSES = (
        "art10_sch1_para6_para36",
        "Art. 10 with DPA 2018 s10(5); Sch. 1 para 6 (statutory and government purposes), extended by para 36",
    )
    SAFEGUARDING = (
        "art10_sch1_para18_para36",
        "Art. 10 with DPA 2018 s10(5); Sch. 1 para 18 (safeguarding of children and of individuals at risk), "
        "extended by para 36",
    )


class Source(models.TextChoices):
    """Where personal data may come from."""

    FAMILY = "family", "The child and their family"
    SCHOOL = "school", "Schools"
    PROFESSIONAL = "professional", "Professionals"
    PUBLIC = "public", "Members of the public"
    OTHER_COUNCIL = "other_council", "Other councils"
    HOUSING = "housing", "Housing"
    COUNCIL_TAX = "council_tax", "Council tax"
    BENEFITS = "benefits", "Benefits"
    ADMISSIONS = "admissions", "School admissions"
    HEALTH = "health", "Health services"
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    EARLY_HELP = "early_help", "Early help"
    HOME_OFFICE = "home_office", "Home Office"
    SCHOOL_TO_SCHOOL = "school_to_school", "School to School service"
    NATIONAL_REGISTER = "national_register", "National register of schools"
    SERVICE = "service", "This service"


class Recipient(models.TextChoices):
    """Who personal data may be shared with."""

    SCHOOL = "school", "Schools"
    ADMISSIONS = "admissions", "School admissions"
    SCHOOL_NURSING = "school_nursing", "School nursing"
    GP = "gp", "GPs and health services"
    SOCIAL_CARE = "social_care", "Children's social care"
    EARLY_HELP = "early_help", "Early help"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    HOME_OFFICE = "home_office", "Home Office"
    OTHER_COUNCIL = "other_council", "Other councils"
    HOUSING = "housing", "Housing"
    COUNCIL_TAX = "council_tax", "Council tax"
    BENEFITS = "benefits", "Benefits"


class RetentionRule(models.TextChoices):
    """How long a field is kept: each rule's period and reason are in the catalogue."""

    CHILD_RECORD = "child_record", "The child's record"
    LINKED_PERSON = "linked_person", "People linked to a child"
    STAFF_ACCOUNT = "staff_account", "Accounts of people who use the system"
    ACCOUNTABILITY_LOG = "accountability_log", "Records of who looked at, changed or shared information"
    UNTIL_REPLACED = "until_replaced", "Copies of published details"
    # Tables that come with the libraries cme uses.
    SIGN_IN_ATTEMPTS = "sign_in_attempts", "Failed sign-in attempts"
    SIGN_IN_HISTORY = "sign_in_history", "Where and how people signed in"
    SESSIONS_AND_TOKENS = "sessions_and_tokens", "Sign-in sessions and API tokens"
    BACKGROUND_JOBS = "background_jobs", "Background jobs"
    MATCHING_EXTRACT = "matching_extract", "Records received for data matching"
    MATCH_CANDIDATE = "match_candidate", "Children proposed by data matching, and their review"
