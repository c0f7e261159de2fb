"""Reads of people: pure queries, no side effects."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from cme.common.crypto import encrypted_field_names

from .enums import PersonNameKind
from .identifiers import postcode_clean
from .models import Address, CarerRelationship, Child, FormerUpn, PersonName, Residence
from .names import NameComparison, forename_likeness, forename_query_keys, surname_likeness, surname_query_keys

# How much each thing the officer typed counts towards a match's score (0 to 1), and the score below which a
# candidate is not shown. A UPN is an identifier, so agreeing on it outweighs a name written differently; a date of
# birth is shared by several children in a borough, and a postcode by a household or a block of flats.
UPN_WEIGHT = 3.0
NAME_WEIGHT = 2.0
DATE_OF_BIRTH_WEIGHT = 1.5
POSTCODE_WEIGHT = 1.0
SHOW_THRESHOLD = 0.5
# Within a name, the family name counts for more than the given name, which changes with nicknames and spellings.
FORENAME_SHARE = 0.4
SURNAME_SHARE = 0.6
# A name on the record other than the child's current one (a middle name, a former name) agrees a little less.
OTHER_NAME_DISCOUNT = 0.97
# Reading "Khan Mohammed" as family name first is allowed, at a small cost against the usual order.
SWAPPED_ORDER_DISCOUNT = 0.95
# Scores for a date of birth that is nearly right: the usual slips when a date is copied.
DAY_AND_MONTH_SWAPPED = 0.7
YEAR_ONE_OUT = 0.5
# Each way of finding candidates returns at most this many children, so a search for a very common name stays
# fast; an officer who meets the cap should add a date of birth or postcode.
CANDIDATE_CAP = 2000
# A child found by the duplicate check before a record is created: from this score the child may be the same one
# (the name agrees and the date of birth agrees or is one of the usual slips; or an identifier agrees). A name
# alone, or a date of birth alone, is shared by too many children to stop an officer.
DUPLICATE_THRESHOLD = 0.7
DUPLICATE_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ChildMatch:
    """A child `child_search` found: `score` from 0 to 1 (1 agrees on everything asked) and the reasons, in words."""

    child: Child
    score: float
    reasons: tuple[str, ...]


def child_count() -> int:
    """How many children the service holds a record for (a number, never a list); a record merged into another
    is the same child, so it is not counted twice."""
    return Child.objects.filter(merged_into__isnull=True).count()


def child_get(*, child_id: int) -> Child:
    """The child with this id; raises Child.DoesNotExist. Not access-checked: views open records through access_."""
    return Child.objects.get(pk=child_id)


def child_siblings(*, child: Child) -> QuerySet[Child]:
    """Other children who share a carer with `child` (full, half and step-siblings, and children fostered together)."""
    return (
        Child.objects.filter(carer_relationships__carer__relationships__child=child)
        .exclude(pk=child.pk)
        .distinct()
        .order_by("date_of_birth", "pk")
    )


def child_carers(*, child: Child) -> QuerySet[CarerRelationship]:
    """The child's relationships with carers, each with its carer loaded: those with parental responsibility and
    those the child lives with first."""
    return (
        CarerRelationship.objects.filter(child=child)
        .select_related("carer")
        .order_by("-parental_responsibility", "-lives_with", "carer__family_name", "carer__given_name", "pk")
    )


def _current_on(on: date) -> Q:
    """Residences that hold on `on`: started on or before it (or start unknown) and not ended before it."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def child_current_address(*, child: Child, on: date | None = None) -> Address | None:
    """Where the child lives on `on` (today by default), or None if no address is recorded for that day.

    If two residences overlap, the one that started later wins: it is the newer information.
    """
    on = on or timezone.localdate()
    residence = (
        Residence.objects.filter(_current_on(on), child=child)
        .select_related("address")
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
        .first()
    )
    return residence.address if residence else None


def child_address_history(*, child: Child) -> QuerySet[Residence]:
    """Every residence of the child with its address, newest first; those with an unknown start come last."""
    return (
        Residence.objects.filter(child=child)
        .select_related("address")
        .order_by(F("valid_from").desc(nulls_last=True), "-pk")
    )


