"""A candidate's evidence as a person reads it: the waterfall of match weights, field by field.

The match run stores, for each candidate, the records behind it and, for the strongest pairs of those records and for
the closest (or matched) school roll entry, the model's per-field match weights (`MatchCandidate.evidence`, written by
cme.matching.run). This module reads that JSON and builds what the candidate page shows, with no query of its own
except reading the compared source records' details (`record_details`):

- `Waterfall`: the prior, each field's weight stepping up or down, and the final match weight and probability, with
  the geometry of a server-rendered SVG bar chart (like Splink's own `waterfall_chart`, but needing no JavaScript);
- `FieldRow`: one row per field, both records' values and whether they agree, differ or one is missing (as the
  DfE's school-to-school matcher reconciles a child's details), in plain words;
- `why_raised`: one sentence on why the run proposed the candidate.

Field names, level labels and dates never reach a page as the engine names them: `field_label` and `level_outcome`
translate them, and anything unknown is put into words rather than shown raw.

Hand-written rather than a charting library: the chart is a few rectangles computed here and drawn by a template, so
that it is plain SVG with a title and description, works with JavaScript off and adds no package or CDN.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date

from .enums import CandidateKind, SourceKind

# Plain names for the fields the linkage model compares (cme.matching.linkage.model.comparisons) and the two extra
# rows of a waterfall: the prior every pair starts from and the sibling guard.
FIELD_LABELS = {
    "prior": "Starting point",
    "given_name": "Given name",
    "middle_names": "Middle names",
    "family_name": "Family name",
    "known_as": "Known-as name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "uprn": "Property reference (UPRN)",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "school_urn": "School",
    "sibling_guard": "Twin and sibling check",
}
# Words an engine's field name may contain that are written in capitals.
_ACRONYMS = {"uprn": "UPRN", "upn": "UPN", "nhs": "NHS", "urn": "URN", "dob": "date of birth", "id": "reference"}

AGREES, PARTLY, DIFFERS, MISSING, CHECK = "agrees", "partly", "differs", "missing", "check"
OUTCOME_LABELS = {
    AGREES: "Agrees",
    PARTLY: "Partly agrees",
    DIFFERS: "Differs",
    MISSING: "Missing from one record",
    CHECK: "Looks like twins or siblings",
}
# The GOV.UK tag colour of each outcome (the words say it too: colour is never the only signal).
OUTCOME_TAGS = {AGREES: "green", PARTLY: "yellow", DIFFERS: "red", MISSING: "grey", CHECK: "orange"}
# A level label that reads like code (SQL, a column name) rather than words.
_TECHNICAL = re.compile(r"[_=<>()\[\]]|\bELSE\b|\bNULL\b|\bgamma\b", re.IGNORECASE)


def field_label(name: str) -> str:
    """The plain name of a compared field: `nhs_number` -> "NHS number"; an unknown one put into words."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    words = [_ACRONYMS.get(word.lower(), word.lower()) for word in re.split(r"[_\s]+", name.strip()) if word]
    text = " ".join(words) or "Another detail"
    return text[0].upper() + text[1:]


def level_outcome(field_name: str, level: str) -> tuple[str, str]:
    """(outcome, words) for the level a comparison reached: agrees, partly agrees (with how), differs or missing."""
    level = (level or "").strip()
    if field_name == "sibling_guard":
        return CHECK, "Same family name and date of birth but a different given name: held down in case of twins"
    lowered = level.lower()
    if not level or lowered.startswith("not known") or "null" in lowered or "missing" in lowered:
        return MISSING, "Missing from one record"
    if lowered in ("same", "exact", "exact match"):
        return AGREES, "Agrees"
    if lowered in ("different", "all other comparisons", "else"):
        return DIFFERS, "Differs"
    if _TECHNICAL.search(level):
        return PARTLY, "Partly agrees"
    return PARTLY, f"Partly agrees: {level[0].lower() + level[1:]}"


def probability_of(weight: float) -> float:
    """The match probability of a total match weight (a log2 Bayes factor, prior included)."""
    if weight > 60:
        return 1.0
    if weight < -60:
        return 0.0
    odds = 2.0**weight
    return odds / (1 + odds)


