"""The data catalogue: every model field that holds personal data, declared once, with why and how it is held.

Each `FieldEntry` names one field (`"people.Child"`, `"ethnicity"`) and says what it is in plain words, its data
category, whose data it is, the purposes it serves, where it may come from, who it may be shared with and the
retention rule that governs it. The lawful basis is declared per purpose (`PURPOSES`): the Art. 6 basis, the statutes,
and for special category and criminal offence data the Art. 9 / Art. 10 condition with its DPA 2018 Schedule 1
paragraph. A field's conditions follow from its purposes and categories, so they cannot drift apart.

Everything else is derived from here: the privacy notice and the Art. 30 record (cme.privacy.notice), and, in later
work, which roles see which fields, what a subject access pack contains, what retention deletes and what a disclosure
is logged as. `tests/privacy/test_catalogue_complete.py` fails when a model field is neither catalogued here nor
declared not personal in `NOT_PERSONAL`, and when an entry names a field that no longer exists.

Receipt of benefits, immigration involvement and police or probation involvement are held as flags on the child
(sealed at rest), where the service acts on them. A category the seed notice lists that cme does not yet hold as a
field of its own can only arrive in free text (case notes, enquiry findings, referral concerns, decision reasons,
disclosure descriptions), which is catalogued as possibly holding it (`may_reveal`), until:

- offences: a youth justice record on the child (domain.md 15.1), when the service needs more than free text and
  the police or probation involvement flag to act on it.

The privacy app imports no other app (design.md): models are named by their label, never imported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .enums import (
    Art10Condition,
    DataCategory,
    DataSubject,
    LawfulBasis,
    LegalClass,
    Purpose,
    Recipient,
    RetentionRule,
    Source,
    SpecialCondition,
)

# ---------------------------------------------------------------------------------------------------------------------
# The vocabulary, in plain words. The notice and the ROPA print these; nothing else holds the wording.
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryInfo:
    """A data category: what it covers in plain words, and how the law classes it."""

    code: str
    label: str
    plain: str
    legal_class: LegalClass = LegalClass.ORDINARY
    why: str = ""  # for special and criminal categories: why we class it so


@dataclass(frozen=True)
class Statute:
    """A statute or statutory instrument the service relies on, with what it asks of the council."""

    code: str
    title: str
    plain: str
    url: str


@dataclass(frozen=True)
class PurposeInfo:
    """One of the notice's eight purposes, with its Art. 6 basis and, for special and criminal data, its condition.

    `shares` says whether information used for this purpose is ever sent outside the service; purposes that only use
    information within the service list no recipients in the record of processing.
    """

    code: str
    label: str
    plain: str
    lawful_bases: tuple[LawfulBasis, ...]
    statutes: tuple[str, ...]
    special_conditions: tuple[SpecialCondition, ...]
    criminal_conditions: tuple[Art10Condition, ...]
    shares: bool


@dataclass(frozen=True)
class PartyInfo:
    """A source or recipient of personal data."""

    code: str
    label: str
    plain: str


@dataclass(frozen=True)
class RetentionPolicy:
    """A retention rule: what it covers, how long, from when, and why. `years` is None when no fixed term applies."""

    code: str
    label: str
    applies_to: str
    period: str
    starts_from: str
    years: int | None
    configurable: bool
    why: str


CATEGORIES: Mapping[str, CategoryInfo] = MappingProxyType(
    {
        DataCategory.IDENTITY: CategoryInfo(
            DataCategory.IDENTITY,
            "Who someone is",
            "Names (including former names, other spellings and the name a child is known by), title, date of birth, "
            "sex, and reference numbers such as a child's unique pupil number and NHS number.",
        ),
        DataCategory.CONTACT: CategoryInfo(
            DataCategory.CONTACT,
            "How to reach someone",
            "Home addresses, past addresses and the dates of each move, telephone numbers and email addresses.",
        ),
        DataCategory.FAMILY: CategoryInfo(
            DataCategory.FAMILY,
            "Family and household",
            "Who a child lives with, who cares for them and who has parental responsibility, brothers and sisters, "
            "whether a parent is married or in a civil partnership, and circumstances such as being a young carer "
            "or having a parent in the armed forces.",
        ),
        DataCategory.EDUCATION: CategoryInfo(
            DataCategory.EDUCATION,
            "Schools and education",
            "Which schools a child has attended, when they joined and left, why their name was taken off a school "
            "roll, and their first language.",
        ),
        DataCategory.BENEFITS: CategoryInfo(
            DataCategory.BENEFITS,
            "Benefits",
            "Whether a family receives benefits, where this helps to show where a child is living.",
        ),
        DataCategory.IMMIGRATION: CategoryInfo(
            DataCategory.IMMIGRATION,
            "Immigration",
            "A family's dealings with the Home Office over immigration, where this helps to show whether a child "
            "has left or arrived in the country.",
        ),
        DataCategory.POLICE_PROBATION: CategoryInfo(
            DataCategory.POLICE_PROBATION,
            "Police and probation",
            "Whether a child or someone in their family is known to the police or to probation services.",
            LegalClass.CRIMINAL,
            "It can reveal offences or alleged offences, so we protect it as criminal offence data.",
        ),
        DataCategory.ETHNICITY: CategoryInfo(
            DataCategory.ETHNICITY,
            "Ethnic background",
            "A child's ethnic background, including whether they are from a Gypsy, Roma or Traveller family.",
            LegalClass.SPECIAL,
            "It reveals racial or ethnic origin.",
        ),
        DataCategory.CRIMINAL_OFFENCE: CategoryInfo(
            DataCategory.CRIMINAL_OFFENCE,
            "Offences",
            "Offences or alleged offences, court proceedings, their outcomes and sentences, when another agency "
            "tells us about them.",
            LegalClass.CRIMINAL,
            "It is information about offences and criminal proceedings.",
        ),
        DataCategory.SEN_DISABILITY: CategoryInfo(
            DataCategory.SEN_DISABILITY,
            "Special educational needs and disability",
            "Special educational needs, disabilities, and whether a child has an education, health and care plan.",
            LegalClass.SPECIAL,
            "It can reveal a child's health.",
        ),
        DataCategory.STATUTORY_SERVICES: CategoryInfo(
            DataCategory.STATUTORY_SERVICES,
            "Other services involved with the family",
            "Whether a child is known to children's social care, is looked after by a council or has a child "
            "protection plan, and their involvement with school nursing, the police, probation, early help or the "
            "youth offending team.",
            LegalClass.SPECIAL,
            "It can reveal a child's health or welfare, so we give it the protection of special category data.",
        ),
        DataCategory.CASEWORK: CategoryInfo(
            DataCategory.CASEWORK,
            "Our work on a case",
            "Referrals and who made them, our enquiries and what they found, file notes, letters and reports, our "
            "decisions and the reasons for them, and how each case ended.",
        ),
        DataCategory.ACCOUNT: CategoryInfo(
            DataCategory.ACCOUNT,
            "Accounts of people who use the system",
            "For council, school and partner staff who sign in: their role, team or organisation, job title and "
            "sign-in details, including when they signed in and the internet address and browser they used. For "
            "anyone who tries to sign in: the user name they typed, their internet address and browser, and when.",
        ),
        DataCategory.ACCOUNTABILITY: CategoryInfo(
            DataCategory.ACCOUNTABILITY,
            "Records of who did what",
            "Who looked at a record and why, who changed it, who downloaded a document, and what was shared with "
            "whom, when and on what basis.",
        ),
    }
)

STATUTES: Mapping[str, Statute] = MappingProxyType(
    {
        s.code: s
        for s in (
            Statute(
                "ea1996_s436a",
                "Education Act 1996, section 436A",
                "The council must find out, as far as it can, which children in its area are of compulsory school "
                "age and are neither on a school roll nor receiving a suitable education otherwise.",
                "https://www.legislation.gov.uk/ukpga/1996/56/section/436A",
            ),
            Statute(
                "cme_guidance",
                "Children missing education: statutory guidance for local authorities (Department for Education)",
                "Section 436A requires the council to follow this guidance on how to find and track these children.",
                "https://www.gov.uk/government/publications/children-missing-education",
            ),
            Statute(
                "registration_regs_2024",
                "School Attendance (Pupil Registration) (England) Regulations 2024",
                "Schools must tell the council when a pupil joins or leaves their roll, and about long absences.",
                "https://www.legislation.gov.uk/uksi/2024/208",
            ),
            Statute(
                "ea1996_s437",
                "Education Act 1996, sections 437 to 443",
                "School attendance orders: what the council may do when a child is not receiving a suitable education.",
                "https://www.legislation.gov.uk/ukpga/1996/56/section/437",
            ),
            Statute(
                "ea1996_s19",
                "Education Act 1996, section 19",
                "The council must arrange suitable education for children who, because of illness, exclusion or "
                "otherwise, would not receive it.",
                "https://www.legislation.gov.uk/ukpga/1996/56/section/19",
            ),
            Statute(
                "ea2002_s175",
                "Education Act 2002, section 175",
                "The council must carry out its education work in a way that keeps children safe and promotes "
                "their welfare.",
                "https://www.legislation.gov.uk/ukpga/2002/32/section/175",
            ),
            Statute(
                "ca1989_s17_s47",
                "Children Act 1989, sections 17 and 47",
                "Support for children in need, and enquiries when a child may be at risk of significant harm.",
                "https://www.legislation.gov.uk/ukpga/1989/41/section/47",
            ),
            Statute(
                "ca2004_s10_s11",
                "Children Act 2004, sections 10 and 11",
                "Councils and their partners must work together to improve children's well-being and make "
                "arrangements to keep them safe.",
                "https://www.legislation.gov.uk/ukpga/2004/31/section/10",
            ),
            Statute(
                "cfa2014_part3",
                "Children and Families Act 2014, Part 3",
                "The council must identify children in its area who have, or may have, special educational needs "
                "or a disability, and make sure they get the right support.",
                "https://www.legislation.gov.uk/ukpga/2014/6/part/3",
            ),
            Statute(
                "cda1998_s17_s115",
                "Crime and Disorder Act 1998, sections 17 and 115",
                "The council must consider how its work can prevent crime and disorder, and may share information "
                "with the police and others for that purpose.",
                "https://www.legislation.gov.uk/ukpga/1998/37/section/17",
            ),
            Statute(
                "eqa2010_s149",
                "Equality Act 2010, section 149",
                "The public sector equality duty: the council must consider how its work affects people with "
                "different protected characteristics.",
                "https://www.legislation.gov.uk/ukpga/2010/15/section/149",
            ),
        )
    }
)

_OBLIGATION_AND_TASK = (LawfulBasis.LEGAL_OBLIGATION, LawfulBasis.PUBLIC_TASK)
_TASK = (LawfulBasis.PUBLIC_TASK,)
_STATUTORY = (SpecialCondition.STATUTORY_PURPOSES,)
_STATUTORY_ART10 = (Art10Condition.STATUTORY_PURPOSES,)

PURPOSES: Mapping[str, PurposeInfo] = MappingProxyType(
    {
        Purpose.ADMINISTER_SERVICE: PurposeInfo(
            Purpose.ADMINISTER_SERVICE,
            "Running the service",
            "Keeping each child's record, giving work to officers, and keeping the records the law expects of us, "
            "such as who looked at or shared information.",
            _TASK,
            ("ea1996_s436a",),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=False,
        ),
        Purpose.SUPPORT_DECISIONS: PurposeInfo(
            Purpose.SUPPORT_DECISIONS,
            "Deciding what help a child needs",
            "Deciding, child by child, what help a child and their family need from us and from others, and "
            "recording who decided and why.",
            _TASK,
            ("ea1996_s19", "cfa2014_part3", "ea1996_s437"),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=True,
        ),
        Purpose.IDENTIFY_CME: PurposeInfo(
            Purpose.IDENTIFY_CME,
            "Finding children who are missing education",
            "Finding out which children living here are of school age and are not on a school roll or not getting "
            "a suitable full-time education, and noticing those at risk of it, such as a child on a part-time "
            "timetable.",
            _OBLIGATION_AND_TASK,
            ("ea1996_s436a", "cme_guidance", "registration_regs_2024"),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=True,
        ),
        Purpose.LOCATE: PurposeInfo(
            Purpose.LOCATE,
            "Finding out where a child is",
            "Asking schools, other councils and other services, promptly, where a child is living when their school "
            "and we have lost touch with them.",
            _OBLIGATION_AND_TASK,
            ("ea1996_s436a", "cme_guidance", "ca2004_s10_s11"),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=True,
        ),
        Purpose.STAFF_TRAINING: PurposeInfo(
            Purpose.STAFF_TRAINING,
            "Training and supervising our staff",
            "Reviewing cases with officers in supervision, and training and developing our staff, so that every "
            "child gets the right support. New staff practise on a separate training site that holds only made-up "
            "children and families, never real ones.",
            _TASK,
            ("ea2002_s175",),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=False,
        ),
        Purpose.SAFEGUARDING: PurposeInfo(
            Purpose.SAFEGUARDING,
            "Keeping children safe",
            "Protecting children from harm and using the council's legal powers where needed, for example by "
            "telling children's social care or the police about a child, or taking steps towards a school "
            "attendance order.",
            _OBLIGATION_AND_TASK,
            ("ea2002_s175", "ca1989_s17_s47", "ca2004_s10_s11", "ea1996_s437", "cda1998_s17_s115"),
            (SpecialCondition.SAFEGUARDING, SpecialCondition.STATUTORY_PURPOSES),
            (Art10Condition.SAFEGUARDING, Art10Condition.STATUTORY_PURPOSES),
            shares=True,
        ),
        Purpose.ANALYTICS: PurposeInfo(
            Purpose.ANALYTICS,
            "Understanding and planning support",
            "Analysing our work to understand what support children need and to make sure it is there. Where we "
            "can, we use information that does not name anyone.",
            _TASK,
            ("ea1996_s436a", "ca2004_s10_s11"),
            _STATUTORY,
            _STATUTORY_ART10,
            shares=False,
        ),
        Purpose.EQUAL_OPPORTUNITIES: PurposeInfo(
            Purpose.EQUAL_OPPORTUNITIES,
            "Checking we treat everyone fairly",
            "Monitoring whether children of every background, sex and need get the same access to education and to "
            "our help.",
            _OBLIGATION_AND_TASK,
            ("eqa2010_s149",),
            (SpecialCondition.EQUALITY,),
            (),  # Sch. 1 para 8 covers ethnicity, religion, health and sexual orientation, never offences.
            shares=False,
        ),
    }
)

# What each lawful basis and condition means, in plain words, for the notice.
LAWFUL_BASIS_PLAIN: Mapping[str, str] = MappingProxyType(
    {
        LawfulBasis.LEGAL_OBLIGATION: "The law requires the council to do this.",
        LawfulBasis.PUBLIC_TASK: "It is part of the council's official work, set out in law, in the public interest.",
        LawfulBasis.VITAL_INTERESTS: "It is needed to protect someone's life.",
    }
)

CONDITION_PLAIN: Mapping[str, str] = MappingProxyType(
    {
        SpecialCondition.STATUTORY_PURPOSES: "It is needed to carry out the council's duties set out in law, for "
        "reasons of substantial public interest.",
        SpecialCondition.EQUALITY: "It is needed to check that people of different ethnic backgrounds, or with "
        "different health needs or disabilities, are treated fairly. It is never used to make a decision about "
        "one person.",
        SpecialCondition.SAFEGUARDING: "It is needed to protect a child from neglect or harm, where asking for "
        "consent is not possible, could not reasonably be expected, or would put the child at risk.",
        Art10Condition.STATUTORY_PURPOSES: "It is needed to carry out the council's duties set out in law.",
        Art10Condition.SAFEGUARDING: "It is needed to protect a child from neglect or harm.",
    }
)

# Sch. 1 para 8(1) names the data it covers: racial or ethnic origin, religious or philosophical beliefs, health and
# sexual orientation. Of our categories, ethnicity and SEN/disability (health) qualify.
SPECIAL_CONDITION_SCOPE: Mapping[str, frozenset[str]] = MappingProxyType(
    {SpecialCondition.EQUALITY: frozenset({DataCategory.ETHNICITY, DataCategory.SEN_DISABILITY})}
)

SUBJECTS: Mapping[str, str] = MappingProxyType({subject: subject.label for subject in DataSubject})

SOURCES: Mapping[str, PartyInfo] = MappingProxyType(
    {
        p.code: p
        for p in (
            PartyInfo(Source.FAMILY, "The child and their family", "Children, parents and carers themselves."),
            PartyInfo(
                Source.SCHOOL,
                "Schools",
                "Schools and academies, including the notices they must send when a pupil joins or leaves their roll.",
            ),
            PartyInfo(
                Source.PROFESSIONAL,
                "Professionals",
                "Professionals who are worried about a child, such as health visitors, youth workers or charity staff.",
            ),
            PartyInfo(
                Source.PUBLIC, "Members of the public", "Neighbours, relatives or anyone who tells us about a child."
            ),
            PartyInfo(
                Source.OTHER_COUNCIL,
                "Other councils",
                "Children missing education officers and other staff at other councils.",
            ),
            PartyInfo(Source.HOUSING, "Housing", "Housing records, to check where a family lives."),
            PartyInfo(Source.COUNCIL_TAX, "Council tax", "Council tax records, to check where a family lives."),
            PartyInfo(
                Source.BENEFITS,
                "Benefits",
                "The council's benefits records, such as housing benefit and council tax support, to check where a "
                "family lives.",
            ),
            PartyInfo(Source.ADMISSIONS, "School admissions", "The council's school admissions team."),
            PartyInfo(Source.HEALTH, "Health services", "GPs, school nurses and other health services."),
            PartyInfo(Source.SOCIAL_CARE, "Children's social care", "Children's social care and early help teams."),
            PartyInfo(Source.POLICE, "Police", "The police."),
            PartyInfo(Source.PROBATION, "Probation", "Probation services."),
            PartyInfo(
                Source.YOUTH_JUSTICE, "Youth justice service", "The youth justice service (youth offending team)."
            ),
            PartyInfo(Source.EARLY_HELP, "Early help", "Early help and family support services."),
            PartyInfo(Source.HOME_OFFICE, "Home Office", "The Home Office's immigration services."),
            PartyInfo(
                Source.SCHOOL_TO_SCHOOL,
                "School to School",
                "The Department for Education's School to School service, including its database of pupils whose "
                "new school is not known.",
            ),
            PartyInfo(
                Source.NATIONAL_REGISTER,
                "The national register of schools",
                "Get Information about Schools, the Department for Education's public register of schools.",
            ),
            PartyInfo(
                Source.SERVICE,
                "This service",
                "What our officers record and decide, and what the system records as it is used.",
            ),
        )
    }
)

RECIPIENTS: Mapping[str, PartyInfo] = MappingProxyType(
    {
        p.code: p
        for p in (
            PartyInfo(Recipient.SCHOOL, "Schools", "A child's school, past school or new school."),
            PartyInfo(Recipient.ADMISSIONS, "School admissions", "The council's school admissions team."),
            PartyInfo(Recipient.SCHOOL_NURSING, "School nursing", "School nurses."),
            PartyInfo(Recipient.GP, "GPs and health services", "A child's GP and other health services."),
            PartyInfo(
                Recipient.SOCIAL_CARE,
                "Children's social care",
                "Children's social care, including the multi-agency safeguarding hub.",
            ),
            PartyInfo(Recipient.EARLY_HELP, "Early help", "Early help and family support services."),
            PartyInfo(Recipient.POLICE, "Police", "The police."),
            PartyInfo(Recipient.PROBATION, "Probation", "Probation services."),
            PartyInfo(
                Recipient.YOUTH_JUSTICE,
                "Youth justice service",
                "The youth justice service (youth offending team).",
            ),
            PartyInfo(
                Recipient.HOME_OFFICE,
                "Home Office",
                "The Home Office's immigration and border services (once the UK Border Agency).",
            ),
            PartyInfo(
                Recipient.OTHER_COUNCIL,
                "Other councils",
                "Other councils, when a child moves to or from their area or may be living there.",
            ),
            PartyInfo(Recipient.HOUSING, "Housing", "Housing services, when we ask where a family lives."),
            PartyInfo(Recipient.COUNCIL_TAX, "Council tax", "The council tax team, when we ask where a family lives."),
            PartyInfo(Recipient.BENEFITS, "Benefits", "The council's benefits team, when we ask where a family lives."),
        )
    }
)

RETENTION_RULES: Mapping[str, RetentionPolicy] = MappingProxyType(
    {
        r.code: r
        for r in (
            RetentionPolicy(
                RetentionRule.CHILD_RECORD,
                "The child's record",
                "A child's record and all our work about them: referrals, cases, enquiries, file notes, documents "
                "and decisions.",
                "Until the child's {child_record:birthday}, and never while a case about them is open. A referral "
                "that led to no case is deleted {referral_no_case} after we decided it, and a report to the front door "
                "that led to no referral {front_door_no_referral} after we decided it.",
                "the child's date of birth",
                25,
                True,
                "Records about children are commonly kept until the person is 25, so that they are still there if "
                "the child, as an adult, asks for them or makes a claim. This is the council's own choice, not a "
                "national rule, and the council can change it.",
            ),
            RetentionPolicy(
                RetentionRule.LINKED_PERSON,
                "People linked to a child",
                "Parents, carers and other people linked to a child, with their names, addresses and contact details.",
                "As long as the record of the child they are linked to; for someone linked to more than one child, "
                "until the last of those records is deleted.",
                "the deletion of the last linked child's record",
                None,
                False,
                "This information is only held because of a child's record, and goes with it.",
            ),
            RetentionPolicy(
                RetentionRule.STAFF_ACCOUNT,
                "Accounts of people who use the system",
                "Names, work contact details, roles and sign-in details of people who use the system.",
                "While the person uses the system, then 6 years after their account is closed. Their name stays on "
                "the notes and decisions they made for as long as those records are kept.",
                "the date the account is closed",
                6,
                True,
                "Records must show who did what for as long as they are kept.",
            ),
            RetentionPolicy(
                RetentionRule.ACCOUNTABILITY_LOG,
                "Records of who did what",
                "Records of who looked at, changed, downloaded or shared information.",
                "The personal details of each entry (which fields were seen, the words searched for, a reason given) "
                "are kept for {audit_detail} from the date of the entry, and go sooner with the record they are "
                "about. The bare fact that something happened, with no personal details, stays so that the record "
                "of who did what can be checked for tampering.",
                "the date of the entry",
                7,
                True,
                "So that we can show how information was used, answer questions from the people it is about, and "
                "investigate any misuse.",
            ),
            RetentionPolicy(
                RetentionRule.MATCHING_EXTRACT,
                "Records received for data matching",
                "Council tax, housing, benefits, GP registration, admissions and school roll records received to "
                "find children living here who are on no school roll, and rows of those extracts held back for "
                "checking.",
                "{matching_extract} after it was received; {matching_extract_yearly} for an extract sent once a "
                "year, such as admissions, so that the next one can replace it first.",
                "the date the extract was received",
                None,
                True,
                "Each extract is a snapshot of who lives where; an older one only matters until a newer one arrives. "
                "The longer period for a yearly extract lets it be replaced before the old one goes.",
            ),
            RetentionPolicy(
                RetentionRule.MATCH_CANDIDATE,
                "Children proposed by data matching",
                "Each child data matching proposed for review, the records and reasons behind it, and the officer's "
                "decision. A confirmed match becomes a referral, kept with the child's record.",
                "A child never confirmed is deleted {match_candidate} after a match run last proposed them.",
                "the last run that proposed the child",
                None,
                True,
                "Long enough for the runs that follow to see an officer's earlier decision, so the same records do "
                "not put the same child in front of an officer again and again.",
            ),
            RetentionPolicy(
                RetentionRule.UNTIL_REPLACED,
                "Copies of published details",
                "Details copied from public sources: headteachers' names from the national register of schools, and "
                "the contact details of the data protection officer.",
                "Until replaced by a newer version.",
                "each update",
                None,
                False,
                "They are copies of information that is already public.",
            ),
            # Tables that come with the libraries cme uses (django-axes, Django sessions, django-rest-knox,
            # django-tasks-db). The daily retention sweep (cme.privacy.retention) deletes their old rows.
            RetentionPolicy(
                RetentionRule.SIGN_IN_ATTEMPTS,
                "Failed sign-in attempts",
                "The count of failed sign-ins for a user name or an internet address, with the user name typed, the "
                "address and the browser used. The system uses it to lock out anyone guessing passwords.",
                "Until the person signs in, an administrator unlocks the account, or 30 minutes have passed since "
                "the last failed attempt. They are then removed the next time anyone signs in or out.",
                "the last failed attempt",
                None,
                True,
                "They are only needed to stop someone guessing a password, so they are kept no longer than a lock-out "
                "lasts. The record of who did what notes each failed sign-in and lock-out separately.",
            ),
            RetentionPolicy(
                RetentionRule.SIGN_IN_HISTORY,
                "Where and how people signed in",
                "For each sign-in: the user name, when the person signed in and out, and the internet address and "
                "browser they used.",
                "{sign_in_history} from each sign-in.",
                "the date of the sign-in",
                1,
                True,
                "So that a misused account can be looked into: where, and with what browser, it was used. The record "
                "of who did what keeps the fact of each sign-in for longer, without the address or the browser.",
            ),
            RetentionPolicy(
                RetentionRule.SESSIONS_AND_TOKENS,
                "Sign-in sessions and API tokens",
                "What the system remembers about someone while they are signed in, and the keys that let another "
                "system use the API as a named user.",
                "Until the session or token ends, and then it is deleted: a session ends when the person signs out "
                "or after 30 minutes without use, an API token on the expiry date set when it was made, at most a "
                "year later.",
                "the last use of a session, or the day a token is made",
                None,
                True,
                "They are only needed while someone is signed in, or while another system is allowed to connect.",
            ),
            RetentionPolicy(
                RetentionRule.BACKGROUND_JOBS,
                "Background jobs",
                "The system's record of work it does in the background, such as reading an import: what it was asked "
                "to do and to which records, when it ran, and any error.",
                "{background_jobs} after the job finishes.",
                "the end of the job",
                None,
                True,
                "It is only needed to see that a job ran and, if it failed, why. What a job changes in a child's "
                "record is kept with that record and in the record of who did what.",
            ),
        )
    }
)


def _duration(months: int) -> str:
    if months % 12 == 0 and months:
        years = months // 12
        return f"{years} year" + ("s" if years != 1 else "")
    return f"{months} month" + ("s" if months != 1 else "")


def _ordinal(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def period_in_words(text: str, periods: Mapping[str, int]) -> str:
    """A rule's period with the periods in force: `{rule}` becomes "6 months", `{rule:birthday}` "25th birthday"."""

    def word(match) -> str:
        months = periods[match.group(1)]
        return f"{_ordinal(months // 12)} birthday" if match.group(2) == "birthday" else _duration(months)

    return re.sub(r"\{([a-z_]+)(?::(birthday))?\}", word, text)