# ---------------------------------------------------------------------------------------------------------------
# Search


def child_search(
    *,
    name: str = "",
    date_of_birth: date | None = None,
    upn: str = "",
    postcode: str = "",
    limit: int = 50,
    threshold: float = SHOW_THRESHOLD,
) -> list[ChildMatch]:
    """Children who may be the one described, best first, tolerating typos, nicknames and other spellings.

    Candidates are narrowed in SQL through indexed columns (phonetic name keys of current and other names, date
    of birth and its usual slips, current and former UPN, current postcode), scored in Python from a few columns,
    and only those returned are loaded in full. The number of queries (at most eight) does not depend on how many
    children are held. Nothing is decided here: an officer reviews the matches.
    """
    query = _SearchQuery.build(name=name, date_of_birth=date_of_birth, upn=upn, postcode=postcode)
    if query.is_empty:
        return []
    candidates = _candidates(query, by_name=_name_can_reach(query, threshold))
    if not candidates:
        return []
    if query.tokens:
        _other_names_attach(candidates)
    scored = [_score(candidate, query) for candidate in candidates.values()]
    shown = [row for row in scored if row[0] >= threshold]
    shown.sort(key=lambda row: (-row[0], row[2].family_name, row[2].given_name, row[2].pk))
    shown = shown[:limit]
    # Results show who the child is, not their special-category details: leave those sealed.
    children = Child.objects.defer(*encrypted_field_names(Child)).in_bulk([candidate.pk for _, _, candidate in shown])
    return [ChildMatch(children[candidate.pk], score, reasons) for score, reasons, candidate in shown]


@dataclass(frozen=True, slots=True)
class _SearchQuery:
    tokens: tuple[str, ...]  # the name as typed, split into words
    date_of_birth: date | None
    upn: str
    postcode: str

    @classmethod
    def build(cls, *, name: str, date_of_birth: date | None, upn: str, postcode: str) -> "_SearchQuery":
        return cls(tuple(name.split()), date_of_birth, "".join(upn.split()).upper(), _postcode_or_blank(postcode))

    @property
    def is_empty(self) -> bool:
        return not (self.tokens or self.date_of_birth or self.upn or self.postcode)

    def readings(self) -> list[tuple[str, str, float]]:
        """Ways to read the name as (given name, family name, weight). One word may be either. Otherwise the given
        name is the first word or all but the last ("Zi Han Chen"), or, at a small cost, the last word is."""
        words = self.tokens
        if len(words) == 1:
            return [(words[0], "", 1.0), ("", words[0], 1.0)]
        readings = [
            (words[0], " ".join(words[1:]), 1.0),
            (" ".join(words[:-1]), words[-1], 1.0),
            (words[-1], " ".join(words[:-1]), SWAPPED_ORDER_DISCOUNT),
        ]
        return list(dict.fromkeys(readings))


def _postcode_or_blank(postcode: str) -> str:
    """A postcode as stored, or blank: a search with a postcode that cannot exist matches nobody by postcode."""
    if not postcode.strip():
        return ""
    try:
        return postcode_clean(postcode)
    except ValidationError:
        return ""


def _dates_near(day: date) -> list[date]:
    """The date of birth asked for and its usual slips: day and month swapped, the year one out."""
    dates = [day]
    slips = ((day.year, day.day, day.month), (day.year - 1, day.month, day.day), (day.year + 1, day.month, day.day))
    for year, month, day_of_month in slips:
        try:
            dates.append(date(year, month, day_of_month))
        except ValueError:  # no 13th month, no 29 February that year
            continue
    return dates


