"""The data catalogue is complete: every field of every installed model is catalogued or declared not personal.

That covers cme's own models and the tables of the libraries cme uses (sessions, django-axes, django-otp, knox, the
task queue, Django's auth), so a library that adds a table with personal data fails here too. When one of these tests
fails after you add or rename a model field, or install a library, the message says which field and what to do.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from cme.people.models import Carer, Child
from cme.privacy import catalogue
from cme.privacy.catalogue import (
    CATALOGUE,
    PURPOSES,
    SPECIAL_CONDITION_SCOPE,
    Catalogue,
)
from cme.privacy.enums import (
    DataCategory,
    DataSubject,
    LegalClass,
    Purpose,
    Recipient,
    RetentionRule,
    Source,
)

HOW_TO_CATALOGUE = (
    "Each field below is in neither the data catalogue nor its list of fields that hold no personal data "
    "(both in cme/privacy/catalogue.py).\n"
    "- If the field can hold anything about a person (a name, a date about them, a contact detail, an address, an "
    "identifier, free text, a file, or a link to a child, carer or user), add it to _ENTRIES with its description, "
    "category, subjects, purposes, sources, recipients and retention rule (use _declare, or _free_text for text "
    "people write). The privacy notice and the record of processing then show it.\n"
    "- Otherwise add it to NOT_PERSONAL with the reason it holds nothing about a person, and ask the DPO to review.\n"
    "- A model from a library rather than a cme app (axes., sessions., knox. …) goes in the same places, in the "
    "blocks headed 'Tables that come with the libraries cme uses', with a retention rule that says how long the "
    "library keeps its rows.\n"
)

_JOB = "django_tasks_database.DBTaskResult"

# Text and JSON fields that are structured, not written in people's own words, reviewed one by one.
STRUCTURED_TEXT = {
    ("council.CouncilSettings", "dpo_address"): "A postal address, published on the privacy notice.",
    ("council.CouncilSettings", "letterhead_address"): "The service's postal address, printed on its letters.",
    ("cases.LetterTemplate", "body"): "Standard wording, checked when saved to use merge fields for people's details.",
    ("cases.Letter", "recipient_address"): "An address as printed on a letter, copied from the carer's or agency's.",
    ("audit.AuditEntry", "payload"): "Canonical JSON of ids and counts, written by the audit service.",
    ("audit.AuditDetail", "data"): "Canonical JSON of field names and search terms, written by the audit service.",
    ("sessions.Session", "session_data"): "Signed data Django writes: ids, a hash, and one-off messages cme writes.",
    ("axes.AccessAttempt", "get_data"): "django-axes' key=value list of the query string.",
    ("axes.AccessAttempt", "post_data"): "django-axes' key=value list of the sign-in form, with secrets masked.",
    (_JOB, "task_path"): "The dotted name of the job's Python function.",
    (_JOB, "exception_class_path"): "The dotted name of a Python error class.",
    (_JOB, "traceback"): "Python's record of where a job failed, written by the program, not by a person.",
    ("privacy.NoticeVersion", "html"): "The privacy notice as cme rendered it from the catalogue and settings.",
}


def person_model_labels() -> set[str]:
    return {Child._meta.label, Carer._meta.label, apps.get_model(settings.AUTH_USER_MODEL)._meta.label}


# Installed by the test settings only: the OpenID Connect provider the single sign-on tests sign in against.
TEST_ONLY_APPS = {"oauth2_provider"}


def installed_models() -> list[type[models.Model]]:
    """Every concrete model of every installed app, cme's and the libraries'.

    Abstract models have no table and swapped ones (auth.User) are not used, so get_models leaves them out; a proxy
    model shares its parent's table.
    """
    return [
        model for model in apps.get_models() if not model._meta.proxy and model._meta.app_label not in TEST_ONLY_APPS
    ]


def model_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields that store something: columns (including foreign keys) and many-to-many links."""
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def uncatalogued_fields(cat: Catalogue) -> list[str]:
    """`app.Model.field (FieldType)` for every field neither catalogued nor declared not personal."""
    return [
        f"{model._meta.label}.{field.name} ({type(field).__name__})"
        for model in installed_models()
        for field in model_fields(model)
        if not cat.is_catalogued(model, field.name) and cat.not_personal_reason(model, field.name) is None
    ]


def is_link_to_a_person(field: models.Field) -> bool:
    return bool(field.is_relation and field.related_model and field.related_model._meta.label in person_model_labels())


def always_personal(field: models.Field) -> bool:
    """Free text, files and links to a child, carer or user always hold personal data, whatever the model."""
    return isinstance(field, models.TextField | models.FileField) or is_link_to_a_person(field)


def field_of(label: str, name: str) -> models.Field | None:
    try:
        return apps.get_model(label)._meta.get_field(name)
    except (LookupError, FieldDoesNotExist):
        return None


def test_every_field_of_every_installed_model_is_catalogued_or_declared_not_personal():
    missing = uncatalogued_fields(CATALOGUE)
    assert not missing, HOW_TO_CATALOGUE + "\n".join(f"  {name}" for name in missing)