# ---------------------------------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldEntry:
    """One model field that holds personal data.

    `category` is what the field is; `may_reveal` names other categories it can disclose (for free text, every category
    a person might write down). `subjects` are the people whose data it is or may mention. `free_text` marks fields
    written in people's own words, which a subject access pack must read for third-party information.
    """

    model: str  # the model's label, e.g. "people.Child"
    field: str
    description: str
    category: str
    subjects: frozenset[str]
    purposes: frozenset[str]
    sources: frozenset[str]
    recipients: frozenset[str]
    retention: str
    may_reveal: frozenset[str] = frozenset()
    free_text: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.model, self.field)

    @property
    def categories(self) -> frozenset[str]:
        """Every category the field holds or may hold."""
        return frozenset({self.category}) | self.may_reveal

    @property
    def legal_classes(self) -> frozenset[LegalClass]:
        return frozenset(_legal_class(category) for category in self.categories)

    @property
    def is_special(self) -> bool:
        """Whether the field holds, or may hold, special category data (UK GDPR Art. 9)."""
        return LegalClass.SPECIAL in self.legal_classes

    @property
    def is_criminal(self) -> bool:
        """Whether the field holds, or may hold, criminal offence data (UK GDPR Art. 10)."""
        return LegalClass.CRIMINAL in self.legal_classes

    @property
    def special_categories(self) -> frozenset[str]:
        return frozenset(c for c in self.categories if _legal_class(c) == LegalClass.SPECIAL)

    @property
    def criminal_categories(self) -> frozenset[str]:
        return frozenset(c for c in self.categories if _legal_class(c) == LegalClass.CRIMINAL)

    @property
    def lawful_bases(self) -> frozenset[LawfulBasis]:
        """The Art. 6 bases of the field's purposes."""
        return frozenset(basis for p in self.purposes for basis in PURPOSES[p].lawful_bases)

    @property
    def special_conditions(self) -> frozenset[SpecialCondition]:
        """The Art. 9 conditions relied on, empty unless the field holds special category data."""
        if not self.is_special:
            return frozenset()
        return frozenset(condition for p in self.purposes for condition in PURPOSES[p].special_conditions)

    @property
    def criminal_conditions(self) -> frozenset[Art10Condition]:
        """The Art. 10 conditions relied on, empty unless the field holds criminal offence data."""
        if not self.is_criminal:
            return frozenset()
        return frozenset(condition for p in self.purposes for condition in PURPOSES[p].criminal_conditions)

    @property
    def statutes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for p in sorted(self.purposes) for code in PURPOSES[p].statutes))


def _legal_class(category: str) -> LegalClass:
    info = CATEGORIES.get(category)
    return info.legal_class if info else LegalClass.ORDINARY


def _declare(
    model: str,
    fields: Mapping[str, str],
    *,
    category: str,
    subjects: Iterable[str],
    purposes: Iterable[str],
    sources: Iterable[str],
    recipients: Iterable[str],
    retention: str,
    may_reveal: Iterable[str] = (),
    free_text: bool = False,
) -> list[FieldEntry]:
    """Entries for several fields of one model that share everything but their descriptions."""
    shared = {
        "category": category,
        "subjects": frozenset(subjects),
        "purposes": frozenset(purposes),
        "sources": frozenset(sources),
        "recipients": frozenset(recipients),
        "retention": retention,
        "may_reveal": frozenset(may_reveal) - {category},
        "free_text": free_text,
    }
    return [FieldEntry(model=model, field=name, description=text, **shared) for name, text in fields.items()]


# Shorthands for the declarations below.
_C, _P, _S, _R, _D, _K = DataCategory, Purpose, Source, Recipient, DataSubject, RetentionRule

_REFERRERS = {_S.FAMILY, _S.SCHOOL, _S.PROFESSIONAL, _S.PUBLIC, _S.OTHER_COUNCIL}
_AGENCIES = {
    _S.HOUSING,
    _S.COUNCIL_TAX,
    _S.BENEFITS,
    _S.ADMISSIONS,
    _S.HEALTH,
    _S.SOCIAL_CARE,
    _S.POLICE,
    _S.PROBATION,
    _S.YOUTH_JUSTICE,
    _S.EARLY_HELP,
    _S.HOME_OFFICE,
    _S.SCHOOL_TO_SCHOOL,
}
_ANY_SOURCE = _REFERRERS | _AGENCIES | {_S.SERVICE}