def _name_filters(tokens: tuple[str, ...]) -> tuple[Q, Q]:
    """Filters on Child and on PersonName for children whose names share a phonetic key with the search.

    Every word may be a family name (people type names in either order, and double family names have several
    parts). A single word may also be a given name; with more words, given names alone would bring in every
    William in the borough, so they only rank candidates found another way.
    """
    surname_keys = set().union(*(surname_query_keys(token) for token in tokens))
    child = Q(family_name_key__in=surname_keys) | Q(family_name_part_key__in=surname_keys)
    other = Q(family_name_key__in=surname_keys) | Q(family_name_part_key__in=surname_keys)
    if len(tokens) == 1:
        forename_keys = forename_query_keys(tokens[0])
        child |= Q(given_name_key__in=forename_keys) | Q(preferred_name_key__in=forename_keys)
        other |= Q(given_name_key__in=forename_keys)
    return child, other


# The columns a candidate is scored on; the full record is loaded only for the matches returned.
_CANDIDATE_COLUMNS = ("pk", "given_name", "preferred_name", "middle_names", "family_name", "date_of_birth", "upn")


@dataclass(slots=True)
class _Candidate:
    pk: int
    given_name: str
    preferred_name: str
    middle_names: str
    family_name: str
    date_of_birth: date
    upn: str
    other_names: list["_Name"] = field(default_factory=list)  # (given or family) names from PersonName
    former_upn_matches: bool = False
    lives_at_postcode: bool = False


def _name_can_reach(query: _SearchQuery, threshold: float) -> bool:
    """Whether a child found by name alone (whose date of birth is not the one asked for or one of its slips, whose
    UPN does not agree and who does not live at the postcode: those are found by their own queries) could still
    score `threshold`. If not, the name queries, which can bring in thousands of children with a common family
    name, are left out: the duplicate check, which asks for a date of birth, needs only the children born then."""
    weights = [NAME_WEIGHT]
    if query.date_of_birth:
        weights.append(DATE_OF_BIRTH_WEIGHT)
    if query.postcode:
        weights.append(POSTCODE_WEIGHT)
    # A child with no UPN is scored without it (the best case for them); one with another UPN scores 0 on it.
    return NAME_WEIGHT / sum(weights) >= threshold


def _candidates(query: _SearchQuery, *, by_name: bool = True) -> dict[int, _Candidate]:
    """Children worth scoring, found through indexed columns: one query per criterion, each capped."""
    candidates: dict[int, _Candidate] = {}

    def add(children: QuerySet, **flags: bool) -> None:
        children = children.filter(merged_into__isnull=True)  # a record merged into another is found as that one
        for row in children.order_by("pk").values_list(*_CANDIDATE_COLUMNS)[:CANDIDATE_CAP]:
            candidate = candidates.setdefault(row[0], _Candidate(*row))
            for flag, value in flags.items():
                setattr(candidate, flag, getattr(candidate, flag) or value)

    if query.tokens and by_name:
        on_child, on_other_name = _name_filters(query.tokens)
        add(Child.objects.filter(on_child))
        add(
            Child.objects.filter(
                pk__in=PersonName.objects.filter(on_other_name, child__isnull=False).values("child_id")
            )
        )
    if query.date_of_birth:
        add(Child.objects.filter(date_of_birth__in=_dates_near(query.date_of_birth)))
    if query.upn:
        former = set(FormerUpn.objects.filter(upn=query.upn).values_list("child_id", flat=True)[:CANDIDATE_CAP])
        add(Child.objects.filter(Q(upn=query.upn) | Q(pk__in=former)))
        for child_id in former & candidates.keys():
            candidates[child_id].former_upn_matches = True
    if query.postcode:
        living_there = Residence.objects.filter(
            _current_on(timezone.localdate()), address__postcode=query.postcode, child__isnull=False
        )
        add(Child.objects.filter(pk__in=living_there.values("child_id")), lives_at_postcode=True)
    return candidates


def _other_names_attach(candidates: dict[int, _Candidate]) -> None:
    """Give each candidate its former names, aliases and other spellings, in one query."""
    rows = PersonName.objects.filter(child_id__in=list(candidates)).order_by("pk")
    labels = dict(PersonNameKind.choices)
    for child_id, given_name, family_name, kind in rows.values_list("child_id", "given_name", "family_name", "kind"):
        source = labels[kind].lower()
        candidates[child_id].other_names.append(_Name(given_name, OTHER_NAME_DISCOUNT, source, is_given=True))
        candidates[child_id].other_names.append(_Name(family_name, OTHER_NAME_DISCOUNT, source, is_given=False))