def test_the_completeness_check_notices_a_field_left_out():
    without_ethnicity = Catalogue(entries=tuple(e for e in CATALOGUE.entries if e.key != ("people.Child", "ethnicity")))
    (missing,) = uncatalogued_fields(without_ethnicity)
    assert missing.startswith("people.Child.ethnicity (")


def test_the_completeness_check_covers_the_tables_of_libraries():
    without_ip = Catalogue(entries=tuple(e for e in CATALOGUE.entries if e.key != ("axes.AccessAttempt", "ip_address")))
    assert uncatalogued_fields(without_ip) == ["axes.AccessAttempt.ip_address (GenericIPAddressField)"]


def test_every_catalogue_entry_names_a_field_that_exists():
    stale = [
        f"{entry.model}.{entry.field}"
        for entry in CATALOGUE.entries
        if (field := field_of(entry.model, entry.field)) is None or not (field.concrete or field.many_to_many)
    ]
    assert not stale, (
        "These catalogue entries name fields that no longer exist. If the field was renamed or moved, change the "
        "entry in cme/privacy/catalogue.py to its new name; if it was removed, delete the entry:\n"
        + "\n".join(f"  {name}" for name in stale)
    )


def test_every_not_personal_declaration_names_a_field_that_exists():
    stale = [f"{label}.{name}" for (label, name) in CATALOGUE.not_personal if field_of(label, name) is None]
    assert not stale, (
        "NOT_PERSONAL in cme/privacy/catalogue.py names fields that no longer exist; remove them:\n"
        + "\n".join(f"  {name}" for name in stale)
    )


def test_no_field_is_both_catalogued_and_declared_not_personal():
    both = sorted(f"{label}.{name}" for (label, name) in CATALOGUE.not_personal if CATALOGUE.is_catalogued(label, name))
    assert not both, "Either catalogue these fields or declare them not personal, not both:\n" + "\n".join(both)


def test_every_declaration_that_a_field_is_not_personal_gives_a_reason():
    reasons = {**{f"{m}.{f}": r for (m, f), r in CATALOGUE.not_personal.items()}, **CATALOGUE.not_personal_on_any_model}
    assert all(reason.strip() for reason in reasons.values())


def test_free_text_files_and_links_to_people_are_never_declared_not_personal():
    wrongly_excluded = [
        f"{model._meta.label}.{field.name} ({type(field).__name__})"
        for model in installed_models()
        for field in model_fields(model)
        if always_personal(field)
        and not CATALOGUE.is_catalogued(model, field.name)
        and CATALOGUE.not_personal_reason(model, field.name) is not None
    ]
    assert not wrongly_excluded, (
        "Free text, files and links to a child, carer or user always hold personal data: catalogue these fields in "
        "cme/privacy/catalogue.py instead of declaring them not personal:\n" + "\n".join(wrongly_excluded)
    )


def test_text_and_files_are_catalogued_as_free_text_unless_reviewed_as_structured():
    unmarked = [
        f"{entry.model}.{entry.field}"
        for entry in CATALOGUE.entries
        if isinstance(field_of(entry.model, entry.field), models.TextField | models.FileField)
        and not entry.free_text
        and entry.key not in STRUCTURED_TEXT
    ]
    assert not unmarked, (
        "Text and file fields can say anything about anyone: declare them with _free_text (or free_text=True and "
        "may_reveal) in cme/privacy/catalogue.py, or add them to STRUCTURED_TEXT in this test with the reason they "
        "cannot:\n" + "\n".join(unmarked)
    )


SENSITIVE = {
    category
    for category, info in catalogue.CATEGORIES.items()
    if info.legal_class != LegalClass.ORDINARY or category in (DataCategory.BENEFITS, DataCategory.IMMIGRATION)
}


def test_free_text_is_catalogued_as_possibly_holding_every_sensitive_category():
    narrow = [
        f"{e.model}.{e.field} lacks {sorted(SENSITIVE - e.categories)}"
        for e in CATALOGUE.free_text_fields()
        if not e.categories >= SENSITIVE
    ]
    assert not narrow, "A person can write anything in free text; give these fields every sensitive category:\n" + (
        "\n".join(narrow)
    )


def test_every_special_category_field_has_an_article_9_condition_for_every_purpose_and_category():
    gaps = []
    for entry in CATALOGUE.special_fields():
        for purpose in entry.purposes:
            conditions = PURPOSES[purpose].special_conditions
            for category in entry.special_categories:
                if not any(category in SPECIAL_CONDITION_SCOPE.get(c, {category}) for c in conditions):
                    gaps.append(f"{entry.model}.{entry.field}: {category} for {purpose}")
    assert not gaps, (
        "No Art. 9 condition covers these uses of special category data. Drop the purpose from the field, or, if the "
        "council has a condition for it, add it to the purpose in PURPOSES (cme/privacy/catalogue.py):\n"
        + "\n".join(gaps)
    )


