"""The privacy notice and the record of processing activities (UK GDPR Art. 30), both built from the data catalogue.

Nothing here states a fact of its own about the personal data cme holds: categories, purposes, bases, conditions,
sources, recipients and retention all come from `cme.privacy.catalogue`, so changing the catalogue changes the notice
and the record. What is here is how the law applies to them (rights) and what cme does to protect them (security).

The council's details come in as an argument (`Controller.from_settings(council_settings_get())`): the privacy app
imports no other app.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from . import catalogue as catalogue_module
from .catalogue import (
    CONDITION_PLAIN,
    LAWFUL_BASIS_PLAIN,
    SPECIAL_CONDITION_SCOPE,
    Catalogue,
    FieldEntry,
    RetentionPolicy,
    Statute,
)
from .enums import Art10Condition, DataCategory, LawfulBasis, LegalClass, SpecialCondition

ICO_COMPLAINTS_URL = "https://ico.org.uk/make-a-complaint/"
ICO_HELPLINE = "0303 123 1113"
ICO_ADDRESS = "Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF"


@dataclass(frozen=True)
class Controller:
    """Who is responsible for the data and how to reach their data protection officer."""

    name: str
    dpo_name: str
    dpo_email: str
    dpo_address: str = ""
    complaints_url: str = ""
    service_email: str = ""

    @classmethod
    def from_settings(cls, council) -> Controller:
        """From the council's settings row (cme.council.models.CouncilSettings), read by attribute name."""
        return cls(
            name=council.council_name,
            dpo_name=council.dpo_name,
            dpo_email=council.dpo_email,
            dpo_address=getattr(council, "dpo_address", "") or "",
            complaints_url=getattr(council, "complaints_url", "") or "",
            service_email=getattr(council, "service_email", "") or "",
        )

    @property
    def dpo_contact(self) -> str:
        """One line for a spreadsheet cell: name, email and address."""
        parts = [self.dpo_name, self.dpo_email, " ".join(self.dpo_address.split())]
        return ", ".join(part for part in parts if part)


# ---------------------------------------------------------------------------------------------------------------------
# The parts of the notice
# ---------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeCategory:
    code: str
    label: str
    plain: str
    legal_class: LegalClass
    why: str
    subjects: tuple[str, ...]
    recorded: bool  # held in fields of its own; otherwise only where people write it down
    found_in: tuple[str, ...]  # the free-text fields that may hold it

    @property
    def is_special(self) -> bool:
        return self.legal_class == LegalClass.SPECIAL

    @property
    def is_criminal(self) -> bool:
        return self.legal_class == LegalClass.CRIMINAL


@dataclass(frozen=True)
class NoticePurpose:
    code: str
    label: str
    plain: str
    lawful_bases: tuple[str, ...]
    statutes: tuple[Statute, ...]


@dataclass(frozen=True)
class NoticeBasis:
    code: str
    label: str
    plain: str
    applies_to: tuple[str, ...]  # purpose labels, or category labels for Art. 9 and Art. 10 conditions


@dataclass(frozen=True)
class NoticeParty:
    code: str
    label: str
    plain: str
    categories: tuple[str, ...]  # category labels of what may be shared with them, or may come from them
    includes_case_records: bool  # whether free text (notes, findings, reasons) may go to them or come from them


@dataclass(frozen=True)
class NoticeRight:
    name: str
    article: str
    plain: str
    applies: bool


@dataclass(frozen=True)
class SecurityMeasure:
    name: str
    plain: str


@dataclass(frozen=True)
class Notice:
    controller: Controller
    categories: tuple[NoticeCategory, ...]
    free_text: tuple[str, ...]  # what people write down, which may hold any category
    sources: tuple[NoticeParty, ...]
    purposes: tuple[NoticePurpose, ...]
    lawful_bases: tuple[NoticeBasis, ...]
    special_conditions: tuple[NoticeBasis, ...]
    criminal_conditions: tuple[NoticeBasis, ...]
    statutes: tuple[Statute, ...]
    recipients: tuple[NoticeParty, ...]
    retention: tuple[RetentionPolicy, ...]
    rights: tuple[NoticeRight, ...]
    security: tuple[SecurityMeasure, ...]

    @property
    def special_categories(self) -> tuple[NoticeCategory, ...]:
        return tuple(category for category in self.categories if category.legal_class != LegalClass.ORDINARY)

    # The regulator's contact details, for the complaints section.
    ico_complaints_url = ICO_COMPLAINTS_URL
    ico_helpline = ICO_HELPLINE
    ico_address = ICO_ADDRESS

    @property
    def categories_only_in_free_text(self) -> tuple[NoticeCategory, ...]:
        return tuple(category for category in self.categories if not category.recorded)