def _score(candidate: _Candidate, query: _SearchQuery) -> tuple[float, tuple[str, ...], _Candidate]:
    """Score a candidate against each criterion the officer gave, weighted, with the reasons in words."""
    parts: list[tuple[float, float, str | None]] = []  # (weight, score, reason)
    if query.tokens:
        parts.append((NAME_WEIGHT, *_name_score(candidate, query)))
    if query.date_of_birth:
        parts.append((DATE_OF_BIRTH_WEIGHT, *_date_of_birth_score(candidate.date_of_birth, query.date_of_birth)))
    if query.upn and (candidate.upn or candidate.former_upn_matches):
        # A child with no UPN recorded is neither confirmed nor contradicted by one: many children have none yet.
        parts.append((UPN_WEIGHT, *_upn_score(candidate, query.upn)))
    if query.postcode:
        there = candidate.lives_at_postcode
        parts.append((POSTCODE_WEIGHT, float(there), f"Lives at {query.postcode}" if there else None))
    total_weight = sum(weight for weight, _, _ in parts)
    score = sum(weight * score for weight, score, _ in parts) / total_weight if total_weight else 0.0
    return round(score, 3), tuple(reason for *_, reason in parts if reason), candidate


def _name_score(candidate: _Candidate, query: _SearchQuery) -> tuple[float, str | None]:
    """The best reading of the typed name against the child's names, and a sentence saying how they agree."""
    forenames = [_Name(candidate.given_name), _Name(candidate.preferred_name, source="known as")]
    forenames += [_Name(middle, OTHER_NAME_DISCOUNT, "middle name") for middle in candidate.middle_names.split()]
    forenames += [other for other in candidate.other_names if other.is_given and other.text]
    surnames = [_Name(candidate.family_name)]
    surnames += [other for other in candidate.other_names if not other.is_given and other.text]
    best_score, best_reason = 0.0, None
    for typed_forename, typed_surname, weight in query.readings():
        forename = _closest(forename_likeness, typed_forename, forenames)
        surname = _closest(surname_likeness, typed_surname, surnames)
        if typed_forename and typed_surname:
            score = FORENAME_SHARE * forename.score + SURNAME_SHARE * surname.score
        else:
            score = forename.score if typed_forename else surname.score
        if score * weight > best_score:
            best_score = score * weight
            best_reason = "; ".join(said for said in (forename.reason, surname.reason) if said) or None
    return best_score, best_reason


@dataclass(frozen=True, slots=True)
class _Name:
    """One of a child's names, how much agreeing with it counts, and what it is if not a current name."""

    text: str
    discount: float = 1.0
    source: str = ""
    is_given: bool = True


@dataclass(frozen=True, slots=True)
class _Closest:
    score: float
    reason: str | None


# Words for how a typed name agrees with a name on the record; a name only spelt a little alike gets none.
_REASON_FLOOR = 0.8
_HOW = {
    "same": "{name} matches",
    "spelling": "{typed} is another spelling of {name}",
    "known_as": "{typed} is a known form of {name}",
    "part": "{typed} is part of {name}",
    "sounds_like": "{typed} sounds like {name}",
    "sounds_like_part": "{typed} sounds like part of {name}",
    "similar": "{typed} is spelt nearly like {name}",
}


def _closest(likeness, typed: str, names: list[_Name]) -> _Closest:
    """The child's name closest to the typed one, as a score and a reason in words."""
    best, closest = NameComparison(0.0, "different"), None
    if not typed:
        return _Closest(0.0, None)
    for name in names:
        comparison = likeness(typed, name.text)
        if comparison.score * name.discount > best.score:
            best, closest = NameComparison(comparison.score * name.discount, comparison.how), name
    if closest is None or best.score < _REASON_FLOOR:
        return _Closest(best.score, None)
    reason = _HOW[best.how].format(typed=typed, name=closest.text)
    return _Closest(best.score, f"{reason} ({closest.source})" if closest.source else reason)