def percent(probability: float | None) -> str:
    """A probability as people say it: "97%", "under 1%", "over 99%"."""
    if probability is None:
        return "not scored"
    value = probability * 100
    if 0 < value < 1:
        return "under 1%"
    if 99 < value < 100:
        return "over 99%" if round(value) >= 100 else f"{round(value)}%"
    return f"{round(value)}%"


def plain_date(value) -> str:
    """An ISO date (or a date) as people write it, "6 December 2026"; anything else as given; blank stays blank."""
    if not value:
        return ""
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    try:
        parsed = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{parsed.day} {parsed:%B %Y}"


def signed(weight: float, *, places: int = 1) -> str:
    """A weight with its sign, using a true minus sign: "+4.2", "\u22123.1"; nothing at all is "0"."""
    if round(weight, places) == 0:
        return "0"
    return f"+{weight:.{places}f}" if weight > 0 else f"\u2212{abs(weight):.{places}f}"


# ---------------------------------------------------------------------------------------------------------------
# The waterfall chart

ROW_HEIGHT = 30
LABEL_WIDTH = 210
PLOT_WIDTH = 360
VALUE_WIDTH = 70
TOP = 24
BOTTOM = 30


@dataclass(frozen=True)
class Step:
    """One bar of the waterfall: a field's weight stepping from `start` to `end` (the total runs from 0)."""

    label: str
    weight: float
    start: float
    end: float
    kind: str  # "prior", "up", "down" or "total"
    outcome: str = ""
    words: str = ""
    # Geometry, in SVG user units.
    x: float = 0.0
    y: float = 0.0
    width: float = 0.0
    text_x: float = 0.0
    text_anchor: str = "start"

    @property
    def weight_text(self) -> str:
        return signed(self.weight)

    @property
    def fill(self) -> str:
        # GOV.UK colours: grey start, green for evidence for, red against, blue the total.
        return {"prior": "#505a5f", "up": "#00703c", "down": "#d4351c", "total": "#1d70b8"}[self.kind]

    @property
    def label_y(self) -> float:
        return self.y + ROW_HEIGHT * 0.62


@dataclass
class FieldRow:
    """One field of a pair, as the reconciliation table shows it."""

    label: str
    left: str
    right: str
    outcome: str
    words: str
    weight: float

    @property
    def tag(self) -> str:
        return OUTCOME_TAGS.get(self.outcome, "grey")

    @property
    def tag_text(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, "Compared")

    @property
    def detail(self) -> str:
        """What the tag does not say: how a partial agreement agreed, or why the twin check applied."""
        if self.outcome == PARTLY and ": " in self.words:
            return self.words.partition(": ")[2]
        return self.words if self.outcome == CHECK else ""

    @property
    def weight_text(self) -> str:
        return signed(self.weight)


@dataclass
class Waterfall:
    """The match weights of one pair of records, as a chart and a table."""

    key: str  # unique on the page, for the SVG's title and description ids
    heading: str
    left_heading: str
    right_heading: str
    prior: float
    total: float
    probability: float
    steps: list[Step] = field(default_factory=list)
    rows: list[FieldRow] = field(default_factory=list)
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    height: int = 0
    zero_x: float = 0.0
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def probability_text(self) -> str:
        return percent(self.probability)

    # Fixed geometry the template draws with.
    bar_height = ROW_HEIGHT - 8
    label_x = LABEL_WIDTH - 8
    axis_top = TOP - 4

    @property
    def header_x(self) -> float:
        """Where "Against / For" is written: over zero, kept inside the chart."""
        return min(max(self.zero_x, LABEL_WIDTH + 80), self.width - 80)

    @property
    def axis_bottom(self) -> int:
        return self.height - BOTTOM + 4

    @property
    def tick_label_y(self) -> int:
        return self.height - 10

    @property
    def total_text(self) -> str:
        return signed(self.total)

    @property
    def title(self) -> str:
        return f"Match weights: {self.heading}"

    @property
    def description(self) -> str:
        """The chart in words, for a screen reader: where it starts, what moved it most, where it ends."""
        ups = sorted((s for s in self.steps if s.kind == "up"), key=lambda s: -s.weight)
        downs = sorted((s for s in self.steps if s.kind == "down"), key=lambda s: s.weight)
        parts = [f"Starts at {signed(self.prior)}, how likely any two records are to be one child."]
        if ups:
            parts.append("Evidence for: " + ", ".join(f"{s.label.lower()} {s.weight_text}" for s in ups) + ".")
        if downs:
            parts.append("Evidence against: " + ", ".join(f"{s.label.lower()} {s.weight_text}" for s in downs) + ".")
        parts.append(f"Total {self.total_text}: {self.probability_text} likely the same child.")
        return " ".join(parts)

    @property
    def agreeing(self) -> int:
        return sum(1 for row in self.rows if row.outcome in (AGREES, PARTLY))

    @property
    def differing(self) -> int:
        return sum(1 for row in self.rows if row.outcome == DIFFERS)

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.outcome == MISSING)