def test_every_criminal_offence_field_has_an_article_10_condition_for_every_purpose():
    gaps = [
        f"{entry.model}.{entry.field}: {purpose}"
        for entry in CATALOGUE.criminal_fields()
        for purpose in entry.purposes
        if not PURPOSES[purpose].criminal_conditions
    ]
    assert not gaps, "No Art. 10 condition covers these uses of criminal offence data:\n" + "\n".join(gaps)


def test_every_data_category_of_the_notice_is_held_or_may_be_held():
    assert set(CATALOGUE.categories_in_use()) == set(DataCategory)


def test_a_category_with_no_field_of_its_own_names_the_model_that_will_hold_it():
    without_fields = [c for c in DataCategory if not CATALOGUE.fields_in_category(c, direct_only=True)]
    docstring = catalogue.__doc__.lower()
    unexplained = [c for c in without_fields if f"- {catalogue.CATEGORIES[c].label.lower()}:" not in docstring]
    assert without_fields, "every category now has a field: remove the note on categories still to come"
    assert not unexplained, f"Say in the catalogue's docstring which future model will hold: {unexplained}"


def test_the_vocabulary_gives_every_code_plain_words():
    assert set(catalogue.PURPOSES) == set(Purpose)
    assert set(catalogue.SOURCES) == set(Source)
    assert set(catalogue.RECIPIENTS) == set(Recipient)
    assert set(catalogue.RETENTION_RULES) == set(RetentionRule)
    assert set(catalogue.SUBJECTS) == set(DataSubject)
    assert set(catalogue.CATEGORIES) == set(DataCategory)
    for purpose in PURPOSES.values():
        assert set(purpose.statutes) <= set(catalogue.STATUTES), purpose.code


def test_an_entry_with_an_unknown_code_is_refused():
    entry = CATALOGUE.get("people.Child", "ethnicity")
    bad = type(entry)(**{**entry.__dict__, "recipients": frozenset({"nobody_we_know"})})
    with pytest.raises(ValueError, match="unknown recipient"):
        Catalogue(entries=(bad,))
    with pytest.raises(ValueError, match="catalogued twice"):
        Catalogue(entries=(entry, entry))


def test_the_catalogue_answers_the_questions_later_work_will_ask(child_factory):
    # Which fields a model has, by class, instance or label (what a subject access pack reads).
    child = child_factory.build()
    assert {e.field for e in catalogue.entries_for_model(Child)} >= {"given_name", "date_of_birth", "ethnicity"}
    assert catalogue.entries_for_model(child) == catalogue.entries_for_model("people.Child")
    # What retention and role rules select on.
    assert catalogue.get(Child, "ethnicity") in catalogue.fields_in_category(DataCategory.ETHNICITY)
    assert catalogue.get("cases.Note", "text") in catalogue.fields_in_category(DataCategory.ETHNICITY)
    assert catalogue.get("cases.Note", "text") not in catalogue.fields_in_category(
        DataCategory.ETHNICITY, direct_only=True
    )
    special = {e.key for e in catalogue.special_fields()}
    assert {("people.Child", name) for name in ("ethnicity", "sen_provision", "looked_after", "ehcp")} <= special
    assert ("people.Child", "given_name") not in special
    assert ("cases.Enquiry", "findings") in {e.key for e in catalogue.criminal_fields()}
    assert catalogue.get(Child, "date_of_birth").retention == RetentionRule.CHILD_RECORD
    assert catalogue.get("accounts.User", "last_login") in catalogue.entries_under_rule(RetentionRule.STAFF_ACCOUNT)
    assert catalogue.get(Child, "upn") in catalogue.entries_shared_with(Recipient.OTHER_COUNCIL)
    assert catalogue.get(Child, "given_name") in catalogue.entries_for_subject(DataSubject.CHILD)
    # What a disclosure of some fields must be logged as.
    logged_as = catalogue.categories_of(Child, ["given_name", "ethnicity"])
    assert logged_as == {DataCategory.IDENTITY, DataCategory.ETHNICITY}
    with pytest.raises(KeyError, match=r"people\.Child\.shoe_size"):
        catalogue.categories_of(Child, ["shoe_size"])


def test_lawful_basis_and_conditions_follow_from_purposes_and_categories():
    ethnicity = catalogue.get("people.Child", "ethnicity")
    assert ethnicity.is_special and not ethnicity.is_criminal
    assert "art9_2_g_sch1_para8" in ethnicity.special_conditions  # equal opportunities monitoring
    assert "public_task" in ethnicity.lawful_bases
    looked_after = catalogue.get("people.Child", "looked_after")
    assert "art9_2_g_sch1_para18" in looked_after.special_conditions  # safeguarding
    assert "art9_2_g_sch1_para8" not in looked_after.special_conditions
    findings = catalogue.get("cases.Enquiry", "findings")
    assert findings.free_text and findings.is_criminal
    assert "art10_sch1_para18_para36" in findings.criminal_conditions
    name = catalogue.get("people.Child", "given_name")
    assert not name.special_conditions and not name.criminal_conditions
    assert "ea1996_s436a" in name.statutes