def _date_of_birth_score(actual: date, asked: date) -> tuple[float, str | None]:
    if actual == asked:
        return 1.0, "Date of birth matches"
    if (actual.year, actual.month, actual.day) == (asked.year, asked.day, asked.month):
        return DAY_AND_MONTH_SWAPPED, "Date of birth matches with day and month swapped"
    if (actual.month, actual.day) == (asked.month, asked.day) and abs(actual.year - asked.year) == 1:
        return YEAR_ONE_OUT, "Date of birth matches except the year, one out"
    return 0.0, None


def _upn_score(candidate: _Candidate, upn: str) -> tuple[float, str | None]:
    if candidate.upn == upn:
        return 1.0, "UPN matches"
    if candidate.former_upn_matches:
        return 1.0, "A former UPN matches"
    return 0.0, None


# ---------------------------------------------------------------------------------------------------------------
# Possible duplicates: the check before a child's record is created


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """A child already held who may be the one about to be recorded: only who they are and why (the check may show
    children outside the officer's caseload, so nothing else of their record)."""

    id: int
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def as_data(self) -> dict:
        return {
            "id": self.id,
            "given_name": self.given_name,
            "family_name": self.family_name,
            "preferred_name": self.preferred_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "why": list(self.reasons),
        }


def child_possible_duplicates(
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    preferred_name: str = "",
    upn: str = "",
    nhs_number: str = "",
    postcode: str = "",
) -> list[PossibleDuplicate]:
    """Children already held who may be the child described, best first: the search (`child_search`, with its name
    keys, known-as and other names, date-of-birth slips, current and former UPN, postcode) read with a stricter
    threshold, under the name and under the known-as name, and any child with the same NHS number."""
    found: dict[int, tuple[float, tuple[str, ...], Child]] = {}
    names = [f"{given_name} {family_name}"]
    if preferred_name.strip() and preferred_name.strip().lower() != given_name.strip().lower():
        names.append(f"{preferred_name} {family_name}")
    for name in names:
        matches = child_search(
            name=name, date_of_birth=date_of_birth, upn=upn, postcode=postcode, limit=20, threshold=DUPLICATE_THRESHOLD
        )
        for match in matches:
            if match.score >= DUPLICATE_THRESHOLD and (
                match.child.pk not in found or found[match.child.pk][0] < match.score
            ):
                found[match.child.pk] = (match.score, match.reasons, match.child)
    # An identifier that agrees makes a child a possible duplicate whatever the name and date of birth say.
    clean_upn = "".join(upn.split()).upper()
    nhs = "".join(ch for ch in nhs_number if ch.isdigit())
    by_identifier = [
        ("UPN matches", Q(upn=clean_upn) if clean_upn else None),
        ("A former UPN matches", Q(former_upns__upn=clean_upn) if clean_upn else None),
        ("NHS number matches", Q(nhs_number=nhs) if nhs else None),
    ]
    for reason, condition in by_identifier:
        if condition is None:
            continue
        children = Child.objects.filter(condition, merged_into__isnull=True).defer(*encrypted_field_names(Child))
        for child in children[:DUPLICATE_LIMIT]:
            _, reasons, _ = found.get(child.pk, (0.0, (), child))
            found[child.pk] = (1.0, reasons if reason in reasons else (reason, *reasons), child)
    ranked = sorted(found.values(), key=lambda row: (-row[0], row[2].family_name, row[2].given_name, row[2].pk))
    return [
        PossibleDuplicate(
            id=child.pk,
            given_name=child.given_name,
            family_name=child.family_name,
            preferred_name=child.preferred_name,
            date_of_birth=child.date_of_birth,
            reasons=reasons,
        )
        for _, reasons, child in ranked[:DUPLICATE_LIMIT]
    ]