def _ordered(codes: Iterable[str], order: Iterable[str]) -> tuple[str, ...]:
    wanted = set(codes)
    return tuple(code for code in order if code in wanted)


def _category_labels(cat: Catalogue, codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(cat.categories[code].label for code in _ordered(codes, cat.categories))


def _categories(cat: Catalogue) -> tuple[NoticeCategory, ...]:
    result = []
    for code in cat.categories_in_use():
        info = cat.categories[code]
        holders = cat.fields_in_category(code)
        direct = [entry for entry in holders if entry.category == code]
        recorded = bool(direct)
        # Whose data it is: the people its own fields are about, or, if only free text may hold it, anyone written of.
        subjects = _ordered({s for entry in (direct or holders) for s in entry.subjects}, cat.subjects)
        found_in = () if recorded else tuple(dict.fromkeys(e.description for e in holders if e.free_text))
        result.append(
            NoticeCategory(
                code=code,
                label=info.label,
                plain=info.plain,
                legal_class=info.legal_class,
                why=info.why,
                subjects=tuple(cat.subjects[s] for s in subjects),
                recorded=recorded,
                found_in=found_in,
            )
        )
    return tuple(result)


def _parties(cat: Catalogue, codes: tuple[str, ...], info: dict, entries_for) -> tuple[NoticeParty, ...]:
    result = []
    for code in codes:
        entries = entries_for(code)
        result.append(
            NoticeParty(
                code=code,
                label=info[code].label,
                plain=info[code].plain,
                categories=_category_labels(cat, {e.category for e in entries if not e.free_text}),
                includes_case_records=any(e.free_text for e in entries),
            )
        )
    return tuple(result)


def _purposes(cat: Catalogue) -> tuple[NoticePurpose, ...]:
    return tuple(
        NoticePurpose(
            code=code,
            label=cat.purposes[code].label,
            plain=cat.purposes[code].plain,
            lawful_bases=tuple(LawfulBasis(basis).label for basis in cat.purposes[code].lawful_bases),
            statutes=tuple(cat.statutes[s] for s in cat.purposes[code].statutes),
        )
        for code in cat.purposes_in_use()
    )


def _lawful_bases(cat: Catalogue) -> tuple[NoticeBasis, ...]:
    bases = []
    for basis in LawfulBasis:
        purposes = [code for code in cat.purposes_in_use() if basis in cat.purposes[code].lawful_bases]
        if purposes:
            labels = tuple(cat.purposes[code].label for code in purposes)
            bases.append(NoticeBasis(basis, basis.label, LAWFUL_BASIS_PLAIN.get(basis, ""), labels))
    return tuple(bases)


def _conditions(cat: Catalogue, conditions, of_entry, categories_of_entry) -> tuple[NoticeBasis, ...]:
    """Each condition relied on, with the categories it is relied on for (from the entries that hold them)."""
    result = []
    for condition in conditions:
        scope = SPECIAL_CONDITION_SCOPE.get(condition)
        covered: set[str] = set()
        for entry in cat.entries:
            if condition in of_entry(entry):
                held = categories_of_entry(entry)
                covered |= held & scope if scope else held
        if covered:
            result.append(
                NoticeBasis(
                    condition, condition.label, CONDITION_PLAIN.get(condition, ""), _category_labels(cat, covered)
                )
            )
    return tuple(result)


def _statutes(cat: Catalogue) -> tuple[Statute, ...]:
    codes = dict.fromkeys(s for code in cat.purposes_in_use() for s in cat.purposes[code].statutes)
    return tuple(cat.statutes[code] for code in codes)


def _rights(cat: Catalogue) -> tuple[NoticeRight, ...]:
    bases = {basis for code in cat.purposes_in_use() for basis in cat.purposes[code].lawful_bases}
    return (
        NoticeRight(
            "See the information we hold",
            "UK GDPR Article 15",
            "You can ask for a copy of the information we hold about you, or about your child. We will reply within "
            "one month. If the request is complex we may take up to two months more, and we will tell you why within "
            "the first month. Information about other people may be removed from what we send you.",
            True,
        ),
        NoticeRight(
            "Have wrong information corrected",
            "UK GDPR Article 16",
            "If something we hold is wrong or incomplete, you can ask us to correct it. Where we record an opinion "
            "that you disagree with, we can add your view beside it.",
            True,
        ),
        NoticeRight(
            "Have information deleted",
            "UK GDPR Article 17",
            "You can ask us to delete information. Because we hold most of it to carry out duties the law gives us, "
            "we may not be able to delete it before its time is up (see how long we keep it); if so, we will tell "
            "you why.",
            True,
        ),
        NoticeRight(
            "Limit how we use information",
            "UK GDPR Article 18",
            "You can ask us to stop using information for a while, for example while we check whether it is right. "
            "While it is limited, we keep it but change or share nothing about your child.",
            True,
        ),
        NoticeRight(
            "Object to how we use information",
            "UK GDPR Article 21",
            "Where we use information to carry out a public task, you can object. We will then stop, unless we have "
            "strong reasons to carry on that outweigh your interests, such as keeping a child safe. You cannot object "
            "where the law requires us to use the information.",
            LawfulBasis.PUBLIC_TASK in bases,
        ),
        NoticeRight(
            "Take your information to another organisation",
            "UK GDPR Article 20",
            "This right does not apply here, because we do not rely on your consent or on a contract with you.",
            False,
        ),
    )


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def field_is_encrypted(entry: FieldEntry) -> bool:
    """Whether the model field behind `entry` is stored encrypted (one of cme.common.crypto's field classes)."""
    try:
        model_field = apps.get_model(entry.model)._meta.get_field(entry.field)
    except (LookupError, FieldDoesNotExist):
        return False
    try:
        from cme.common.crypto import EncryptedFieldMixin
    except ImportError:  # an installation without field encryption: nothing is encrypted
        return False
    return isinstance(model_field, EncryptedFieldMixin)


def security_measures(cat: Catalogue) -> tuple[SecurityMeasure, ...]:
    """What cme does to protect the data, each true of the code; encryption is listed only once fields are encrypted."""
    measures = []
    encrypted = [
        entry for entry in cat.entries if (entry.is_special or entry.is_criminal) and field_is_encrypted(entry)
    ]
    if encrypted:
        measures.append(
            SecurityMeasure(
                "Encryption of the most sensitive information",
                "Special category information is encrypted where it is stored, so that a copy of the database alone "
                "does not reveal it.",
            )
        )
    accountability = cat.fields_in_category(DataCategory.ACCOUNTABILITY, direct_only=True)
    measures += [
        SecurityMeasure(
            "Access by role",
            "Each person who signs in sees only what their role needs. Opening a child's record outside your own "
            "cases means saying why first.",
        ),
        SecurityMeasure(
            "Two-step sign-in",
            "Everyone signs in with a password and a code from an authenticator app. Repeated failed attempts lock "
            "the account for a time.",
        ),
    ]
    if accountability:
        audited = ""
        if _model_exists("audit.AuditEntry") and cat.entries_for_model("audit.AuditEntry"):
            audited = "A tamper-evident audit trail records sign-ins and who viewed, changed or exported records. "
        measures.append(
            SecurityMeasure(
                "A record of who did what",
                f"{audited}We record who opened a child's record outside their own cases and why, every decision "
                "with its reason and the name of the person who made it, every document download, and every referral "
                "to another service.",
            )
        )
    measures += [
        SecurityMeasure(
            "Documents kept away from the web",
            "Letters, reports and photographs are stored outside the website's public files, checked for what "
            "they really are when uploaded, and given out only to people allowed to see the case.",
        ),
        SecurityMeasure(
            "Secure connections",
            "Connections to the service are encrypted, and passwords are stored only as a one-way hash.",
        ),
    ]
    return tuple(measures)


def _with_periods(cat: Catalogue, periods: Mapping[str, int] | None) -> Catalogue:
    """The catalogue with its retention periods in words, as the council has set them (or the defaults)."""
    from .retention import RULES

    periods = {**{code: rule.default_months for code, rule in RULES.items()}, **(periods or {})}
    rules = {
        code: dataclasses.replace(policy, period=catalogue_module.period_in_words(policy.period, periods))
        for code, policy in cat.retention_rules.items()
    }
    return dataclasses.replace(cat, retention_rules=MappingProxyType(rules))


def notice_build(
    *, controller: Controller, catalogue: Catalogue | None = None, periods: Mapping[str, int] | None = None
) -> Notice:
    """The privacy notice for `controller`, from `catalogue` (default: the catalogue in force).

    `periods`: the council's retention periods in months by disposal rule (`retention_periods()`); the defaults
    otherwise.
    """
    cat = _with_periods(catalogue or catalogue_module.CATALOGUE, periods)
    return Notice(
        controller=controller,
        categories=_categories(cat),
        free_text=tuple(dict.fromkeys(entry.description for entry in cat.free_text_fields())),
        sources=_parties(cat, cat.sources_in_use(), cat.sources, cat.entries_from_source),
        purposes=_purposes(cat),
        lawful_bases=_lawful_bases(cat),
        special_conditions=_conditions(
            cat, SpecialCondition, lambda e: e.special_conditions, lambda e: e.special_categories
        ),
        criminal_conditions=_conditions(
            cat, Art10Condition, lambda e: e.criminal_conditions, lambda e: e.criminal_categories
        ),
        statutes=_statutes(cat),
        recipients=_parties(cat, cat.recipients_in_use(), cat.recipients, cat.entries_shared_with),
        retention=tuple(cat.retention_rules[code] for code in cat.retention_rules_in_use()),
        rights=_rights(cat),
        security=security_measures(cat),
    )


# ---------------------------------------------------------------------------------------------------------------------
# The record of processing activities
# ---------------------------------------------------------------------------------------------------------------------

# What the software does; where the council hosts it is the council's to keep in the UK.
TRANSFERS = "None. cme sends no personal data outside the UK; the council hosts it in the UK."

ACTIVITY_COLUMNS = (
    "Processing activity",
    "Description",
    "Controller",
    "Data protection officer",
    "Categories of data subjects",
    "Categories of personal data",
    "Special category data",
    "Criminal offence data",
    "Lawful basis (UK GDPR Art. 6)",
    "Condition for special category data (Art. 9; DPA 2018 Sch. 1)",
    "Condition for criminal offence data (Art. 10; DPA 2018 Sch. 1)",
    "Legislation",
    "Sources",
    "Recipients",
    "Transfers outside the UK",
    "Retention",
    "Security measures",
    "Appropriate policy document",
)

# Columns with the same value on every activity: a page shows them once, above the activities.
SHARED_ACTIVITY_COLUMNS = frozenset(
    {"Processing activity", "Controller", "Data protection officer", "Transfers outside the UK", "Security measures"}
)

FIELD_COLUMNS = (
    "Model",
    "Field",
    "Description",
    "Category",
    "May also reveal",
    "Special category (Art. 9)",
    "Criminal offence data (Art. 10)",
    "Data subjects",
    "Purposes",
    "Lawful basis (Art. 6)",
    "Art. 9 condition",
    "Art. 10 condition",
    "Sources",
    "Recipients",
    "Retention rule",
    "Free text",
    "Encrypted at rest",
)

RETENTION_COLUMNS = ("Code", "Rule", "Applies to", "Period", "Counted from", "Years", "Council may change", "Why")


@dataclass(frozen=True)
class RopaActivity:
    """One processing activity: one of the notice's purposes and everything the catalogue says about it."""

    code: str
    name: str
    description: str
    data_subjects: tuple[str, ...]
    categories: tuple[str, ...]
    special_categories: tuple[str, ...]
    criminal_categories: tuple[str, ...]
    lawful_bases: tuple[str, ...]
    special_conditions: tuple[str, ...]
    criminal_conditions: tuple[str, ...]
    statutes: tuple[str, ...]
    sources: tuple[str, ...]
    recipients: tuple[str, ...]
    retention: tuple[str, ...]

    @property
    def needs_policy_document(self) -> bool:
        return bool(self.special_conditions or self.criminal_conditions)


@dataclass(frozen=True)
class Ropa:
    controller: Controller
    activities: tuple[RopaActivity, ...]
    fields: tuple[tuple[str, ...], ...]  # one row per catalogued field, in FIELD_COLUMNS order
    retention_rules: tuple[RetentionPolicy, ...]
    security: tuple[SecurityMeasure, ...]
    transfers: str
    generated_on: date

    @property
    def security_summary(self) -> str:
        return "; ".join(f"{m.name}: {m.plain}" for m in self.security)

    def policy_document_note(self, activity: RopaActivity) -> str:
        if not activity.needs_policy_document:
            return "Not needed: no Schedule 1 condition is relied on."
        return (
            "Needed (DPA 2018 Sch. 1 para 5 and Part 4) for the conditions listed. Retention and erasure follow the "
            "retention rules listed, which the appropriate policy document must describe (Sch. 1 para 41)."
        )

    def activity_rows(self) -> list[list[str]]:
        """The activities as rows of text in ACTIVITY_COLUMNS order (lists joined with "; ")."""
        rows = []
        for activity in self.activities:
            rows.append(
                [
                    activity.name,
                    activity.description,
                    self.controller.name,
                    self.controller.dpo_contact,
                    _join(activity.data_subjects),
                    _join(activity.categories),
                    _join(activity.special_categories) or "None",
                    _join(activity.criminal_categories) or "None",
                    _join(activity.lawful_bases),
                    _join(activity.special_conditions) or "Not applicable",
                    _join(activity.criminal_conditions) or "Not applicable",
                    _join(activity.statutes),
                    _join(activity.sources),
                    _join(activity.recipients) or "None: used only within the service",
                    self.transfers,
                    _join(activity.retention),
                    self.security_summary,
                    self.policy_document_note(activity),
                ]
            )
        return rows

    def activity_summaries(self) -> list[tuple[RopaActivity, list[tuple[str, str]]]]:
        """Each activity with its (column, value) pairs, leaving out what every activity shares (shown once)."""
        return [
            (
                activity,
                [(c, v) for c, v in zip(ACTIVITY_COLUMNS, row, strict=True) if c not in SHARED_ACTIVITY_COLUMNS],
            )
            for activity, row in zip(self.activities, self.activity_rows(), strict=True)
        ]

    def retention_rows(self) -> list[list[str]]:
        return [
            [
                rule.code,
                rule.label,
                rule.applies_to,
                rule.period,
                rule.starts_from,
                "" if rule.years is None else str(rule.years),
                "Yes" if rule.configurable else "No",
                rule.why,
            ]
            for rule in self.retention_rules
        ]


def _join(values: Iterable[str]) -> str:
    return "; ".join(values)


def _activity(cat: Catalogue, purpose: str) -> RopaActivity:
    info = cat.purposes[purpose]
    entries = cat.entries_for_purpose(purpose)
    categories = {c for e in entries for c in e.categories}
    special = {c for e in entries for c in e.special_categories}
    criminal = {c for e in entries for c in e.criminal_categories}
    special_conditions = [c for c in info.special_conditions if special and _condition_applies(c, special)]
    criminal_conditions = list(info.criminal_conditions) if criminal else []
    recipients = {r for e in entries for r in e.recipients} if info.shares else set()
    return RopaActivity(
        code=purpose,
        name=info.label,
        description=info.plain,
        data_subjects=tuple(cat.subjects[s] for s in _ordered({s for e in entries for s in e.subjects}, cat.subjects)),
        categories=_category_labels(cat, categories),
        special_categories=_category_labels(cat, special),
        criminal_categories=_category_labels(cat, criminal),
        lawful_bases=tuple(LawfulBasis(b).label for b in info.lawful_bases),
        special_conditions=tuple(SpecialCondition(c).label for c in special_conditions),
        criminal_conditions=tuple(Art10Condition(c).label for c in criminal_conditions),
        statutes=tuple(cat.statutes[s].title for s in info.statutes),
        sources=tuple(cat.sources[s].label for s in _ordered({s for e in entries for s in e.sources}, cat.sources)),
        recipients=tuple(cat.recipients[r].label for r in _ordered(recipients, cat.recipients)),
        retention=tuple(
            f"{cat.retention_rules[r].label}: {cat.retention_rules[r].period}"
            for r in _ordered({e.retention for e in entries}, cat.retention_rules)
        ),
    )


def _condition_applies(condition: str, special_categories: set[str]) -> bool:
    scope = SPECIAL_CONDITION_SCOPE.get(condition)
    return scope is None or bool(scope & special_categories)


def _field_row(cat: Catalogue, entry: FieldEntry) -> tuple[str, ...]:
    return (
        entry.model,
        entry.field,
        entry.description,
        cat.categories[entry.category].label,
        _join(_category_labels(cat, entry.may_reveal)),
        "Yes" if entry.is_special else "No",
        "Yes" if entry.is_criminal else "No",
        _join(cat.subjects[s] for s in _ordered(entry.subjects, cat.subjects)),
        _join(cat.purposes[p].label for p in _ordered(entry.purposes, cat.purposes)),
        _join(LawfulBasis(b).label for b in _ordered(entry.lawful_bases, LawfulBasis)),
        _join(c.label for c in SpecialCondition if c in entry.special_conditions),
        _join(c.label for c in Art10Condition if c in entry.criminal_conditions),
        _join(cat.sources[s].label for s in _ordered(entry.sources, cat.sources)),
        _join(cat.recipients[r].label for r in _ordered(entry.recipients, cat.recipients)),
        cat.retention_rules[entry.retention].label,
        "Yes" if entry.free_text else "No",
        "Yes" if field_is_encrypted(entry) else "No",
    )


def ropa_build(
    *,
    controller: Controller,
    catalogue: Catalogue | None = None,
    today: date | None = None,
    periods: Mapping[str, int] | None = None,
) -> Ropa:
    """The Art. 30 record for `controller`: one activity per purpose in use, and every catalogued field.

    `periods`: the council's retention periods in months by disposal rule; the defaults otherwise.
    """
    cat = _with_periods(catalogue or catalogue_module.CATALOGUE, periods)
    return Ropa(
        controller=controller,
        activities=tuple(_activity(cat, purpose) for purpose in cat.purposes_in_use()),
        fields=tuple(_field_row(cat, entry) for entry in cat.entries),
        retention_rules=tuple(cat.retention_rules[code] for code in cat.retention_rules_in_use()),
        security=security_measures(cat),
        transfers=TRANSFERS,
        generated_on=today or timezone.localdate(),
    )


def _cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula: council settings are typed by people (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def ropa_csv(ropa: Ropa) -> str:
    """The processing activities as CSV, with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(ACTIVITY_COLUMNS)
    writer.writerows([_cell(value) for value in row] for row in ropa.activity_rows())
    return buffer.getvalue()


def ropa_xlsx(ropa: Ropa) -> bytes:
    """The record as a workbook: processing activities, personal data fields and retention rules, one sheet each."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheets = (
        ("Processing activities", ACTIVITY_COLUMNS, ropa.activity_rows()),
        ("Personal data fields", FIELD_COLUMNS, [list(row) for row in ropa.fields]),
        ("Retention rules", RETENTION_COLUMNS, ropa.retention_rows()),
    )
    for index, (title, header, rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(list(header))
        for row in rows:
            sheet.append([_cell(value) for value in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.iter_cols(min_row=1):
            width = min(60, max(12, *(len(str(c.value or "")) for c in column[:50])))
            sheet.column_dimensions[column[0].column_letter].width = width
            for cell in column[1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "B2"
    workbook.properties.title = f"Record of processing activities: {ropa.controller.name}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