def waterfall_build(
    *,
    key: str,
    heading: str,
    field_weights: list[dict],
    total: float | None = None,
    probability: float | None = None,
    left: dict | None = None,
    right: dict | None = None,
    left_heading: str = "First record",
    right_heading: str = "Second record",
) -> Waterfall | None:
    """The waterfall of one pair from its stored `field_weights` (the prior first, then each field), or None when the
    run stored none. `left` and `right` give each record's values by field name, for the table."""
    weights = [w for w in field_weights or [] if isinstance(w, dict) and "field" in w]
    if not weights:
        return None
    prior = next((_number(w.get("weight")) for w in weights if w["field"] == "prior"), 0.0)
    fields = [w for w in weights if w["field"] != "prior"]
    summed = prior + sum(_number(w.get("weight")) for w in fields)
    total = summed if total is None else float(total)
    probability = probability_of(total) if probability is None else float(probability)
    chart = Waterfall(key=key, heading=heading, left_heading=left_heading, right_heading=right_heading,
                      prior=prior, total=total, probability=probability)  # fmt: skip
    steps = [Step("Starting point", prior, 0.0, prior, "prior", words="How likely any two records are to be one")]
    running = prior
    for weight in fields:
        value = _number(weight.get("weight"))
        outcome, words = level_outcome(weight["field"], str(weight.get("level", "")))
        label = field_label(weight["field"])
        steps.append(Step(label, value, running, running + value, "up" if value >= 0 else "down", outcome, words))
        running += value
        chart.rows.append(
            FieldRow(label, _shown((left or {}).get(weight["field"])), _shown((right or {}).get(weight["field"])),
                     outcome, words, value)
        )  # fmt: skip
    steps.append(Step("Final match weight", total, 0.0, total, "total", words=f"{percent(probability)} likely"))
    _lay_out(chart, steps)
    return chart


