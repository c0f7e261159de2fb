"""The privacy vocabulary: data categories, lawful bases and purposes (the privacy notice's words, our codes)."""

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