# An enquiry names the child (and often a parent) to whoever is asked, so identity and contact details may go to
# every agency the service asks.
_ENQUIRY_RECIPIENTS = set(_R)
_SAFEGUARDING_PARTNERS = {
    _R.SCHOOL,
    _R.SCHOOL_NURSING,
    _R.GP,
    _R.SOCIAL_CARE,
    _R.EARLY_HELP,
    _R.POLICE,
    _R.PROBATION,
    _R.YOUTH_JUSTICE,
    _R.HOME_OFFICE,
    _R.OTHER_COUNCIL,
}
_EDUCATION_PARTNERS = {_R.SCHOOL, _R.ADMISSIONS, _R.OTHER_COUNCIL, _R.SOCIAL_CARE}

_FINDING = {_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE, _P.SUPPORT_DECISIONS, _P.SAFEGUARDING}
_CASEWORK = _FINDING | {_P.STAFF_TRAINING}
_MONITORING = {_P.ANALYTICS, _P.EQUAL_OPPORTUNITIES}

# What a person may write in a note, a finding, a concern or a reason: anything about anyone in the child's life.
_FREE_TEXT_REVEALS = set(_C) - {_C.CASEWORK, _C.ACCOUNT, _C.ACCOUNTABILITY}
_FREE_TEXT_SUBJECTS = {_D.CHILD, _D.CARER, _D.OTHER_PERSON, _D.REFERRER, _D.PROFESSIONAL}


def _free_text(
    model: str,
    fields: Mapping[str, str],
    *,
    sources=frozenset({_S.SERVICE}),
    retention: str = _K.CHILD_RECORD,
    **kwargs,
) -> list[FieldEntry]:
    """Free text about a child's case: may reveal every category, about anyone, and goes where casework goes."""
    return _declare(
        model,
        fields,
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes=_CASEWORK,
        sources=sources,
        recipients=_SAFEGUARDING_PARTNERS,
        retention=retention,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
        **kwargs,
    )


def _staff_link(model: str, fields: Mapping[str, str], retention: str = _K.CHILD_RECORD) -> list[FieldEntry]:
    """Who did something: a user's name on a record, kept with the record as evidence of who acted."""
    return _declare(
        model,
        fields,
        category=_C.ACCOUNTABILITY,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=retention,
    )


def _casework(model: str, fields: Mapping[str, str], **kwargs) -> list[FieldEntry]:
    """A structured part of a case record: what happened, when, and what was decided."""
    options = {
        "category": _C.CASEWORK,
        "subjects": {_D.CHILD},
        "purposes": _CASEWORK | {_P.ANALYTICS},
        "sources": {_S.SERVICE},
        "recipients": _SAFEGUARDING_PARTNERS,
        "retention": _K.CHILD_RECORD,
    }
    options.update(kwargs)
    return _declare(model, fields, **options)