def _number(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def _shown(value) -> str:
    if value is None:
        return "Not kept with the evidence"
    return str(value).strip() or "Not given"


def _lay_out(chart: Waterfall, steps: list[Step]) -> None:
    """Place each bar: one row each, x scaled so that every running total and zero fit, ticks every few units."""
    edges = [0.0] + [s.start for s in steps] + [s.end for s in steps]
    low, high = min(edges), max(edges)
    if high - low < 1:
        high = low + 1
    span = _tick_step(high - low)
    low, high = math.floor(low / span) * span, math.ceil(high / span) * span
    scale = PLOT_WIDTH / (high - low)

    def x_of(value: float) -> float:
        return round(LABEL_WIDTH + (value - low) * scale, 1)

    placed = []
    for index, step in enumerate(steps):
        left, right = sorted((x_of(step.start), x_of(step.end)))
        width = max(right - left, 2.0)
        # The value sits past the end of the bar the way it moves, inside the plot unless there is no room.
        if step.end >= step.start:
            text_x, anchor = min(right + 4, LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH - 2), "start"
        else:
            text_x, anchor = left - 4, "end"
            if text_x < LABEL_WIDTH + 30:
                text_x, anchor = right + 4, "start"
        placed.append(
            Step(step.label, step.weight, step.start, step.end, step.kind, step.outcome, step.words,
                 x=left, y=TOP + index * ROW_HEIGHT + 4, width=round(width, 1), text_x=round(text_x, 1),
                 text_anchor=anchor)
        )  # fmt: skip
    chart.steps = placed
    chart.zero_x = x_of(0.0)
    chart.height = TOP + len(steps) * ROW_HEIGHT + BOTTOM
    value = low
    while value <= high + 1e-9:
        chart.ticks.append((x_of(value), signed(value, places=0)))
        value += span


def _tick_step(span: float) -> float:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if span / step <= 8:
            return float(step)
    return 200.0


# ---------------------------------------------------------------------------------------------------------------
# A candidate's evidence


@dataclass
class RecordShown:
    """One record behind a candidate, its dates as people write them."""

    key: str
    source: str
    kind: str
    line: int | None
    received_on: str
    name: str
    date_of_birth: str
    address: str
    postcode: str
    since: str
    until: str
    current: bool
    is_new: bool = False

    @property
    def label(self) -> str:
        """How the page names the record: its source and line ("Council tax, line 4")."""
        return f"{self.source}, line {self.line}" if self.line else self.source


@dataclass
class CandidateEvidence:
    """Everything the candidate page shows of the stored evidence."""

    why: str
    records: list[RecordShown]
    links: list[Waterfall]
    roll: Waterfall | None
    roll_entry: dict | None
    roll_is_closest: bool


def candidate_evidence(candidate, *, details: dict[str, dict] | None = None) -> CandidateEvidence:
    """The candidate's stored evidence as the page shows it. `details` are the compared records' fields by record
    key (`record_details`), for the values in each pair's table; without them only what the evidence kept is shown."""
    evidence = candidate.evidence or {}
    details = details or {}
    new_keys = set(candidate.record_keys) - set(candidate.reviewed_keys) if candidate.reopened else set()
    records = [_record_shown(r, new_keys) for r in evidence.get("records", []) if isinstance(r, dict)]
    by_key = {r.key: r for r in records}
    links = []
    for index, link in enumerate(evidence.get("links", []) or []):
        between = list(link.get("between") or [])[:2]
        if len(between) < 2:
            continue
        first, second = (by_key.get(k) for k in between)
        first_label = first.label if first else "One record"
        second_label = second.label if second else "another record"
        chart = waterfall_build(
            key=f"link-{index + 1}",
            heading=f"{first_label} and {second_label}",
            field_weights=link.get("field_weights") or [],
            total=link.get("weight"),
            probability=link.get("probability"),
            left=_values(details.get(between[0]), first),
            right=_values(details.get(between[1]), second),
            left_heading=first_label,
            right_heading=second_label[0].upper() + second_label[1:],
        )
        if chart is not None:
            links.append(chart)
    roll_entry = evidence.get("roll_entry") or evidence.get("closest_roll_entry")
    roll = None
    if isinstance(roll_entry, dict):
        roll_entry = {**roll_entry, "date_of_birth_text": plain_date(roll_entry.get("date_of_birth"))}
        roll = waterfall_build(
            key="roll",
            heading=f"this child's records and the roll entry at {roll_entry.get('school') or 'a school'}",
            field_weights=roll_entry.get("field_weights") or [],
            total=roll_entry.get("weight"),
            probability=roll_entry.get("probability"),
            left=_candidate_values(candidate),
            right=_roll_values(roll_entry, candidate),
            left_heading="This child's records",
            right_heading="Roll entry",
        )
    else:
        roll_entry = None
    return CandidateEvidence(
        why=why_raised(candidate),
        records=records,
        links=links,
        roll=roll,
        roll_entry=roll_entry,
        roll_is_closest=not evidence.get("roll_entry"),
    )


def _record_shown(record: dict, new_keys: set[str]) -> RecordShown:
    return RecordShown(
        key=str(record.get("key", "")),
        source=str(record.get("source") or _kind_label(record.get("kind")) or "A source"),
        kind=str(record.get("kind", "")),
        line=record.get("line"),
        received_on=plain_date(record.get("received_on")),
        name=str(record.get("name", "")),
        date_of_birth=plain_date(record.get("date_of_birth")),
        address=str(record.get("address", "")),
        postcode=str(record.get("postcode", "")),
        since=plain_date(record.get("since")),
        until=plain_date(record.get("until")),
        current=bool(record.get("current", True)),
        is_new=record.get("key") in new_keys,
    )


def _kind_label(kind) -> str:
    return SourceKind(kind).label.split(" (")[0] if kind in SourceKind.values else ""


SEX_WORDS = {"M": "Male", "F": "Female", "U": "Not known"}


def _values(detail: dict | None, shown: RecordShown | None) -> dict:
    """A record's values by compared field: the source record's own details if read, else what the evidence kept."""
    if detail:
        address = ", ".join(p for p in (detail.get("address_line1"), detail.get("address_line2"), detail.get("town"))
                            if p)  # fmt: skip
        return {
            "given_name": detail.get("given_name", ""),
            "middle_names": detail.get("middle_names", ""),
            "family_name": detail.get("family_name", ""),
            "known_as": detail.get("known_as", ""),
            "date_of_birth": plain_date(detail.get("date_of_birth")),
            "sex": SEX_WORDS.get(detail.get("sex") or "", detail.get("sex") or ""),
            "postcode": detail.get("postcode", ""),
            "address": address,
            "uprn": detail.get("uprn", ""),
            "nhs_number": detail.get("nhs_number", ""),
            "upn": detail.get("upn", ""),
        }
    if shown is None:
        return {}
    return {"date_of_birth": shown.date_of_birth, "postcode": shown.postcode, "address": shown.address}


def _candidate_values(candidate) -> dict:
    return {
        "given_name": candidate.given_name,
        "middle_names": candidate.middle_names,
        "family_name": candidate.family_name,
        "date_of_birth": plain_date(candidate.date_of_birth),
        "sex": SEX_WORDS.get(candidate.sex or "", candidate.sex or ""),
        "postcode": candidate.postcode,
        "address": candidate.address,
        "uprn": candidate.uprn,
    }


def _roll_values(entry: dict, candidate) -> dict:
    """The roll entry's values: the evidence keeps its name as one string, split where the family name starts."""
    name = str(entry.get("name") or "").strip()
    family = (candidate.family_name or "").strip()
    if family and name.lower().endswith(family.lower()) and len(name) > len(family):
        given, surname = name[: -len(family)].strip(), name[-len(family) :]
    else:
        given, _, surname = name.partition(" ")
    return {
        "given_name": given,
        "family_name": surname,
        "date_of_birth": plain_date(entry.get("date_of_birth")),
        "postcode": entry.get("postcode", ""),
    }


def why_raised(candidate) -> str:
    """One sentence on why the run proposed the candidate, from its kind, evidence and the run's thresholds."""
    evidence = candidate.evidence or {}
    records = [r for r in evidence.get("records", []) if isinstance(r, dict)]
    current = [r for r in records if r.get("current", True)] or records
    sources = sorted({(r.get("source") or _kind_label(r.get("kind")) or "a source") for r in current})
    threshold = _run_setting(candidate, "on_roll_threshold", 0.5)
    count = len(current)
    held = f"{count} current record{'s' if count != 1 else ''} from {_joined(sources)}" if count else "records"
    if candidate.kind == CandidateKind.MOVED_AWAY:
        school = (evidence.get("roll_entry") or {}).get("school") or "a school here"
        return (
            f"Raised because this child is on the roll of {school}, but every record placing them in the borough "
            "has ended, so they may have moved away without the school knowing where."
        )
    closest = evidence.get("closest_roll_entry") or {}
    if closest.get("probability") is not None:
        roll = (
            f"the closest school roll entry, at {closest.get('school') or 'a school'}, is only "
            f"{percent(closest['probability'])} likely to be them, below the {percent(threshold)} needed to count "
            "as on roll"
        )
    else:
        roll = "no pupil on any school roll we hold came close to them"
    verb = "places" if count == 1 else "place"
    return f"Raised because {held} {verb} a child of compulsory school age here, and {roll}."


def _joined(items: list[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + (items[-1] if items else "")


def _run_setting(candidate, name: str, default: float) -> float:
    run = getattr(candidate, "last_run", None)
    value = ((run.settings or {}) if run is not None else {}).get(name, default)
    return _number(value) or default


# ---------------------------------------------------------------------------------------------------------------
# How sure the run was: one number per candidate, for the model-over-time page


def candidate_confidence(*, kind: str, score: float | None, evidence: dict | None) -> float:
    """How sure the run was that the candidate is right, 0 to 1: that its records are one child (`score`), times,
    for a child on no roll, the chance that the closest roll entry is someone else, or, for a pupil who appears to
    have moved away, the chance that the roll entry is this child. The run raises a child when the closest roll entry
    is under the on-roll threshold, so a candidate near the threshold scores near one half."""
    evidence = evidence or {}
    grouped = 1.0 if score is None else max(0.0, min(1.0, float(score)))
    if kind == CandidateKind.MOVED_AWAY:
        entry = evidence.get("roll_entry") or {}
        linked = entry.get("probability")
        return round(grouped * (1.0 if linked is None else float(linked)), 4)
    closest = (evidence.get("closest_roll_entry") or {}).get("probability")
    return round(grouped * (1.0 - (float(closest) if closest is not None else 0.0)), 4)


# ---------------------------------------------------------------------------------------------------------------
# A run's counts and settings in words, for the run's page

RUN_COUNT_LABELS = {
    "resident_records": "Records of people living here, of about school age",
    "people": "Children those records make",
    "school_age_people": "Of compulsory school age",
    "roll_entries": "Pupils on the school rolls",
    "not_on_roll": "Living here, on no school roll",
    "moved_away": "On a roll here, appear to have moved away",
    "new": "New candidates",
    "reopened": "Dismissed before, back with new records",
    "still_dismissed": "Still dismissed (no new records)",
    "already_confirmed": "Already confirmed",
    "still_to_review": "Still waiting for review",
    "no_longer_found": "No longer found",
}
RUN_SETTING_LABELS = {
    "on_date": "Age and residence judged on",
    "dedupe_threshold": "Records are one child from",
    "on_roll_threshold": "A roll entry counts as the child from",
    "evidence_threshold": "Roll entries kept as evidence from",
    "ages_matched": "Ages matched",
    "moved_away_within_days": "Moved away: records ended within",
    "splink_version": "Splink version",
    "models": "Linkage models",
    "backend": "Where the linkage ran",
}


def run_count_rows(counts: dict | None) -> list[tuple[str, str]]:
    """A run's counts as (plain label, number) rows, in the order a person reads them."""
    counts = counts or {}
    order = [name for name in RUN_COUNT_LABELS if name in counts] + sorted(set(counts) - set(RUN_COUNT_LABELS))
    return [(RUN_COUNT_LABELS.get(name) or field_label(name), _plain_value(counts[name])) for name in order]


def run_setting_rows(settings: dict | None) -> list[tuple[str, str]]:
    """A run's settings as (plain label, value in words) rows; lists of imports and rolls are shown elsewhere."""
    settings = settings or {}
    skip = {"imports", "options", "school_rolls", "process"}
    order = [name for name in RUN_SETTING_LABELS if name in settings]
    order += sorted(name for name in settings if name not in RUN_SETTING_LABELS and name not in skip)
    rows = []
    for name in order:
        value = settings[name]
        if name.endswith("_threshold") and isinstance(value, int | float):
            text = f"{percent(float(value))} likely"
        elif name == "ages_matched" and isinstance(value, list | tuple) and len(value) == 2:
            text = f"{value[0]} to {value[1]}"
        elif name.endswith("_days") and isinstance(value, int | float):
            text = f"{value:,} days"
        elif name in ("on_date",) or name.endswith("_on"):
            text = plain_date(value)
        else:
            text = _plain_value(value)
        rows.append((RUN_SETTING_LABELS.get(name) or field_label(name), text))
    return rows


def _plain_value(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, dict):
        return "; ".join(f"{field_label(str(k)).lower()}: {_plain_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain_value(v) for v in value)
    if value is None:
        return "Not recorded"
    text = str(value)
    return plain_date(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text


# ---------------------------------------------------------------------------------------------------------------
# The model over time: a line per measure, run after run, and the thresholds in words


@dataclass
class ChartLine:
    label: str
    colour: str
    dash: str
    points: list[tuple[float, float, str]]  # x, y, the value in words

    @property
    def polyline(self) -> str:
        return " ".join(f"{x},{y}" for x, y, _text in self.points)


@dataclass
class AgreementChart:
    width: int
    height: int
    left: int
    top: int
    bottom_y: int
    right_x: int
    lines: list[ChartLine]
    y_ticks: list[tuple[float, str]]
    x_labels: list[tuple[float, str]]
    description: str


def agreement_chart(agreements: list) -> AgreementChart | None:
    """A line chart of the share confirmed and the run's average confidence, run after run (oldest first), for the
    runs with decisions; None with fewer than two such runs (a table says it better)."""
    decided = [a for a in agreements if a.decided]
    if len(decided) < 2:
        return None
    width, height, left, top, right, bottom = 640, 260, 56, 16, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(index: int) -> float:
        return round(left + plot_w * index / (len(decided) - 1), 1)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - value), 1)

    confirmed = [a.share_confirmed for a in decided]
    sure = [a.average_confidence for a in decided]
    lines = [
        ChartLine("Share confirmed by officers", "#1d70b8", "",
                  [(x_of(i), y_of(v), percent(v)) for i, v in enumerate(confirmed)]),
        ChartLine("How sure the run was, on average", "#505a5f", "6 4",
                  [(x_of(i), y_of(v), percent(v)) for i, v in enumerate(sure)]),
    ]  # fmt: skip
    every = max(1, math.ceil(len(decided) / 8))
    x_labels = [(x_of(i), f"Run {a.run.pk}") for i, a in enumerate(decided) if i % every == 0 or i == len(decided) - 1]
    words = "; ".join(
        f"run {a.run.pk}: {percent(a.share_confirmed)} confirmed, run {percent(a.average_confidence)} sure"
        for a in decided
    )
    return AgreementChart(
        width=width, height=height, left=left, top=top, bottom_y=top + plot_h, right_x=width - right, lines=lines,
        y_ticks=[(y_of(v), f"{round(v * 100)}%") for v in (0, 0.25, 0.5, 0.75, 1.0)], x_labels=x_labels,
        description=f"Oldest run first. {words}.",
    )  # fmt: skip


def threshold_explanation(settings: dict) -> list[tuple[str, str, str]]:
    """The run's thresholds as (what it decides, the value in words, why it is set there)."""
    dedupe = _number(settings.get("dedupe_threshold")) or 0.95
    on_roll = _number(settings.get("on_roll_threshold")) or 0.5
    kept = _number(settings.get("evidence_threshold")) or 0.05
    return [
        (
            "When two records are one child",
            f"{percent(dedupe)} likely or more",
            "Set high on purpose. Twins, brothers and sisters share a family name and an address, and twins a date "
            "of birth; a lower threshold would join them into one child and could hide a child on no roll inside a "
            "brother or sister who is on one. Two records must also have dates of birth that could be one date and "
            "given names that could be one name, whatever the score, unless they share an NHS number or unique "
            "pupil number.",
        ),
        (
            "When a pupil on a school roll counts as the child",
            f"{percent(on_roll)} likely or more",
            "A child is raised for review when no pupil on any roll is at least this likely to be them: the run "
            "counts a pupil as the child once that is more likely than not. Higher, more children who are on a roll "
            "under a misspelt name would reach the queue; lower, a child missing education could be hidden behind "
            "another child's roll entry. Missing a child costs more than an officer's look, so it sits at even "
            "chances, with a safety net that also counts a pupil at the same postcode with the same surname and a "
            "date of birth and given name that could be the same.",
        ),
        (
            "Which roll entries are kept as evidence",
            f"{percent(kept)} likely or more",
            "Only so that a candidate's page can show the closest roll entry and why it fell short. It decides "
            "nothing.",
        ),
    ]
