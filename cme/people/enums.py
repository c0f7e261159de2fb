"""Code sets for people (domain.md section 10)."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Title(models.TextChoices):
    MR = "Mr", "Mr"
    MRS = "Mrs", "Mrs"
    MS = "Ms", "Ms"
    MISS = "Miss", "Miss"
    MX = "Mx", "Mx"
    DR = "Dr", "Dr"


class MaritalStatus(models.TextChoices):
    SINGLE = "single", "Single"
    MARRIED = "married", "Married"
    CIVIL_PARTNERSHIP = "civil_partnership", "In a civil partnership"
    DIVORCED = "divorced", "Divorced or civil partnership dissolved"
    WIDOWED = "widowed", "Widowed or surviving civil partner"
    SEPARATED = "separated", "Separated"
    NOT_KNOWN = "not_known", "Not known"


class RelationshipKind(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    FOSTER_CARER = "foster_carer", "Foster carer"
    OTHER = "other", "Other"


class Ethnicity(models.TextChoices):
    """The 20 main ethnicity codes of the DfE common basic data set (domain.md 10.1)."""

    WBRI = "WBRI", "White – British"
    WIRI = "WIRI", "White – Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy / Roma"
    WOTH = "WOTH", "Any other White background"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class SenProvision(models.TextChoices):
    EHC_PLAN = "E", "Education, health and care plan"
    SEN_SUPPORT = "K", "SEN support"
    NONE = "N", "No special educational need"


class PersonNameKind(models.TextChoices):
    """Why a child or carer has another name on record."""

    FORMER = "former", "Former name"
    ALIAS = "alias", "Alias"
    KNOWN_AS = "known_as", "Known as"
    TRANSLITERATION = "transliteration", "Another spelling (transliteration)"


class ContactKind(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"


class ContactLabel(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    HOME = "home", "Home"
    WORK = "work", "Work"
    EMERGENCY = "emergency", "Emergency contact"


class ChildMergeState(models.TextChoices):
    """Where a merge of two children's records stands: an officer proposes, a manager decides, a manager may undo."""

    PROPOSED = "proposed", "Proposed"
    MERGED = "merged", "Merged"
    DECLINED = "declined", "Not merged"
    UNDONE = "undone", "Merge undone"