def _referrer(category: str, fields: Mapping[str, str]) -> list[FieldEntry]:
    """Who made a referral: shared with social care or the police only when a safeguarding referral needs it."""
    return _declare(
        "cases.Referral",
        fields,
        category=category,
        subjects={_D.REFERRER, _D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources=_REFERRERS,
        recipients={_R.SOCIAL_CARE, _R.POLICE},
        retention=_K.CHILD_RECORD,
    )


def _agency_contact(category: str, fields: Mapping[str, str]) -> list[FieldEntry]:
    """The person an officer spoke to at an agency: kept with the case, never passed on."""
    return _declare(
        "cases.Enquiry",
        fields,
        category=category,
        subjects={_D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE},
        sources={_S.SERVICE} | _AGENCIES | {_S.SCHOOL, _S.OTHER_COUNCIL},
        recipients=(),
        retention=_K.CHILD_RECORD,
    )


def _agency_contact_on(model: str, category: str, fields: Mapping[str, str]) -> list[FieldEntry]:
    """An agency's address used to reach it (a shared mailbox, or its staff's work addresses): never passed on."""
    return _declare(
        model,
        fields,
        category=category,
        subjects={_D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
    )


# Data matching (cme.matching): records received to find children living here who are on no school roll (privacy
# notice: "information from housing and council tax … to establish where children may be living"). Used for that and
# nothing else, never passed on; what an officer confirms becomes a referral on the child's record.
_MATCHING = {_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE}
_MATCHING_SOURCES = {_S.COUNCIL_TAX, _S.HOUSING, _S.BENEFITS, _S.HEALTH, _S.ADMISSIONS, _S.SCHOOL}

_NAME_KEYS = {
    "given_name_key": "A search key made from the first name, so that spellings that sound alike are found",
    "family_name_key": "A search key made from the last name",
    "family_name_part_key": "A search key made from the last part of a double-barrelled or multi-part last name",
}


def _search_keys(model: str, subjects: set[str], retention: str, extra: Mapping[str, str] = MappingProxyType({})):
    return _declare(
        model,
        {**_NAME_KEYS, **extra},
        category=_C.IDENTITY,
        subjects=subjects,
        purposes={_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE},
        sources={_S.SERVICE},
        recipients=(),  # made by cme from the names, never sent anywhere
        retention=retention,
    )


_ENTRIES: list[FieldEntry] = [
    # --- people.Child -------------------------------------------------------------------------------------------
    *_declare(
        "people.Child",
        {
            "given_name": "First name",
            "middle_names": "Middle names",
            "family_name": "Last name",
            "preferred_name": "The name the child is known by",
            "upn": "Unique pupil number",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        purposes=_FINDING,
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"date_of_birth": "Date of birth", "sex": "Sex"},
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        # Age and sex also decide compulsory school age and feed the DfE's counts and equality monitoring.
        purposes=_FINDING | _MONITORING,
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"nhs_number": "NHS number"},
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources={_S.HEALTH, _S.SOCIAL_CARE, _S.OTHER_COUNCIL, _S.FAMILY},
        recipients={_R.GP, _R.SCHOOL_NURSING, _R.SOCIAL_CARE},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"first_language": "First language"},
        category=_C.EDUCATION,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.SUPPORT_DECISIONS, _P.LOCATE} | _MONITORING,
        sources={_S.FAMILY, _S.SCHOOL, _S.OTHER_COUNCIL},
        recipients=_EDUCATION_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"ethnicity": "Ethnic background", "traveller": "Whether the child is from a Gypsy, Roma or Traveller family"},
        category=_C.ETHNICITY,
        subjects={_D.CHILD},
        # Gypsy, Roma and Traveller children are a group at particular risk of missing education (statutory guidance).
        purposes={_P.IDENTIFY_CME, _P.SUPPORT_DECISIONS} | _MONITORING,
        sources={_S.FAMILY, _S.SCHOOL, _S.OTHER_COUNCIL},
        recipients={_R.SCHOOL, _R.OTHER_COUNCIL, _R.SOCIAL_CARE},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {
            "sen_provision": "Special educational needs support (SEN support or an education, health and care plan)",
            "ehcp": "Whether the child has an education, health and care plan",
        },
        category=_C.SEN_DISABILITY,
        subjects={_D.CHILD},
        purposes={_P.IDENTIFY_CME, _P.SUPPORT_DECISIONS, _P.SAFEGUARDING} | _MONITORING,
        sources={_S.FAMILY, _S.SCHOOL, _S.OTHER_COUNCIL, _S.HEALTH, _S.ADMISSIONS},
        recipients={
            _R.SCHOOL,
            _R.ADMISSIONS,
            _R.SCHOOL_NURSING,
            _R.GP,
            _R.SOCIAL_CARE,
            _R.EARLY_HELP,
            _R.OTHER_COUNCIL,
        },
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {
            "looked_after": "Whether the child is looked after by a council",
            "child_protection_plan": "Whether the child has a child protection plan",
        },
        category=_C.STATUTORY_SERVICES,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.SUPPORT_DECISIONS, _P.SAFEGUARDING, _P.ANALYTICS},
        sources={_S.SOCIAL_CARE, _S.SCHOOL, _S.OTHER_COUNCIL, _S.PROFESSIONAL},
        recipients=_SAFEGUARDING_PARTNERS - {_R.HOME_OFFICE, _R.PROBATION},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {
            "service_child": "Whether a parent is in the armed forces",
            "young_carer": "Whether the child is a young carer",
        },
        category=_C.FAMILY,
        subjects={_D.CHILD},
        purposes={_P.IDENTIFY_CME, _P.SUPPORT_DECISIONS, _P.SAFEGUARDING} | _MONITORING,
        sources={_S.FAMILY, _S.SCHOOL, _S.OTHER_COUNCIL, _S.PROFESSIONAL},
        recipients={_R.SCHOOL, _R.OTHER_COUNCIL, _R.SOCIAL_CARE, _R.EARLY_HELP},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"receives_benefits": "Whether the child's family receives benefits"},
        category=_C.BENEFITS,
        subjects={_D.CHILD, _D.CARER},
        # Benefits data shows where a family lives, and a family on benefits may be entitled to free school
        # transport or meals when the child goes back to school.
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SUPPORT_DECISIONS},
        sources={_S.BENEFITS, _S.FAMILY, _S.OTHER_COUNCIL},
        recipients={_R.ADMISSIONS},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {"immigration_involvement": "Whether the child's family is in touch with the Home Office over immigration"},
        category=_C.IMMIGRATION,
        subjects={_D.CHILD, _D.CARER},
        # It tells the officer to ask the Home Office whether the child has left or arrived in the country.
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources={_S.HOME_OFFICE, _S.FAMILY, _S.SOCIAL_CARE, _S.OTHER_COUNCIL},
        recipients={_R.HOME_OFFICE, _R.SOCIAL_CARE},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.Child",
        {
            "police_probation_involvement": (
                "Whether the child or their family is in touch with the police, probation or youth justice services"
            )
        },
        category=_C.POLICE_PROBATION,
        subjects={_D.CHILD, _D.CARER},
        # It tells the officer which services to ask where the child is, and to take care over a home visit.
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources={_S.POLICE, _S.PROBATION, _S.YOUTH_JUSTICE, _S.SOCIAL_CARE},
        recipients={_R.POLICE, _R.PROBATION, _R.YOUTH_JUSTICE, _R.SOCIAL_CARE},
        retention=_K.CHILD_RECORD,
    ),
    *_search_keys(
        "people.Child",
        {_D.CHILD},
        _K.CHILD_RECORD,
        {"preferred_name_key": "A search key made from the name the child is known by"},
    ),
    # --- people.Carer -------------------------------------------------------------------------------------------
    *_declare(
        "people.Carer",
        {
            "title": "Title (Mr, Mrs, Ms, Mx …)",
            "given_name": "First name",
            "middle_names": "Middle names",
            "family_name": "Last name",
            "sex": "Sex",
            "date_of_birth": "Date of birth",
        },
        category=_C.IDENTITY,
        subjects={_D.CARER},
        purposes=_FINDING,
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.LINKED_PERSON,
    ),
    *_declare(
        "people.Carer",
        {"marital_status": "Whether the parent or carer is married or in a civil partnership"},
        category=_C.FAMILY,
        subjects={_D.CARER},
        purposes={_P.ADMINISTER_SERVICE, _P.SUPPORT_DECISIONS},
        sources={_S.FAMILY, _S.SCHOOL, _S.OTHER_COUNCIL, _S.SOCIAL_CARE},
        recipients=(),
        retention=_K.LINKED_PERSON,
    ),
    *_search_keys("people.Carer", {_D.CARER}, _K.LINKED_PERSON),
    # --- people: names, identifiers, contact points, relationships, addresses ------------------------------------
    *_declare(
        "people.FormerUpn",
        {
            "child": "Which child had the former unique pupil number",
            "upn": "A unique pupil number the child had before",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE},
        sources={_S.SCHOOL, _S.OTHER_COUNCIL, _S.SCHOOL_TO_SCHOOL},
        recipients={_R.SCHOOL, _R.ADMISSIONS, _R.OTHER_COUNCIL},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.PersonName",
        {
            "child": "Which child the other name belongs to",
            "carer": "Which parent or carer the other name belongs to",
            "kind": "What the other name is: a former name, an alias, a known-as name or another spelling",
            "given_name": "Another first name the person has had or uses",
            "family_name": "Another last name the person has had or uses",
            "valid_from": "When the person started using the other name",
            "valid_to": "When the person stopped using the other name",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING,
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.LINKED_PERSON,
    ),
    *_search_keys("people.PersonName", {_D.CHILD, _D.CARER}, _K.LINKED_PERSON),
    *_declare(
        "people.ContactPoint",
        {
            "child": "Which child the telephone number or email address belongs to",
            "carer": "Which parent or carer the telephone number or email address belongs to",
            "kind": "Whether it is a telephone number or an email address",
            "label": "What kind of number or address it is (mobile, home, work, emergency)",
            "value": "Telephone number or email address",
            "is_emergency": "Whether to use it in an emergency",
        },
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING,
        sources=_REFERRERS | {_S.HOUSING, _S.COUNCIL_TAX, _S.HEALTH, _S.SOCIAL_CARE, _S.EARLY_HELP},
        recipients=_SAFEGUARDING_PARTNERS | {_R.ADMISSIONS},
        retention=_K.LINKED_PERSON,
    ),
    *_declare(
        "people.CarerRelationship",
        {
            "carer": "Which parent or carer",
            "child": "Which child",
            "kind": "How the parent or carer is related to the child",
            "parental_responsibility": "Whether the parent or carer has parental responsibility",
            "lives_with": "Whether the child lives with the parent or carer",
            "source": "Where the service learned of the parent or carer (a school's return, a referral)",
        },
        category=_C.FAMILY,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING,
        sources=_REFERRERS | {_S.SOCIAL_CARE, _S.HOUSING, _S.COUNCIL_TAX},
        recipients=_SAFEGUARDING_PARTNERS | {_R.ADMISSIONS},
        retention=_K.LINKED_PERSON,
    ),
    *_declare(
        "people.Address",
        {
            "uprn": "Unique property reference number of the address",
            "line1": "First line of the address",
            "line2": "Second line of the address",
            "town": "Town",
            "postcode": "Postcode",
        },
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING | {_P.ANALYTICS},
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.LINKED_PERSON,
    ),
    *_declare(
        "people.Residence",
        {
            "address": "Which address",
            "child": "Which child lived there",
            "carer": "Which parent or carer lived there",
            "valid_from": "When they moved in",
            "valid_to": "When they moved out",
        },
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING,
        sources=_ANY_SOURCE - {_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.LINKED_PERSON,
    ),
    # --- schools ------------------------------------------------------------------------------------------------
    *_declare(
        "schools.Enrolment",
        {
            "child": "Which child was on the school's roll",
            "school": "Which school",
            "status": "How the child was registered (single, main or subsidiary registration)",
            "start_date": "The child's first day on the school's roll",
            "leave_date": "The day the child's name was taken off the roll",
            "deletion_ground": "The legal ground on which the school took the child's name off its roll",
        },
        category=_C.EDUCATION,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE, _P.SUPPORT_DECISIONS, _P.ANALYTICS},
        sources={_S.SCHOOL, _S.SCHOOL_TO_SCHOOL, _S.OTHER_COUNCIL, _S.ADMISSIONS, _S.FAMILY},
        recipients=_EDUCATION_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "schools.School",
        {"head_name": "The headteacher's name, as the national register of schools publishes it"},
        category=_C.IDENTITY,
        subjects={_D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE},
        sources={_S.NATIONAL_REGISTER},
        recipients=(),
        retention=_K.UNTIL_REPLACED,
    ),
    # --- cases.Referral -----------------------------------------------------------------------------------------
    *_casework(
        "cases.Referral",
        {
            "child": "Which child the referral is about",
            "source": "Who made the referral (a school, a professional, a member of the public …)",
            "received_on": "When the referral arrived",
            "is_anonymous": "Whether the person who made the referral gave their name",
            "status": "Whether the referral was accepted",
            "triaged_at": "When the referral was decided",
            "case": "Which case the referral led to",
        },
        sources=_REFERRERS | {_S.SERVICE},
    ),
    *_casework(
        "cases.Referral",
        {"safeguarding_concern": "Whether the person who made the referral raised a safeguarding concern"},
        category=_C.STATUTORY_SERVICES,
        sources=_REFERRERS | {_S.SERVICE},
    ),
    *_declare(
        "cases.Referral",
        {"carers": "The parents or carers the referral names: names, relationships, telephone numbers, addresses"},
        category=_C.FAMILY,
        subjects={_D.CHILD, _D.CARER},
        purposes=_FINDING,
        sources=_REFERRERS,
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
        may_reveal={_C.CONTACT, _C.IDENTITY},
    ),
    *_referrer(
        _C.IDENTITY,
        {
            "referrer_name": "Name of the person who made the referral",
            "referrer_role": "Their role, if they are a professional",
            "referrer_organisation": "Their organisation",
        },
    ),
    *_referrer(_C.CONTACT, {"referrer_phone": "Their telephone number", "referrer_email": "Their email address"}),
    *_free_text(
        "cases.Referral",
        {
            "concerns": "What the person who made the referral told us, in their words where possible",
            "triage_rationale": "Why the referral was accepted or closed",
        },
        sources=_REFERRERS | {_S.SERVICE},
    ),
    *_staff_link("cases.Referral", {"recorded_by": "Who recorded the referral", "triaged_by": "Who decided it"}),
    # --- cases.Case ---------------------------------------------------------------------------------------------
    *_casework(
        "cases.Case",
        {
            "child": "Which child the case is about",
            "status": "Where the case has got to",
            "team": "Which team is working on the case",
            "risk_level": "The officer's judgement of the risk to the child",
            "primary_reason": "Why the child is, or may be, missing education",
            "became_cme_on": "When the child became missing education, as far as is known",
            "opened_on": "When the case was opened",
            "due_on": "When the next piece of work on the case is due",
            "closed_on": "When the case was closed",
        },
    ),
    *_casework(
        "cases.Case",
        # An outcome such as "referred to children's social care or police" reveals another service's involvement.
        {"outcome": "How the case ended"},
        may_reveal={_C.STATUTORY_SERVICES},
    ),
    *_staff_link("cases.Case", {"officer": "The officer working on the case", "opened_by": "Who opened the case"}),
    # --- cases.Enquiry ------------------------------------------------------------------------------------------
    *_casework(
        "cases.Enquiry",
        {
            "case": "Which case the enquiry belongs to",
            "agency": "Who was asked (a school, housing, the police, another council …)",
            "requested_on": "When they were asked",
            "response_due_on": "When an answer is due",
            "responded_on": "When they answered",
            "result": "What the answer was, in short (no trace, information found, child located …)",
            "joint_enquiry": "Whether the school and the council made the enquiry together",
            "evidence": "The document that records the answer",
        },
        purposes=_CASEWORK,
    ),
    *_agency_contact(_C.IDENTITY, {"contact_name": "The name of the person at the agency who was contacted"}),
    *_agency_contact(_C.CONTACT, {"contact_details": "The team, telephone number or email address used"}),
    *_free_text(
        "cases.Enquiry",
        {"findings": "What the agency told us"},
        sources=_AGENCIES | {_S.SCHOOL, _S.OTHER_COUNCIL, _S.FAMILY, _S.SERVICE},
    ),
    *_staff_link("cases.Enquiry", {"recorded_by": "Who recorded the enquiry"}),
    # An enquiry sent to a partner agency's inbox in cme (cme.cases.services.partners): the copy of the child's details
    # it shares is what the partner sees; who answered there is a partner's staff member, named as the one who acted.
    *_casework(
        "cases.Enquiry",
        {
            "organisation": "Which partner agency the enquiry was sent to in cme",
            "reply_within_days": "How many days the agency has to answer before a reminder is emailed",
            "first_opened_at": "When the agency first opened the enquiry",
            "answered_at": "When the agency answered it in cme",
            "answer_read_at": "When the officer read the agency's answer",
        },
        purposes=_CASEWORK,
    ),
    *_declare(
        "cases.Enquiry",
        {
            "shared": "The child's details the enquiry shares with the agency (as chosen: name, date of birth, "
            "address, parents and carers), copied when it was sent"
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.LOCATE},
        sources={_S.SERVICE},
        recipients=_ENQUIRY_RECIPIENTS,
        retention=_K.CHILD_RECORD,
        may_reveal={_C.CONTACT, _C.FAMILY},
    ),
    *_staff_link("cases.Enquiry", {"answered_by": "Who at the partner agency answered the enquiry in cme"}),
    *_casework(
        "cases.EnquiryChase",
        {
            "enquiry": "Which enquiry a reminder was emailed about",
            "interval": "Which reply period had run out (the first, the second …)",
            "sent_at": "When the reminder was emailed",
        },
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE},
    ),
    *_agency_contact_on(
        "cases.EnquiryChase", _C.CONTACT, {"sent_to": "The agency's email address the reminder went to"}
    ),
    # --- cases.PartnerReferral: an escalation to children's social care, sent to their inbox in cme -------------
    *_casework(
        "cases.PartnerReferral",
        {
            "case": "Which case the referral was made from",
            "decision": "The escalation decision it was sent under",
            "organisation": "Which children's social care organisation it was sent to",
            "first_opened_at": "When the organisation first opened it",
            "accepted_at": "When the organisation accepted it",
        },
        purposes={_P.SAFEGUARDING, _P.LOCATE, _P.ADMINISTER_SERVICE},
        recipients={_R.SOCIAL_CARE},
    ),
    *_declare(
        "cases.PartnerReferral",
        {
            "shared": "The child's details the referral shares (as chosen: name, date of birth, address, parents and "
            "carers), copied when it was sent"
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.SAFEGUARDING},
        sources={_S.SERVICE},
        recipients={_R.SOCIAL_CARE},
        retention=_K.CHILD_RECORD,
        may_reveal={_C.CONTACT, _C.FAMILY},
    ),
    *_free_text(
        "cases.PartnerReferral",
        {
            "reason": "Why the officer referred the child, as sent to children's social care",
            "partner_response": "What children's social care said when accepting it",
        },
        sources={_S.SERVICE, _S.SOCIAL_CARE},
    ),
    *_staff_link(
        "cases.PartnerReferral",
        {"sent_by": "Who sent the referral", "accepted_by": "Who at children's social care accepted it"},
    ),
    # --- cases.Note ---------------------------------------------------------------------------------------------
    *_casework(
        "cases.Note",
        {
            "case": "Which case the file note belongs to",
            "created_at": "When the file note was written",
            "corrects": "Which earlier note this one corrects",
        },
        purposes=_CASEWORK,
    ),
    *_free_text(
        "cases.Note",
        {"text": "The file note", "correction_reason": "Why an earlier note was corrected"},
        sources=_ANY_SOURCE,
    ),
    *_staff_link("cases.Note", {"author": "Who wrote the file note"}),
    # --- cases.Document -----------------------------------------------------------------------------------------
    *_casework(
        "cases.Document",
        {
            "case": "Which case the document belongs to",
            "kind": "What sort of document it is (letter, email, report, photograph …)",
            "uploaded_at": "When it was added",
        },
        purposes=_CASEWORK,
    ),
    *_free_text(
        "cases.Document",
        {
            "file": "The document itself: a letter, email, report, form or photograph",
            "title": "The document's title",
            "original_name": "The file's name as it was uploaded, which often names the child",
        },
        sources=_ANY_SOURCE,
    ),
    *_staff_link("cases.Document", {"uploaded_by": "Who added the document"}),
    # --- cases.Decision -----------------------------------------------------------------------------------------
    *_casework(
        "cases.Decision",
        {
            "case": "Which case the decision is about",
            "referral": "Which referral the decision is about",
            "details": "What the decision changed, for example the case's status before and after",
            "decided_at": "When the decision was made",
        },
    ),
    *_casework(
        "cases.Decision",
        # Escalating to social care or the police reveals that another service is now involved.
        {"kind": "What was decided (accept a referral, escalate to social care, close the case …)"},
        may_reveal={_C.STATUTORY_SERVICES},
    ),
    *_free_text("cases.Decision", {"rationale": "Why the decision was made, in the words of the person who made it"}),
    *_staff_link("cases.Decision", {"decided_by": "Who made the decision"}),
    # --- cases.AttendanceOrder and its steps: the school attendance order process ------------------------------
    *_casework(
        "cases.AttendanceOrder",
        {
            "case": "Which case the school attendance order process belongs to",
            "regime": "Which law's steps the process follows (Education Act 1996 or the 2026 Act)",
            "stage": "The latest step taken (notice served, order served, revoked …)",
            "school_name": "The school the council intends to name, or has named, in the order",
            "started_at": "When the process was started",
            "ended_on": "When the process ended",
        },
        purposes=_CASEWORK,
    ),
    *_declare(
        "cases.AttendanceOrder",
        {"carer": "The parent the notices and the order are served on"},
        category=_C.IDENTITY,
        subjects={_D.CARER},
        purposes=_CASEWORK,
        sources={_S.SERVICE},
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_staff_link("cases.AttendanceOrder", {"started_by": "Who started the process"}),
    *_casework(
        "cases.AttendanceOrderStep",
        {
            "order": "Which school attendance order process the step belongs to",
            "stage": "Which step was taken",
            "decision": "The decision, with its reason, the step was taken under",
            "occurred_on": "The day the notice or order was served, or the answer considered",
            "period_days": "How many days the notice gave the parent",
            "period_ends_on": "The last day of the parent's period, computed from the law",
            "due_on": "When the officer's next task on the process falls due",
            "details": "The step's answers, such as whether the parent chose a school",
        },
        purposes=_CASEWORK,
    ),
    # --- cases.Letter: letters produced from a case, and their sending -----------------------------------------
    *_casework(
        "cases.Letter",
        {
            "case": "Which case the letter was produced for",
            "kind": "What sort of letter it is (a notice, an enquiry to an agency …)",
            "document": "The letter's PDF, kept as a document on the case",
            "enquiry": "Which enquiry an agency letter belongs to",
            "attendance_order_step": "Which school attendance order step the letter gives notice of",
            "template_version": "Which version of the council's wording was used",
            "generated_at": "When the letter was produced",
            "sent_on": "When the letter was sent",
            "disclosure": "The entry in the disclosure log recording that the letter went out",
        },
        purposes=_CASEWORK,
    ),
    *_declare(
        "cases.Letter",
        {"carer": "The parent or carer the letter is addressed to"},
        category=_C.IDENTITY,
        subjects={_D.CARER},
        purposes=_CASEWORK,
        sources={_S.SERVICE},
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "cases.Letter",
        {"recipient_name": "The name the letter is addressed to: a parent or carer, or an agency contact"},
        category=_C.IDENTITY,
        subjects={_D.CARER, _D.PROFESSIONAL},
        purposes=_CASEWORK,
        sources={_S.SERVICE},
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "cases.Letter",
        {"recipient_address": "The address the letter is sent to: the family's home, or an agency's contact details"},
        category=_C.CONTACT,
        subjects={_D.CARER, _D.PROFESSIONAL},
        purposes=_CASEWORK,
        sources={_S.SERVICE},
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_staff_link("cases.Letter", {"generated_by": "Who produced the letter", "sent_by": "Who sent the letter"}),
    *_staff_link(
        "cases.LetterTemplate", {"updated_by": "Who last changed the council's wording for a letter"}, _K.STAFF_ACCOUNT
    ),
    # --- people.FieldChange: the history of corrections -----------------------------------------------------------
    *_declare(
        "people.FieldChange",
        {
            "record_type": "What sort of record was corrected (a child's, a carer's, an enrolment, a case)",
            "record_id": "Which record was corrected",
            "child": "Which child the correction is about",
            "field": "Which fact was corrected (date of birth, last name …)",
            "changed_at": "When it was corrected",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.FieldChange",
        {
            "old_value": "The value before the correction (sealed at rest)",
            "new_value": "The value after the correction (sealed at rest)",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE},
        sources=_ANY_SOURCE,
        recipients=(),
        retention=_K.CHILD_RECORD,
        # Names and first language are typed, so a value before or after may say anything a person wrote.
        free_text=True,
        # Any fact recorded about a child, a carer, an enrolment or a case can be corrected.
        may_reveal=_FREE_TEXT_REVEALS,
    ),
    *_free_text("people.FieldChange", {"reason": "Why the fact was corrected, in the words of the person who did"}),
    *_staff_link("people.FieldChange", {"actor": "Who made the correction"}),
    # --- people.Child.merged_into and people.ChildMerge: two records found to be one child (cme.people.merging) ------
    *_declare(
        "people.Child",
        {"merged_into": "The record this one was merged into, when two records were found to be one child"},
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.ChildMerge",
        {
            "survivor": "The record kept when two records were found to be one child",
            "merged": "The record merged into it",
            "state": "Whether the merge was proposed, made, declined or undone",
            "proposed_at": "When the merge was proposed",
            "decided_at": "When a manager decided",
            "undone_at": "When the merge was undone",
            "warnings": "Which evidence suggested twins or siblings (codes)",
            "warnings_confirmed": "Whether the manager confirmed they were one child despite that evidence",
            "moves": "Which rows the merge moved to the kept record (ids), so that it can be undone",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "people.ChildMerge",
        {"changes": "The facts of either record the merge changed, before and after (sealed at rest)"},
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE},
        sources=_ANY_SOURCE,
        recipients=(),
        retention=_K.CHILD_RECORD,
        free_text=True,
        # Any fact a merge fills in or sets on the kept record: names, identifiers, circumstances.
        may_reveal=_FREE_TEXT_REVEALS,
    ),
    *_free_text(
        "people.ChildMerge",
        {
            "proposal_rationale": "Why someone thought the two records were one child, in their words",
            "rationale": "Why a manager merged the records, or did not, in their words",
            "undo_rationale": "Why a manager undid the merge, in their words",
        },
    ),
    *_staff_link(
        "people.ChildMerge",
        {
            "proposed_by": "Who proposed the merge",
            "decided_by": "Who decided about the merge",
            "undone_by": "Who undid the merge",
        },
    ),
    # --- who looked, downloaded and shared ----------------------------------------------------------------------
    *_declare(
        "cases.DocumentDownload",
        {"document": "Which document was downloaded", "downloaded_at": "When"},
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_staff_link("cases.DocumentDownload", {"downloaded_by": "Who downloaded the document"}, _K.ACCOUNTABILITY_LOG),
    *_declare(
        "privacy.Disclosure",
        {
            "direction": "Whether information was shared out or received",
            "organisation": "Who received the information, or who sent it",
            "data_categories": "Which kinds of information were shared",
            "purpose": "Why it was shared",
            "lawful_basis": "The lawful basis for sharing it",
            "occurred_at": "When",
            "cause_type": "What kind of record led to the sharing (a decision, an import …)",
            "cause_id": "Which record led to the sharing",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE, _P.SAFEGUARDING},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.Disclosure",
        {"description": "What was shared and why, in the words of the person who shared it"},
        category=_C.ACCOUNTABILITY,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes={_P.ADMINISTER_SERVICE, _P.SAFEGUARDING},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link("privacy.Disclosure", {"recorded_by": "Who recorded the sharing"}, _K.ACCOUNTABILITY_LOG),
    *_declare(
        "privacy.DisclosureSubject",
        {
            "disclosure": "Which sharing or receipt it was",
            "subject_type": "Whether the person is a child, an adult, or someone named in a school's return or a "
            "council system's extract",
            "subject_id": "Which person the information is about",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE, _P.SAFEGUARDING},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.AccessPurpose",
        {
            "subject_type": "Whether the record opened is a child's or an adult's",
            "subject_id": "Whose record was opened",
            "purpose": "Why it was opened, as one of the purposes in this notice",
            "stated_at": "When",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.AccessPurpose",
        {"reason": "Why the record was opened, in the words of the person who opened it"},
        category=_C.ACCOUNTABILITY,
        subjects=_FREE_TEXT_SUBJECTS | {_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link("privacy.AccessPurpose", {"user": "Who opened the record"}, _K.ACCOUNTABILITY_LOG),
    *_declare(
        "privacy.AccessPurpose",
        {"session_key": "Which sign-in session the reason covers"},
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    # --- retention (cme.privacy.retention): legal holds and the disposal log ---------------------------------------
    *_declare(
        "privacy.LegalHold",
        {
            "subject_type": "Whether the hold names a child, a case or a request",
            "subject_id": "Which child, case or request is held",
            "child_id": "Which child's records the hold keeps",
            "state": "Whether the hold is still in force",
            "placed_at": "When the hold was placed",
            "released_at": "When the hold was released",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        "privacy.LegalHold",
        {
            "reason": "Why disposal is suspended (a claim, an inquiry, a court order), in the officer's words",
            "release_reason": "Why the hold was released, in the officer's words",
        },
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.CHILD_RECORD,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link(
        "privacy.LegalHold",
        {"placed_by": "Who placed the hold", "released_by": "Who released it"},
        _K.CHILD_RECORD,
    ),
    *_declare(
        "privacy.DisposalItem",
        {
            "record_type": "What kind of record was disposed of",
            "record_id": "Which record was disposed of (its number only, so that a restore can dispose of it again)",
            "due_on": "When the record became due for disposal",
            "state": "Whether it was disposed of, kept or held",
            "disposed_at": "When it was disposed of",
            "decided_at": "When a person kept it out of the batch",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.DisposalItem",
        {"reason": "Why a record was kept out of a disposal batch, in the words of the person who kept it"},
        category=_C.ACCOUNTABILITY,
        subjects=_FREE_TEXT_SUBJECTS | {_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link("privacy.DisposalItem", {"decided_by": "Who kept the record out of the batch"}, _K.ACCOUNTABILITY_LOG),
    *_staff_link("privacy.DisposalBatch", {"approved_by": "Who approved the disposal"}, _K.ACCOUNTABILITY_LOG),
    # --- rights requests and complaints (cme.rights), restriction of processing (cme.privacy.restriction) --------
    *_declare(
        "rights.RightsRequest",
        {
            "requester_name": "The name of the person asking to use a right, or complaining",
            "requester_role": "Whether they ask for themselves, as a parent, or for someone else",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.FAMILY, _S.PUBLIC},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "rights.RightsRequest",
        {"requester_contact": "How to reply to them: an email address, telephone number or postal address"},
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.FAMILY, _S.PUBLIC},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        # Typed by the person as they like: it may say anything about anyone.
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_declare(
        "rights.RightsRequest",
        {
            "kind": "Which right they use (access, correction, erasure, restriction, objection) or a complaint",
            "channel": "Whether it came by the public form or was logged by the council",
            "identity": "How their identity was checked",
            "received_on": "When it was received",
            "extension_months": "How many further months the answer was extended by",
            "extended_on": "When it was extended",
            "status": "Whether it is open, waiting for the requester, or closed",
            "outcome": "How it ended (granted, refused, upheld …)",
            "closed_on": "When it was answered",
            "acknowledged_on": "When a complaint was acknowledged",
            "ico_stage": "Whether it went on to the Information Commissioner",
            "ico_reference": "The Information Commissioner's case reference",
            "recorded_at": "When it was logged",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.FAMILY, _S.PUBLIC, _S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "rights.RightsRequest",
        {
            "details": "What they asked for or complained about, in their words",
            "identity_notes": "How their identity was checked, in the officer's words",
            "extension_reason": "Why more time was needed, as told to them",
            "outcome_reason": "What was done, or why it was refused, in the officer's words",
            "ico_outcome": "What the Information Commissioner decided",
        },
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.FAMILY, _S.PUBLIC, _S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link(
        "rights.RightsRequest", {"recorded_by": "Who logged it", "closed_by": "Who answered it"}, _K.ACCOUNTABILITY_LOG
    ),
    *_declare(
        "rights.RequestSubject",
        {
            "request": "Which request it is",
            "subject_type": "Whether the person is a child or a parent or carer",
            "subject_id": "Which person the request is about",
            "added_at": "When they were named on it",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_staff_link("rights.RequestSubject", {"added_by": "Who named them"}, _K.ACCOUNTABILITY_LOG),
    *_declare(
        "rights.ClockPause",
        {
            "request": "Which request's clock stopped",
            "reason": "What the council waited for (proof of identity, clarification)",
            "started_on": "When the clock stopped",
            "ended_on": "When it started again",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "rights.ClockPause",
        {"note": "What was asked of the requester, in the officer's words"},
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link("rights.ClockPause", {"paused_by": "Who stopped the clock"}, _K.ACCOUNTABILITY_LOG),
    *_declare(
        "privacy.ProcessingRestriction",
        {
            "child_id": "Which child's records are restricted",
            "request_id": "The request the restriction was made on",
            "placed_at": "When the use of the records was restricted",
            "lifted_at": "When the restriction was lifted",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.ProcessingRestriction",
        {
            "reason": "Why the use of the records is restricted, in the officer's words",
            "lift_reason": "Why the restriction was lifted, in the officer's words",
        },
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS,
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link(
        "privacy.ProcessingRestriction",
        {"placed_by": "Who restricted the records", "lifted_by": "Who lifted the restriction"},
        _K.ACCOUNTABILITY_LOG,
    ),
    # --- subject access (cme.privacy.sar): the pack answering a request, and what was withheld from it -----------
    # Kept as the record of what was disclosed to whom (ICO: keep a copy of what you sent), so under the
    # accountability log's rule rather than with the child's record.
    *_declare(
        "privacy.SubjectAccessPack",
        {
            "child_id": "Which child the subject access pack is about",
            "requester_carer_id": "Which of the child's carers asked, when a parent or carer asked",
            "state": "Whether the pack is a draft, approved or released",
            "approved_at": "When the pack was approved for release",
            "released_at": "When the pack was released",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.SubjectAccessPack",
        {
            "requester_name": "The name of the person who asked for a copy of a child's information",
            "released_to": "Who a subject access pack was sent to",
            "request_reference": "The reference of the request a subject access pack answers",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.FAMILY, _S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.SubjectAccessPack",
        {"content": "A copy of everything held about a child, gathered to answer their subject access request"},
        category=_C.CASEWORK,
        subjects=_FREE_TEXT_SUBJECTS | {_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources=_ANY_SOURCE,
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link(
        "privacy.SubjectAccessPack",
        {
            "created_by": "Who gathered the subject access pack",
            "approved_by": "Who approved it for release",
            "released_by": "Who released it",
            "disclosure": "The entry in the disclosure log for its release",
        },
        _K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.Redaction",
        {
            "item": "Which record in a subject access pack was withheld in whole or part",
            "field": "Which part of the record was withheld",
            "start": "Where in the text the withheld words start",
            "end": "Where in the text the withheld words end",
            "reason": "Why it was withheld (whose information it would reveal)",
            "origin": "Whether the system or a person marked it",
            "lifted_at": "When a person decided to release it after all",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON, _D.REFERRER, _D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "privacy.Redaction",
        {
            "note": "Why a reviewer withheld part of a subject access pack, in their words",
            "lift_reason": "Why a reviewer released a part first withheld, in their words",
        },
        category=_C.ACCOUNTABILITY,
        subjects=_FREE_TEXT_SUBJECTS | {_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_staff_link(
        "privacy.Redaction",
        {"added_by": "Who withheld it, when a person did", "lifted_by": "Who released it after all"},
        _K.ACCOUNTABILITY_LOG,
    ),
    *_staff_link(
        "privacy.NoticeVersion",
        {"published_by": "Who published a version of the privacy notice"},
        _K.ACCOUNTABILITY_LOG,
    ),
    # Each published version of the notice is kept as it read: it names the data protection officer and how to reach
    # them, as the public page did.
    *_declare(
        "privacy.NoticeVersion",
        {
            "html": "A published version of the privacy notice as it read, naming the data protection officer",
            "outline": "The same version's content section by section, naming the data protection officer",
        },
        category=_C.CONTACT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    # --- the audit trail (cme.audit): ids in the chained entry, the personal part in the erasable detail ---------
    *_declare(
        "audit.AuditEntry",
        {
            "occurred_at": "When it happened",
            "event": "What happened (a record viewed, a case closed, a search …)",
            "target_type": "What kind of record it happened to",
            "target_id": "Which record it happened to",
            "related_type": "What kind of record was also involved",
            "related_id": "Which record was also involved",
            "subject_child_id": "Which child it was about",
            "payload": "Numbers and ids that describe what happened, never names",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
    ),
    *_staff_link(
        "audit.AuditEntry",
        {"actor_id": "Who did it", "actor_username": "The user name of who did it, at the time"},
        _K.ACCOUNTABILITY_LOG,
    ),
    *_declare(
        "reports.StudyExtract",
        {"purpose": "What an approved study is for, in the approving officer's words"},
        category=_C.ACCOUNTABILITY,
        subjects={_D.STAFF},
        purposes={_P.ANALYTICS},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_declare(
        "audit.AuditDetail",
        {
            "entry": "Which audit entry the detail belongs to",
            "purpose": "Why the person opened the record, as one of the purposes in this notice",
            # Which fields were seen or changed, and personal detail such as the words searched for or a user name
            # tried at a failed sign-in.
            "data": "The detail of what happened: the fields seen or changed, the words searched for",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal={_C.IDENTITY, _C.CONTACT},
    ),
    *_declare(
        "audit.AuditDetail",
        {"purpose_text": "Why the person opened the record, in their own words"},
        category=_C.ACCOUNTABILITY,
        subjects=_FREE_TEXT_SUBJECTS | {_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.ACCOUNTABILITY_LOG,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    # --- data matching (cme.matching): extracts received, candidates proposed, and a person's review -----------
    *_declare(
        "matching.SourceRecord",
        {
            "record_ref": "The supplier's own reference for the person (council tax account, tenancy, claim, GP or "
            "application reference)",
            "household_ref": "The supplier's reference for the household the person belongs to",
            "given_name": "First name, as the source holds it",
            "middle_names": "Middle names, as the source holds them",
            "known_as": "The name the person is known by, as the source holds it",
            "family_name": "Last name, as the source holds it",
            "date_of_birth": "Date of birth, as the source holds it",
            "sex": "Sex, as the source holds it",
            "upn": "Unique pupil number, from a school roll or admissions application",
            "nhs_number": "NHS number, from a GP registration",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES,
        recipients=(),
        retention=_K.MATCHING_EXTRACT,
    ),
    *_declare(
        "matching.SourceRecord",
        {
            "address_line1": "First line of the address the source holds",
            "address_line2": "Second line of the address the source holds",
            "town": "Town of the address the source holds",
            "postcode": "Postcode of the address the source holds",
            "uprn": "Unique property reference number of the address the source holds",
            "valid_from": "When the source says the person moved in, registered, or joined the claim or roll",
            "valid_to": "When the source says that ended",
        },
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES,
        recipients=(),
        retention=_K.MATCHING_EXTRACT,
    ),
    *_declare(
        "matching.SourceRecord",
        {"kind": "Which kind of source the record came from: a benefits record shows the family receives benefits"},
        category=_C.BENEFITS,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES,
        recipients=(),
        retention=_K.MATCHING_EXTRACT,
        may_reveal={_C.EDUCATION, _C.FAMILY},
    ),
    *_declare(
        "matching.SourceRecord",
        {"school_urn": "The school whose roll lists the pupil"},
        category=_C.EDUCATION,
        subjects={_D.CHILD},
        purposes=_MATCHING,
        sources={_S.SCHOOL},
        recipients=(),
        retention=_K.MATCHING_EXTRACT,
    ),
    *_declare(
        "matching.RejectedRow",
        {
            "values": "A row of an extract held back for checking, column by column as the source sent it",
            "reasons": "Why the row was held back, which may quote a value from it",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES,
        recipients=(),
        retention=_K.MATCHING_EXTRACT,
        may_reveal={_C.CONTACT, _C.BENEFITS, _C.EDUCATION, _C.FAMILY},
    ),
    *_declare(
        "matching.MatchCandidate",
        {
            "identity_key": "A key that keeps the same child's candidate from one match run to the next",
            "given_name": "First name the sources give the child",
            "middle_names": "Middle names the sources give the child",
            "family_name": "Last name the sources give the child",
            "date_of_birth": "Date of birth the sources give the child",
            "sex": "Sex the sources give the child",
            "record_keys": "Which source records are about the child",
            "reviewed_keys": "Which source records the officer had seen when they decided",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES | {_S.SERVICE},
        recipients=(),
        retention=_K.MATCH_CANDIDATE,
    ),
    *_declare(
        "matching.MatchCandidate",
        {
            "address": "The address the sources say the child lives at",
            "postcode": "Postcode of that address",
            "uprn": "Unique property reference number of that address",
            "resident_since": "Since when the sources say the child has lived there",
        },
        category=_C.CONTACT,
        subjects={_D.CHILD},
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES | {_S.SERVICE},
        recipients=(),
        retention=_K.MATCH_CANDIDATE,
    ),
    *_casework(
        "matching.MatchCandidate",
        {
            "kind": "Why the child is proposed: living here on no school roll, or on a roll but moved away",
            "review_state": "Whether an officer has confirmed or dismissed the candidate",
            "is_current": "Whether the latest match run found the child again",
            "reopened": "Whether a dismissed candidate was proposed again on new records",
            "score": "How sure the matching is that the records are one child",
            "reason": "The plain-English reason the child is proposed, naming the sources that place them here",
            "evidence": "The source records about the child, with dates, and how much each detail counted in matching",
            "child": "The child's record, once there is one",
            "referral": "The referral an officer's confirmation made",
            "case": "The child's open case the confirmed candidate's records were added to",
        },
        purposes=_MATCHING,
        sources=_MATCHING_SOURCES | {_S.SERVICE},
        recipients=(),
        retention=_K.MATCH_CANDIDATE,
        may_reveal={_C.IDENTITY, _C.CONTACT, _C.BENEFITS, _C.EDUCATION},
    ),
    *_casework(
        "matching.MatchDecision",
        {
            "candidate": "Which proposed child the decision is about",
            "kind": "Whether the officer confirmed or dismissed the match",
            "record_keys": "Which source records the officer had before them",
            "referral": "The referral a confirmation made",
            "decided_at": "When the officer decided",
            "run": "The match run whose proposal the officer decided",
            "confidence": "How sure that match run was that the candidate was right, when the officer decided",
        },
        purposes=_MATCHING,
        recipients=(),
        retention=_K.MATCH_CANDIDATE,
    ),
    *_free_text(
        "matching.MatchDecision",
        {"rationale": "Why the officer confirmed or dismissed the match, in their words"},
        retention=_K.MATCH_CANDIDATE,
    ),
    *_staff_link("matching.DataSource", {"registered_by": "Who registered the data source"}, _K.STAFF_ACCOUNT),
    *_staff_link("matching.SourceImport", {"imported_by": "Who imported the extract"}, _K.STAFF_ACCOUNT),
    *_staff_link("matching.MatchRun", {"started_by": "Who started the match run"}, _K.STAFF_ACCOUNT),
    *_staff_link("webhooks.WebhookEndpoint", {"created_by": "Who added the webhook endpoint"}, _K.STAFF_ACCOUNT),
    *_staff_link("matching.MatchDecision", {"decided_by": "Who made the decision"}, _K.MATCH_CANDIDATE),
    *_declare(
        "accounts.RoleGrant",
        {
            "user": "Whose account a role was asked for",
            "role": "The role asked for",
            "team": "The team the role was asked for in",
            "decision": "Whether the role was approved or refused, or still waits",
            "decided_at": "When it was decided",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,
    ),
    *_staff_link("audit.AuditVerification", {"started_by_id": "Who started the check"}, _K.STAFF_ACCOUNT),
    *_declare(
        "training.TraineeScenario",
        {
            "trainee": "Which member of staff the training exercises are for",
            "made_at": "When the trainee's exercises were made, or last put back",
            "records": "Which made-up records the trainee's exercises use",
            "resets": "How many times the trainee's exercises were put back",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},  # running the training site; its records are made up, not training data
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,
    ),
    *_staff_link(
        "accounts.RoleGrant",
        {"requested_by": "Who asked for the role", "decided_by": "Who approved or refused it"},
        _K.STAFF_ACCOUNT,
    ),
    *_staff_link(
        "reports.StudyExtract",
        {"approved_by": "Who approved a pseudonymised extract", "created_by": "Who created the extract"},
        _K.ACCOUNTABILITY_LOG,
    ),
    # --- people who use the system ------------------------------------------------------------------------------
    *_declare(
        "accounts.User",
        {
            "username": "User name",
            "first_name": "First name",
            "last_name": "Last name",
            "job_title": "Job title",
        },
        category=_C.IDENTITY,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,
    ),
    *_declare(
        "accounts.User",
        {"email": "Work email address"},
        category=_C.CONTACT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,
    ),
    *_declare(
        "accounts.User",
        {
            "password": "Password, stored only as a one-way hash",
            "last_login": "When the person last signed in",
            "date_joined": "When the account was created",
            "is_active": "Whether the account may sign in",
            "role": "The person's role, which decides what they may see and do",
            "team": "Which CME team the person belongs to",
            "school": "Which school a school user works for",
            "organisation": "Which partner agency a partner user works for",
            "task_emails": "How often the person chose to be emailed about their tasks",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,
    ),
    *_declare(
        "council.CouncilSettings",
        {
            "dpo_name": "The data protection officer's name or title, published on this notice",
            "dpo_email": "The data protection officer's email address, published on this notice",
            "dpo_address": "The data protection officer's postal address, published on this notice",
        },
        category=_C.CONTACT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),  # published to everyone, as UK GDPR Art. 37(7) requires; not shared with anyone in particular
        retention=_K.UNTIL_REPLACED,
    ),
    *_declare(
        "council.CouncilSettings",
        # The service's address, printed on every letter; it may name a team or an officer.
        {"letterhead_address": "The service's postal address as printed at the top of its letters"},
        category=_C.CONTACT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),  # printed on letters to families and agencies; not shared with anyone in particular
        retention=_K.UNTIL_REPLACED,
    ),
    *_declare(
        "cases.LetterTemplate",
        # The council's standard wording: merge fields stand where a child's or family's details go (checked when
        # saved), but the text is written by a person and may name staff, for example in a signature.
        {"body": "The council's standard wording for a kind of letter"},
        category=_C.CONTACT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.UNTIL_REPLACED,
    ),
    # Tables that come with the libraries cme uses
    # --- sessions.Session (Django): who is signed in ---------------------------------------------------------------
    *_declare(
        "sessions.Session",
        {
            "session_key": "The random key the browser's session cookie holds",
            "expire_date": "When the session ends unless the person uses the system again",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SESSIONS_AND_TOKENS,
    ),
    *_declare(
        "sessions.Session",
        # Django's signed data: the account's id, a hash of its password hash and the id of the authenticator app
        # that passed the second step. One-off messages ("Jane Smith added.") go in the messages cookie, and here
        # only when they overflow it, until they are shown.
        {
            "session_data": "What the system remembers between pages: who is signed in, that they passed the second "
            "sign-in step, and now and then a one-off message waiting to be shown, which can name a child or carer",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SESSIONS_AND_TOKENS,
        may_reveal={_C.IDENTITY},
    ),
    # --- knox.AuthToken (django-rest-knox): API tokens, made by `cme token create` ----------------------------------
    *_declare(
        "knox.AuthToken",
        {
            "user": "Whose API token it is: another system that uses it acts as this user",
            "digest": "The token, stored only as a one-way hash",
            "token_key": "The first characters of the token, to find it quickly",
            "created": "When the token was made",
            "expiry": "When the token stops working",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SESSIONS_AND_TOKENS,
    ),
    # --- otp_totp.TOTPDevice (django-otp): the authenticator app of the second sign-in step ------------------------
    *_declare(
        "otp_totp.TOTPDevice",
        {
            "user": "Whose authenticator app it is",
            "key": "The secret the authenticator app shares with the system, to make sign-in codes",
            "confirmed": "Whether the person has finished setting up their authenticator app",
            "created_at": "When the authenticator app was set up",
            "last_used_at": "When a sign-in code was last accepted",
            "last_t": "The last sign-in code accepted, counted in 30-second steps, so that no code is used twice",
            "drift": "How far the clock of the person's authenticator app runs from the system's",
            "throttling_failure_timestamp": "When a sign-in code last failed",
            "throttling_failure_count": "How many sign-in codes in a row have failed",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.STAFF_ACCOUNT,  # removed with the account, or when an administrator resets the second step
    ),
    # --- axes (django-axes): failed sign-ins, counted to lock out password guessing --------------------------------
    # The user name typed may be anyone's, or a mistyped password: it is kept as typed.
    *_declare(
        "axes.AccessAttempt",
        {"username": "The user name typed"},
        category=_C.IDENTITY,
        subjects={_D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_ATTEMPTS,
    ),
    *_declare(
        "axes.AccessAttempt",
        {
            "ip_address": "The internet address the attempts came from",
            "user_agent": "The browser and device used, as the browser describes itself",
            "http_accept": "The kinds of page the browser said it accepts, part of how it describes itself",
            "attempt_time": "When the last failed attempt was made",
            "get_data": "The query part of the sign-in page's address at each attempt, such as the page the person "
            "was going to",
            "post_data": "The sign-in form as sent at each attempt, with the password and user name blanked out",
            "failures_since_start": "How many times in a row the sign-in failed",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_ATTEMPTS,
    ),
    # Written only if a council sets AXES_USE_ATTEMPT_EXPIRATION; cme does not.
    *_declare(
        "axes.AccessAttemptExpiration",
        {
            "access_attempt": "Which failed sign-in attempts it is for",
            "expires_at": "When those attempts stop counting towards a lock-out",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_ATTEMPTS,
    ),
    # Each successful sign-in, and when the person signed out.
    *_declare(
        "axes.AccessLog",
        {"username": "The user name that signed in"},
        category=_C.IDENTITY,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_HISTORY,
    ),
    *_declare(
        "axes.AccessLog",
        {
            "ip_address": "The internet address the person signed in from",
            "user_agent": "The browser and device used, as the browser describes itself",
            "http_accept": "The kinds of page the browser said it accepts, part of how it describes itself",
            "attempt_time": "When the person signed in",
            "logout_time": "When they signed out",
            "session_hash": "A one-way hash of the sign-in session's key, to match the sign-out to the sign-in",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_HISTORY,
    ),
    # One row per failed sign-in, written only if a council sets AXES_ENABLE_ACCESS_FAILURE_LOG; cme does not.
    *_declare(
        "axes.AccessFailureLog",
        {"username": "The user name typed at a failed sign-in"},
        category=_C.IDENTITY,
        subjects={_D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_HISTORY,
    ),
    *_declare(
        "axes.AccessFailureLog",
        {
            "ip_address": "The internet address the failed sign-in came from",
            "user_agent": "The browser and device used, as the browser describes itself",
            "http_accept": "The kinds of page the browser said it accepts, part of how it describes itself",
            "attempt_time": "When the sign-in failed",
            "locked_out": "Whether the failure locked the user name or address out",
        },
        category=_C.ACCOUNT,
        subjects={_D.STAFF, _D.ANYONE_SIGNING_IN},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.SIGN_IN_HISTORY,
    ),
    # --- django_tasks_database.DBTaskResult (django-tasks-db): background jobs -----------------------------------
    # Imports, matching, retention sweeps and exports run as jobs. A job is given the ids of the records it works on
    # (an import, an uploaded file, the user who asked), not their content, and reports counts and ids; but a file's
    # name as uploaded often names a child, and an error's message can quote a value from the record being worked on.
    *_declare(
        "django_tasks_database.DBTaskResult",
        {
            "task_path": "Which job it was (reading an import, matching records …)",
            "status": "Whether the job is waiting, running, finished or failed",
            "enqueued_at": "When the job was asked for",
            "run_after": "The earliest time it may run",
            "started_at": "When it started",
            "finished_at": "When it finished",
            "exception_class_path": "What kind of error stopped the job",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.BACKGROUND_JOBS,
    ),
    *_declare(
        "django_tasks_database.DBTaskResult",
        {
            "args_kwargs": "What the job was asked to do: the ids of the records it works on, such as an import or "
            "an uploaded file, and of the person who asked",
            "return_value": "What the job reported when it finished: counts, and the ids of the records it made or "
            "changed",
            "traceback": "Where in the program a failed job stopped, with the error's message, which can quote a "
            "value from the record it was working on, such as a name or a reference number",
        },
        category=_C.ACCOUNTABILITY,
        subjects={_D.CHILD, _D.CARER, _D.STAFF},
        purposes={_P.ADMINISTER_SERVICE},
        sources={_S.SERVICE},
        recipients=(),
        retention=_K.BACKGROUND_JOBS,
        may_reveal={_C.IDENTITY, _C.CONTACT},
    ),
]

# --- schools' returns (issue 5): what schools tell the council under reg 13 of the 2024 registration regulations ---
_RETURN_SOURCES = {_S.SCHOOL, _S.SCHOOL_TO_SCHOOL}
_RETURN_PURPOSES = {_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE, _P.SUPPORT_DECISIONS, _P.SAFEGUARDING}


def _school_return(model: str, category: str, fields: Mapping[str, str], **kwargs) -> list[FieldEntry]:
    """A fact a school sent about a pupil: kept with the child's record and shared as education data is."""
    options = {
        "category": category,
        "subjects": {_D.CHILD},
        "purposes": _RETURN_PURPOSES | {_P.ANALYTICS},
        "sources": _RETURN_SOURCES,
        "recipients": _EDUCATION_PARTNERS,
        "retention": _K.CHILD_RECORD,
    }
    options.update(kwargs)
    return _declare(model, fields, **options)


_ENTRIES += [
    *_school_return(
        "schools.RollReturn",
        _C.IDENTITY,
        {
            "upn": "The pupil's unique pupil number, as the school sent it",
            "given_name": "The pupil's first name, as the school's register has it",
            "family_name": "The pupil's last name, as the school's register has it",
            "date_of_birth": "The pupil's date of birth",
            "sex": "The pupil's sex, as the school's register has it",
        },
    ),
    *_school_return(
        "schools.RollReturn",
        _C.CONTACT,
        {
            "address_line1": "The pupil's address, first line",
            "address_line2": "The pupil's address, second line",
            "address_town": "The pupil's town",
            "address_postcode": "The pupil's postcode",
            "future_address": "Where the pupil will live, if the school was told",
            "future_address_from": "When the pupil will live at the new address",
        },
    ),
    *_school_return(
        "schools.RollReturn",
        _C.FAMILY,
        {"parents": "The parents the pupil normally lives with: names, addresses and emergency telephone numbers"},
        subjects={_D.CHILD, _D.CARER},
        may_reveal={_C.CONTACT, _C.IDENTITY},
    ),
    *_school_return(
        "schools.RollReturn",
        _C.EDUCATION,
        {
            "school": "Which school sent the return",
            "kind": "What the return is (a deletion, a new pupil, a long absence, a part-time timetable …)",
            "channel": "How the return reached the council (online form, API, spreadsheet, transfer file)",
            "batch": "Which file the return came in, if it came in a file",
            "received_on": "When the council received the return",
            "year_group": "The pupil's year group",
            "event_date": "The date the return is about (deletion, starting day, first day of absence …)",
            "deletion_ground": "The legal ground on which the school deleted the pupil's name from its roll",
            "destination_school": "The school the pupil is going to, if known",
            "destination_start_on": "When the pupil starts at the new school",
            "info_not_obtained": "Whether the school could not obtain some of the information",
            "school_days_absent": "How many school days the pupil had been absent",
            "last_attended_on": "The pupil's last day at school",
            "timetable": "Which part-time timetable the return is about",
            "hours_per_week": "The hours a week the pupil is taught on a part-time timetable",
            "next_review_on": "When the part-time timetable is next reviewed",
            "planned_end_on": "When the part-time timetable is planned to end",
            "parent_agreed": "Whether the parent agreed to the part-time timetable",
            "ctf_source": "The school a transfer file came from (LA and establishment number)",
            "ctf_destination": "The school a transfer file is for; XXX/XXXX or blank when the school does not know",
            "triage_state": "Whether an officer has triaged the return, and how",
            "child": "Which child the return was matched to, by an officer",
            "referral": "The referral the return became",
            "case": "The child's open case the return was added to, instead of a second referral",
            "triaged_at": "When the return was triaged",
        },
    ),
    *_school_return(
        "schools.RollReturn",
        _C.STATUTORY_SERVICES,
        {"safeguarding_concern": "Whether the school has a safeguarding concern about the pupil"},
    ),
    *_free_text(
        "schools.RollReturn",
        {
            "info_not_obtained_details": "What the school could not find out, in its words",
            "safeguarding_details": "The school's safeguarding concern, in its words",
            "timetable_reason": "Why the pupil is on a part-time timetable, in the school's words",
            "further_information": "Anything else the school told us, in its words",
            "triage_rationale": "Why the officer referred or closed the return",
            "warnings": "Details the school sent in a form cme does not know (a telephone number), kept as written",
        },
        sources=_RETURN_SOURCES | {_S.SERVICE},
    ),
    *_staff_link("schools.RollReturn", {"submitted_by": "Who sent the return", "triaged_by": "Who triaged it"}),
    *_school_return(
        "schools.PartTimeTimetable",
        _C.EDUCATION,
        {
            "school": "Which school the pupil is on a part-time timetable at",
            "started_on": "When the part-time timetable started",
            "planned_end_on": "When it is planned to end",
            "hours_per_week": "The hours a week the pupil is taught",
            "parent_agreed": "Whether the parent agreed to it",
            "next_review_on": "When it is next reviewed",
            "ended_on": "When it ended",
        },
    ),
    *_free_text(
        "schools.PartTimeTimetable",
        {"reason": "Why the pupil is on a part-time timetable, in the school's words"},
        sources=_RETURN_SOURCES,
    ),
    *_school_return(
        "schools.ReturnImport",
        _C.IDENTITY,
        # Lost-pupil CTFs are named after the pupil's UPN, so a file's name can identify a child.
        {"file_name": "The name of a file of returns, which may include a pupil's UPN"},
        purposes={_P.ADMINISTER_SERVICE},
        recipients=(),
    ),
    *_school_return(
        "schools.RollReturn",
        _C.IDENTITY,
        # A hash of the pupil's name or UPN, date of birth and the return's date: one-way, but guessable from them.
        {"dedupe_key": "A one-way hash that spots the same return sent twice"},
        purposes={_P.ADMINISTER_SERVICE},
        recipients=(),
    ),
    *_staff_link("schools.ReturnImport", {"imported_by": "Who imported the file"}),
    *_casework("cases.Decision", {"roll_return": "Which school return the decision is about"}),
    # --- issue 12: enrolments from triage, where a child went when the case closed, manager sign-off ---------------
    *_declare(
        "schools.Enrolment",
        {
            "source": "How the service learned of the enrolment (a school's return, a transfer file, a case closing)",
            "started_by": "The school's return that put the child on the roll",
            "ended_by": "The school's return that took the child off the roll",
        },
        category=_C.EDUCATION,
        subjects={_D.CHILD},
        purposes={_P.ADMINISTER_SERVICE, _P.IDENTIFY_CME, _P.LOCATE, _P.SUPPORT_DECISIONS, _P.ANALYTICS},
        sources={_S.SCHOOL, _S.SCHOOL_TO_SCHOOL, _S.SERVICE},
        recipients=_EDUCATION_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_casework(
        "cases.Case",
        {
            "destination_school": "The school the child was found on the roll of when the case closed",
            "destination_council": "The council's area the child moved to",
            "destination_country": "The country the child moved to",
            "destination_on": "When the child started at that school or moved",
        },
        sources={_S.SERVICE, _S.SCHOOL, _S.OTHER_COUNCIL, _S.FAMILY},
    ),
    *_casework(
        "cases.SignOffRequest",
        {
            "case": "Which case an officer asked to close",
            "state": "Whether a manager has signed the closure off or sent it back",
            "needed_because": "Why the council's settings need a manager's sign-off (the outcome, or how long it ran)",
            "requested_at": "When the officer asked",
            "decided_at": "When the manager decided",
            "destination_school": "The school the officer found the child on the roll of",
            "destination_council": "The council's area the officer found the child moved to",
            "destination_country": "The country the officer found the child moved to",
            "destination_on": "When the child started at that school or moved",
        },
        sources={_S.SERVICE, _S.SCHOOL, _S.OTHER_COUNCIL, _S.FAMILY},
    ),
    *_casework(
        "cases.SignOffRequest",
        # As on the case: an outcome such as "referred to children's social care or police" reveals that involvement.
        {"outcome": "How the officer proposed the case should end"},
        may_reveal={_C.STATUTORY_SERVICES},
    ),
    *_free_text(
        "cases.SignOffRequest",
        {
            "rationale": "Why the officer asked to close the case, in their words",
            "decision_reason": "Why the manager signed it off or sent it back, in their words",
        },
    ),
    *_staff_link(
        "cases.SignOffRequest", {"requested_by": "Who asked to close the case", "decided_by": "Which manager decided"}
    ),
]

# --- issue 18: the front door (cme.frontdoor): reports from the public and professionals, kept as sent until an
# officer says which child each is about; then a referral holds them, and the report is kept with the child's record.
_FRONT_DOOR = "frontdoor.FrontDoorReport"
_FRONT_DOOR_SOURCES = {_S.PUBLIC, _S.PROFESSIONAL, _S.HEALTH, _S.POLICE, _S.OTHER_COUNCIL, _S.SOCIAL_CARE}
_ENTRIES += [
    *_declare(
        _FRONT_DOOR,
        {
            "child_given_name": "The child's first name, as the person who reported them gave it",
            "child_family_name": "The child's last name, as the person who reported them gave it",
            "child_date_of_birth": "The child's date of birth, as the person who reported them gave it",
            "child_age": "Roughly how old the child is, when the reporter did not know the date of birth",
        },
        category=_C.IDENTITY,
        subjects={_D.CHILD},
        purposes=_FINDING,
        sources=_FRONT_DOOR_SOURCES,
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        _FRONT_DOOR,
        {"child_address": "The child's address, or the area they live in, as the reporter wrote it"},
        category=_C.CONTACT,
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON},
        purposes=_FINDING,
        sources=_FRONT_DOOR_SOURCES,
        recipients=_SAFEGUARDING_PARTNERS,
        retention=_K.CHILD_RECORD,
        may_reveal=_FREE_TEXT_REVEALS,
        free_text=True,
    ),
    *_casework(
        _FRONT_DOOR,
        {
            "child_school": "The school the child last attended, as the reporter gave it",
            "reference": "The reference the reporter was given",
            "kind": "Whether a member of the public or a professional reported the child",
            "received_at": "When the report arrived",
            "language": "The language the reporter read the form in",
            "is_anonymous": "Whether the reporter gave their name",
            "sharing_basis": "The lawful basis on which a professional shared what they know",
            "state": "Whether an officer has decided what the report is about, and what became of it",
            "child": "Which child an officer found the report to be about",
            "referral": "The referral the report became",
            "case": "The child's open case the report was added to, instead of a second referral",
            "triaged_at": "When an officer decided",
        },
        category=_C.EDUCATION,
        sources=_FRONT_DOOR_SOURCES | {_S.SERVICE},
    ),
    *_casework(
        _FRONT_DOOR,
        {"safeguarding_concern": "Whether the reporter is worried about the child's safety"},
        category=_C.STATUTORY_SERVICES,
        sources=_FRONT_DOOR_SOURCES,
    ),
    *_declare(
        _FRONT_DOOR,
        {
            "reporter_name": "Name of the person who reported the child (none when anonymous)",
            "reporter_relationship": "How a member of the public knows the child, or a professional's role",
            "reporter_organisation": "A professional's organisation",
        },
        category=_C.IDENTITY,
        subjects={_D.REFERRER, _D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources=_FRONT_DOOR_SOURCES,
        recipients={_R.SOCIAL_CARE, _R.POLICE},
        retention=_K.CHILD_RECORD,
    ),
    *_declare(
        _FRONT_DOOR,
        {"reporter_phone": "The reporter's telephone number", "reporter_email": "The reporter's email address"},
        category=_C.CONTACT,
        subjects={_D.REFERRER, _D.PROFESSIONAL},
        purposes={_P.ADMINISTER_SERVICE, _P.LOCATE, _P.SAFEGUARDING},
        sources=_FRONT_DOOR_SOURCES,
        recipients={_R.SOCIAL_CARE, _R.POLICE},
        retention=_K.CHILD_RECORD,
    ),
    *_free_text(
        _FRONT_DOOR,
        {
            "concerns": "Why the reporter thinks the child is missing education, in their words",
            "safeguarding_details": "What worries the reporter about the child's safety, in their words",
            "triage_rationale": "Why the officer decided as they did",
        },
        sources=_FRONT_DOOR_SOURCES | {_S.SERVICE},
    ),
    *_staff_link(_FRONT_DOOR, {"triaged_by": "Who decided what the report is about"}),
]

# ---------------------------------------------------------------------------------------------------------------------
# Fields that hold no personal data, each with the reason it was judged so. Reviewed with the catalogue.
# ---------------------------------------------------------------------------------------------------------------------

# Fields with these names are bookkeeping on every model; an entry above overrides this for a model where the field
# means more (a file note's `created_at` is when the note was written, so it is catalogued).
NOT_PERSONAL_ON_ANY_MODEL: Mapping[str, str] = MappingProxyType(
    {
        "id": "The row's number inside cme: says nothing about a person on its own and is never published.",
        "created_at": "When the row was written: bookkeeping; the row's content is catalogued field by field.",
        "updated_at": "When the row was last saved: bookkeeping; the row's content is catalogued field by field.",
        "version": "A counter that refuses an edit based on an out-of-date copy: bookkeeping.",
    }
)

_REGISTER = "A published fact about a school from the national register of schools, not about a person."
_COUNCIL = "The council's own published details, not about a person."
_CALENDAR = "The council's school calendar, not about a person."
_NOTICE_VERSION = "A version of the published privacy notice: the council's own words, dates and state."
_DISPOSAL_BATCH = "How a disposal batch was set up and went: dates, states, rules and counts, not about a person."
_CHAIN = "Part of the audit trail's tamper-evident chain: numbers and hashes, not about a person."
_LETTER_WORDING = (
    "The council's standard wording for a kind of letter, checked to hold only merge fields: no one's details."
)
_DOCUMENT = "A technical property of an uploaded file that reveals nothing about its content."
_UNUSED_AUTH = "Never used: every permission comes from the user's role."
_CODE_SETTING = "A setting for making sign-in codes, the same for everyone's authenticator app."
_JOB_MACHINERY = "How the background job queue is run (which queue, which worker, in what order), not about a person."

_RETURN_FILE = "A property of a file of returns that says nothing about any pupil."
_RETURNS_NOT_PERSONAL = {
    ("schools.ReturnImport", "sha256"): _RETURN_FILE + " A checksum that spots the same file imported twice.",
    ("schools.ReturnImport", "channel"): _RETURN_FILE + " Whether it was a CSV or a transfer file.",
    ("schools.ReturnImport", "school"): _RETURN_FILE + " Which school sent it (a published register entry).",
    ("schools.ReturnImport", "header"): _RETURN_FILE + " A transfer file's header: version and LA/school codes.",
    ("schools.ReturnImport", "created_count"): _RETURN_FILE + " How many returns it added.",
    ("schools.ReturnImport", "warnings"): _RETURN_FILE + " Notes on the file as a whole, such as its CTF version.",
}
_TRANSFER_COUNCIL = "Another council in the register for case transfers: its name, code and public keys, not a person."
_MATCHING_SETUP = "What a data source is and who supplies it (a council team or organisation), not about a person."
_IMPORT = "How an extract was received and read: dates, counts, file details and state, not about a person."
_RUN = "How a match run was set up and went: settings, progress, counts and model parameters, not about a person."
_BASELINE = "Counts of the children on a school roll by group (aggregates of thousands), not about any one person."
_EXTRACT = "The register of a study's pseudonymised extract (the study, its recipient and purpose, counts, files)."

_WEBHOOK = (
    "An outbound event to another of the council's systems: what it is, where it goes and how its delivery went; "
    "a message carries the numbers of a referral, case or return in cme and links to them, never a name, date of "
    "birth or address (tests/webhooks check it)."
)
_WEBHOOK_FIELDS = {
    "webhooks.WebhookEndpoint": ("name", "url", "events", "secret", "is_active"),
    "webhooks.WebhookDelivery": (
        "endpoint", "event", "message_id", "message", "state", "attempts", "last_status_code", "last_error",
        "next_attempt_at", "delivered_at",
    ),
    "webhooks.WebhookAttempt": ("delivery", "number", "attempted_at", "status_code", "error", "duration_ms"),
}  # fmt: skip

_TRAINING_SITE = (
    "The training site's marker, only ever on a training database that `cme training setup` filled with made-up "
    "records; a live installation refuses to start on a database that has it (cme.training.guard)."
)
NOT_PERSONAL: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        **{
            ("schools.School", name): _REGISTER
            for name in (
                "urn",
                "ukprn",
                "la_code",
                "la_name",
                "establishment_number",
                "name",
                "type_code",
                "type_name",
                "type_group",
                "status",
                "open_date",
                "close_date",
                "phase_code",
                "phase_name",
                "statutory_low_age",
                "statutory_high_age",
                "gender",
                "sixth_form",
                "street",
                "locality",
                "address3",
                "town",
                "postcode",
                "telephone",
                "website",
                "number_of_pupils",
                "capacity",
            )
        },
        ("council.CouncilSettings", "council_name"): _COUNCIL,
        ("council.CouncilSettings", "service_email"): _COUNCIL + " A shared mailbox for the service.",
        ("council.CouncilSettings", "service_phone"): _COUNCIL + " The service's switchboard number.",
        ("council.CouncilSettings", "complaints_url"): _COUNCIL,
        ("council.CouncilSettings", "accessibility_contact_email"): _COUNCIL + " A shared mailbox.",
        ("council.CouncilSettings", "roll_max_age_days"): _COUNCIL + " A number of days.",
        ("council.CouncilSettings", "sign_off_outcomes"): _COUNCIL + " A list of case outcomes.",
        ("council.CouncilSettings", "sign_off_open_school_days"): _COUNCIL + " A number of school days.",
        ("council.TermPeriod", "name"): _CALENDAR,
        ("council.TermPeriod", "first_day"): _CALENDAR,
        ("council.TermPeriod", "last_day"): _CALENDAR,
        ("council.ClosureDay", "day"): _CALENDAR,
        ("council.ClosureDay", "reason"): _CALENDAR + " Why schools close that day (an election, snow).",
        ("accounts.Team", "name"): "The name of a team of officers, not of a person.",
        ("accounts.Team", "description"): "What a team does, not about a person.",
        ("accounts.Organisation", "name"): "The name of a partner agency, not of a person.",
        ("accounts.Organisation", "kind"): "What sort of agency it is.",
        ("accounts.Organisation", "email"): "A partner agency's shared mailbox; the form says never a person's own.",
        ("accounts.User", "is_superuser"): "Always false: cme has no superusers (a database constraint).",
        ("accounts.User", "is_staff"): "Never used: cme has no Django admin.",
        ("accounts.User", "groups"): "Never used: every permission comes from the user's role.",
        ("accounts.User", "user_permissions"): "Never used: every permission comes from the user's role.",
        ("council.RetentionPeriod", "rule"): "Which retention rule the council set a period for, not about a person.",
        ("council.RetentionPeriod", "months"): "How long the council keeps records under that rule.",
        **{
            ("privacy.DisposalBatch", name): _DISPOSAL_BATCH
            for name in (
                "state",
                "as_of",
                "proposed_at",
                "periods",
                "counts",
                "held",
                "approved_at",
                "disposal_started_at",
                "disposed_at",
                "disposed_counts",
                "details_erased",
            )
        },
        **{
            ("privacy.NoticeVersion", name): _NOTICE_VERSION
            for name in ("number", "state", "changes", "published_at", "review_due_on")
        },
        ("privacy.Redaction", "pack"): "Which subject access pack the redaction belongs to: a row number.",
        ("privacy.DisposalItem", "batch"): _DISPOSAL_BATCH + " Which batch the record was in.",
        ("privacy.DisposalItem", "rule"): _DISPOSAL_BATCH + " Which retention rule made the record due.",
        ("privacy.DisposalFile", "batch"): _DISPOSAL_BATCH + " Which batch removes the file.",
        ("privacy.DisposalFile", "storage"): _DISPOSAL_BATCH + " Which store the file to remove is in.",
        ("privacy.DisposalFile", "name"): _DISPOSAL_BATCH
        + " A stored file's meaningless name (uploads are stored under random names) waiting to be removed.",
        ("audit.AuditChainHead", "last_sequence"): _CHAIN + " The number of the last entry.",
        ("audit.AuditChainHead", "last_hash"): _CHAIN + " The hash of the last entry.",
        ("audit.AuditEntry", "sequence"): _CHAIN + " The entry's place in the chain.",
        ("audit.AuditEntry", "detail_hash"): _CHAIN + " A salted hash of the erasable detail; cannot be turned back.",
        ("audit.AuditEntry", "previous_hash"): _CHAIN + " The hash of the entry before.",
        ("audit.AuditEntry", "entry_hash"): _CHAIN + " The hash of this entry.",
        ("audit.AuditVerification", "started_at"): "When a check of the audit chain started.",
        ("audit.AuditVerification", "finished_at"): "When a check of the audit chain finished.",
        ("audit.AuditVerification", "ok"): "Whether the audit chain was intact.",
        ("audit.AuditVerification", "entries_checked"): "How many audit entries were checked.",
        ("audit.AuditVerification", "checkpoints_checked"): "How many signed checkpoints were checked.",
        ("audit.AuditVerification", "problem"): "What kind of tampering was found, as a code.",
        ("audit.AuditVerification", "sequence"): "The number of the first bad audit entry.",
        ("audit.AuditVerification", "message"): "What a check found, written by cme: entries by number and hash.",
        ("common.DailyTaskRun", "task_path"): "Which daily background task, not about a person.",
        ("training.TrainingSite", "made_at"): _TRAINING_SITE,
        ("training.TrainingSite", "seed"): _TRAINING_SITE + " The seed the made-up borough was generated from.",
        ("training.TrainingSite", "children"): _TRAINING_SITE + " How many made-up children it holds.",
        ("training.TrainingSite", "templates"): _TRAINING_SITE
        + " A copy of a made-up match candidate from the synthetic borough, which each trainee's exercise copies.",
        ("common.DailyTaskRun", "last_run_on"): "When a daily background task last ran.",
        ("common.DailyTaskRun", "last_enqueued_at"): "When a daily background task was last queued.",
        ("audit.AuditEntry", "key_id"): _CHAIN + " Which audit key hashed this entry: a fingerprint, not the key.",
        ("audit.AuditDetail", "salt"): _CHAIN + " Random characters that stop the detail's hash being guessed back.",
        ("cases.LetterTemplate", "kind"): _LETTER_WORDING,
        ("cases.LetterTemplate", "subject"): _LETTER_WORDING + " Merge fields stand where a person's details go.",
        ("council.CouncilSettings", "letterhead_contact"): _COUNCIL + " The service's contact line on letters.",
        ("council.CouncilSettings", "protective_marking"): _COUNCIL + " The security marking printed on letters.",
        ("council.CouncilSettings", "attendance_order_regime"): _COUNCIL + " Which law's steps the council follows.",
        ("cases.Document", "content_type"): _DOCUMENT + " The file type, detected from the content.",
        ("cases.Document", "size_bytes"): _DOCUMENT,
        ("cases.Document", "sha256"): _DOCUMENT + " A checksum that proves the file has not changed since upload.",
        # Tables that come with the libraries cme uses
        ("auth.Permission", "name"): _UNUSED_AUTH + " The name of a permission Django makes for each kind of record.",
        ("auth.Permission", "codename"): _UNUSED_AUTH
        + " The code of a permission Django makes for each kind of record.",
        ("auth.Permission", "content_type"): _UNUSED_AUTH + " Which kind of record a permission is for.",
        ("auth.Group", "name"): _UNUSED_AUTH + " The name of a group of permissions; cme puts no one in a group.",
        ("auth.Group", "permissions"): _UNUSED_AUTH + " Which permissions a group has.",
        ("contenttypes.ContentType", "app_label"): "The name of a part of cme or of a library, not about a person.",
        ("contenttypes.ContentType", "model"): "The name of a kind of record (a table), not about a person.",
        ("otp_totp.TOTPDevice", "name"): "Always 'Authenticator app': cme gives every device the same name.",
        **{("otp_totp.TOTPDevice", name): _CODE_SETTING for name in ("step", "t0", "digits", "tolerance")},
        **{
            (label, "path_info"): "The address of the sign-in page, the same for everyone."
            for label in ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
        },
        **{
            ("django_tasks_database.DBTaskResult", name): _JOB_MACHINERY
            for name in ("priority", "worker_ids", "queue_name", "backend_name")
        },
        **_RETURNS_NOT_PERSONAL,
        **{(model, name): _WEBHOOK for model, names in _WEBHOOK_FIELDS.items() for name in names},
        **{
            ("transfers.Council", name): _TRANSFER_COUNCIL
            for name in (
                "name",
                "code",
                "signing_key",
                "encryption_key",
                "signing_key_fingerprint",
                "encryption_key_fingerprint",
                "is_active",
                "added_at",
            )
        },
        **{
            ("matching.DataSource", name): _MATCHING_SETUP
            for name in ("name", "kind", "supplier", "lawful_basis", "legal_gateway", "is_active")
        },
        **{
            ("matching.SourceImport", name): _IMPORT
            for name in (
                "source",
                "received_on",
                "file_name",
                "sha256",
                "stored_path",
                "state",
                "process",
                "rows_read",
                "rows_imported",
                "rows_rejected",
                "refusal",
                "started_at",
                "finished_at",
                "disclosure",
            )
        },
        ("matching.SourceRecord", "source_import"): _IMPORT + " Which extract the record came in.",
        ("matching.SourceRecord", "line"): _IMPORT + " The line of the file the record was on.",
        ("matching.RejectedRow", "source_import"): _IMPORT + " Which extract the row came in.",
        ("matching.RejectedRow", "line"): _IMPORT + " The line of the file the row was on.",
        **{
            ("matching.MatchRun", name): _RUN
            for name in (
                "on_date",
                "state",
                "stage",
                "progress_done",
                "progress_total",
                "settings",
                "model_version",
                "counts",
                "failure",
                "started_at",
                "finished_at",
            )
        },
        ("matching.MatchRun", "model_json"): _RUN + " The trained model holds how often details agree, not records.",
        ("matching.MatchCandidate", "first_run"): _RUN + " Which run first proposed the candidate.",
        ("matching.MatchCandidate", "last_run"): _RUN + " Which run last proposed the candidate.",
        **{
            ("reports.PopulationBaseline", name): _BASELINE
            for name in ("on_date", "children", "figures", "computed_at", "seconds")
        },
        **{
            ("reports.StudyExtract", name): _EXTRACT
            for name in ("study", "recipient", "directory", "children", "cases", "files", "key_id", "seconds")
        },
    }
)

# ---------------------------------------------------------------------------------------------------------------------
# The catalogue and its reads
# ---------------------------------------------------------------------------------------------------------------------


def _label(model) -> str:
    """A model's label ("people.Child") from a model class, an instance or the label itself."""
    return model if isinstance(model, str) else model._meta.label


@dataclass(frozen=True)
class Catalogue:
    """The entries and the vocabulary they use. Build another one in a test to see what the notice makes of it."""

    entries: tuple[FieldEntry, ...]
    not_personal: Mapping[tuple[str, str], str] = field(default_factory=lambda: NOT_PERSONAL)
    not_personal_on_any_model: Mapping[str, str] = field(default_factory=lambda: NOT_PERSONAL_ON_ANY_MODEL)
    categories: Mapping[str, CategoryInfo] = field(default_factory=lambda: CATEGORIES)
    purposes: Mapping[str, PurposeInfo] = field(default_factory=lambda: PURPOSES)
    sources: Mapping[str, PartyInfo] = field(default_factory=lambda: SOURCES)
    recipients: Mapping[str, PartyInfo] = field(default_factory=lambda: RECIPIENTS)
    retention_rules: Mapping[str, RetentionPolicy] = field(default_factory=lambda: RETENTION_RULES)
    subjects: Mapping[str, str] = field(default_factory=lambda: SUBJECTS)
    statutes: Mapping[str, Statute] = field(default_factory=lambda: STATUTES)
    _by_key: Mapping[tuple[str, str], FieldEntry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[tuple[str, str], FieldEntry] = {}
        for entry in self.entries:
            if entry.key in by_key:
                raise ValueError(f"{entry.model}.{entry.field} is catalogued twice")
            by_key[entry.key] = entry
            self._check_codes(entry)
        object.__setattr__(self, "_by_key", MappingProxyType(by_key))

    def _check_codes(self, entry: FieldEntry) -> None:
        """Every code an entry uses must have plain words in the vocabulary, or the notice could not print it."""
        vocabularies = (
            ("category", entry.categories, self.categories),
            ("purpose", entry.purposes, self.purposes),
            ("source", entry.sources, self.sources),
            ("recipient", entry.recipients, self.recipients),
            ("retention rule", {entry.retention}, self.retention_rules),
            ("data subject", entry.subjects, self.subjects),
        )
        for what, codes, known in vocabularies:
            if unknown := set(codes) - set(known):
                raise ValueError(f"{entry.model}.{entry.field} uses an unknown {what}: {sorted(unknown)}")
        if not entry.purposes or not entry.subjects or not entry.sources:
            raise ValueError(f"{entry.model}.{entry.field} needs at least one purpose, subject and source")

    # --- single fields ----------------------------------------------------------------------------------------
    def get(self, model, field_name: str) -> FieldEntry | None:
        return self._by_key.get((_label(model), field_name))

    def is_catalogued(self, model, field_name: str) -> bool:
        return (_label(model), field_name) in self._by_key

    def not_personal_reason(self, model, field_name: str) -> str | None:
        """Why a field is declared not personal, or None; a catalogue entry wins over the every-model list."""
        if self.is_catalogued(model, field_name):
            return None
        key = (_label(model), field_name)
        return self.not_personal.get(key) or self.not_personal_on_any_model.get(field_name)

    # --- selections -------------------------------------------------------------------------------------------
    def models(self) -> tuple[str, ...]:
        """The labels of models with at least one catalogued field, in declaration order."""
        return tuple(dict.fromkeys(entry.model for entry in self.entries))

    def entries_for_model(self, model) -> tuple[FieldEntry, ...]:
        label = _label(model)
        return tuple(entry for entry in self.entries if entry.model == label)

    def fields_in_category(self, category: str, *, direct_only: bool = False) -> tuple[FieldEntry, ...]:
        """Fields that hold `category`; with `direct_only=False` also those that may reveal it (free text)."""
        if direct_only:
            return tuple(entry for entry in self.entries if entry.category == category)
        return tuple(entry for entry in self.entries if category in entry.categories)

    def special_fields(self) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if entry.is_special)

    def criminal_fields(self) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if entry.is_criminal)

    def free_text_fields(self) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if entry.free_text)

    def entries_for_subject(self, subject: str) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if subject in entry.subjects)

    def entries_for_purpose(self, purpose: str) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if purpose in entry.purposes)

    def entries_shared_with(self, recipient: str) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if recipient in entry.recipients)

    def entries_from_source(self, source: str) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if source in entry.sources)

    def entries_under_rule(self, rule: str) -> tuple[FieldEntry, ...]:
        return tuple(entry for entry in self.entries if entry.retention == rule)

    def categories_of(self, model, field_names: Iterable[str]) -> frozenset[str]:
        """The categories a disclosure of these fields must be logged under; raises KeyError for an unknown field."""
        label = _label(model)
        found: set[str] = set()
        for name in field_names:
            entry = self._by_key.get((label, name))
            if entry is None:
                raise KeyError(f"{label}.{name} is not in the data catalogue")
            found |= entry.categories
        return frozenset(found)

    # --- the vocabulary in use --------------------------------------------------------------------------------
    def categories_in_use(self) -> tuple[str, ...]:
        """Categories some field holds or may hold, in the vocabulary's order."""
        used = {category for entry in self.entries for category in entry.categories}
        return tuple(code for code in self.categories if code in used)

    def sources_in_use(self) -> tuple[str, ...]:
        used = {source for entry in self.entries for source in entry.sources}
        return tuple(code for code in self.sources if code in used)

    def recipients_in_use(self) -> tuple[str, ...]:
        used = {recipient for entry in self.entries for recipient in entry.recipients}
        return tuple(code for code in self.recipients if code in used)

    def retention_rules_in_use(self) -> tuple[str, ...]:
        used = {entry.retention for entry in self.entries}
        return tuple(code for code in self.retention_rules if code in used)

    def purposes_in_use(self) -> tuple[str, ...]:
        used = {purpose for entry in self.entries for purpose in entry.purposes}
        return tuple(code for code in self.purposes if code in used)


# Moving a case to another council (cme.transfers): the package made from a case (encrypted for the receiving
# council, so this cme cannot read it back), the package received (held encrypted until an officer says which child
# it is about), and the receipts. What arrives becomes a referral, catalogued there.
_TRANSFER_REVEALS = {_C.IDENTITY, _C.CONTACT, _C.FAMILY, _C.EDUCATION, _C.SEN_DISABILITY, _C.STATUTORY_SERVICES}
_ENTRIES += [
    *_casework(
        "transfers.OutgoingTransfer",
        {
            "case": "Which case was transferred",
            "council": "Which council the case went to",
            "package_id": "The package's number, which the receiving council's receipt quotes",
            "package_sha256": "A checksum of the package file, which the receipt quotes",
            "include_notes": "Whether the officer chose to send the case's file notes",
            "made_at": "When the package was made",
            "received_at": "When the receiving council says the package arrived",
            "receipt_reference": "The receiving council's reference for the referral it opened",
            "receipt_recorded_at": "When the receipt was recorded",
        },
        recipients={_R.OTHER_COUNCIL},
    ),
    *_casework(
        "transfers.OutgoingTransfer",
        {"package": "The package file, encrypted for the receiving council: the child, carers and casework sent"},
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON, _D.STAFF},
        recipients={_R.OTHER_COUNCIL},
        may_reveal=_TRANSFER_REVEALS,
    ),
    *_free_text(
        "transfers.OutgoingTransfer",
        {"rationale": "Why the officer transferred the case, in their words"},
    ),
    *_staff_link("transfers.OutgoingTransfer", {"made_by": "Who made the transfer"}),
    *_casework(
        "transfers.IncomingTransfer",
        {
            "package_id": "The package's number, as the sending council made it",
            "package_sha256": "A checksum of the package file as it arrived",
            "council": "Which council sent the case",
            "state": "Whether the package is waiting for an officer or has become a referral",
            "referral": "The referral the package became",
            "imported_at": "When the package was opened",
            "received_at": "When the referral was opened from it",
            "receipt": "The signed receipt sent back: numbers and the referral's reference",
        },
        sources={_S.OTHER_COUNCIL},
        recipients={_R.OTHER_COUNCIL},
    ),
    *_casework(
        "transfers.IncomingTransfer",
        {"package": "The package file as it arrived, encrypted, kept only until an officer says which child it is"},
        subjects={_D.CHILD, _D.CARER, _D.OTHER_PERSON, _D.PROFESSIONAL},
        sources={_S.OTHER_COUNCIL},
        recipients=(),
        may_reveal=_TRANSFER_REVEALS,
    ),
    *_staff_link(
        "transfers.IncomingTransfer",
        {"imported_by": "Who opened the package", "received_by": "Who said which child it is about"},
    ),
    *_staff_link("transfers.Council", {"added_by": "Who added the council"}, retention=_K.ACCOUNTABILITY_LOG),
]

CATALOGUE = Catalogue(entries=tuple(_ENTRIES))


# Module-level reads of the catalogue in force (`from cme.privacy import catalogue; catalogue.special_fields()`).
# They look CATALOGUE up on each call, so a test can swap it for another.


def get(model, field_name: str) -> FieldEntry | None:
    """The entry for one field, or None if it is not catalogued."""
    return CATALOGUE.get(model, field_name)


def entries_for_model(model) -> tuple[FieldEntry, ...]:
    """Every catalogued field of `model` (a model class, an instance or a label such as "people.Child")."""
    return CATALOGUE.entries_for_model(model)


def fields_in_category(category: str, *, direct_only: bool = False) -> tuple[FieldEntry, ...]:
    """Fields that hold `category`, including free text that may reveal it unless `direct_only`."""
    return CATALOGUE.fields_in_category(category, direct_only=direct_only)


def special_fields() -> tuple[FieldEntry, ...]:
    """Fields that hold or may hold special category data (UK GDPR Art. 9)."""
    return CATALOGUE.special_fields()


def criminal_fields() -> tuple[FieldEntry, ...]:
    """Fields that hold or may hold criminal offence data (UK GDPR Art. 10)."""
    return CATALOGUE.criminal_fields()


def free_text_fields() -> tuple[FieldEntry, ...]:
    """Fields written in people's own words, which may mention anyone."""
    return CATALOGUE.free_text_fields()


def entries_for_subject(subject: str) -> tuple[FieldEntry, ...]:
    """Fields that hold or may mention data about `subject` (a DataSubject)."""
    return CATALOGUE.entries_for_subject(subject)


def entries_for_purpose(purpose: str) -> tuple[FieldEntry, ...]:
    """Fields used for `purpose` (a Purpose): what a purpose-bound view may show."""
    return CATALOGUE.entries_for_purpose(purpose)


def entries_shared_with(recipient: str) -> tuple[FieldEntry, ...]:
    """Fields that may be shared with `recipient` (a Recipient)."""
    return CATALOGUE.entries_shared_with(recipient)


def entries_under_rule(rule: str) -> tuple[FieldEntry, ...]:
    """Fields governed by the retention rule `rule` (a RetentionRule)."""
    return CATALOGUE.entries_under_rule(rule)


def categories_of(model, field_names: Iterable[str]) -> frozenset[str]:
    """The DataCategory codes a disclosure of these fields of `model` must be logged under."""
    return CATALOGUE.categories_of(model, field_names)
