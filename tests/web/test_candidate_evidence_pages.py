"""A candidate's evidence at a glance (issue 16 point 4): each pair's match weights as a waterfall chart (plain SVG with
a title and description, no script) beside its field-by-field table, plain field names and dates, one sentence on
why the candidate was raised, and no technical name on any candidate page of any kind."""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cme.matching.enums import CandidateKind, ReviewState
from cme.matching.evidence import field_label, level_outcome, probability_of, waterfall_build
from cme.matching.models import MatchCandidate, SourceRecord
from tests.factories.matching import DataSourceFactory, SourceImportFactory

pytestmark = pytest.mark.django_db


class _Visible(HTMLParser):
    """The text a person sees or hears: text outside script and style, and the attributes read out."""

    READ_OUT = ("aria-label", "alt", "title", "placeholder", "value")

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.READ_OUT and value and name != "value"]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# Names as code knows them: the fields of records and candidates, the compared fields, the run's settings and counts.
IDENTIFIERS = {
    *(f.name for f in SourceRecord._meta.get_fields()),
    *(f.name for f in MatchCandidate._meta.get_fields()),
    "nhs_number", "uprn", "upn", "date_of_birth", "given_name", "family_name", "middle_names", "known_as",
    "no_longer_found", "still_to_review", "still_dismissed", "already_confirmed", "not_on_roll", "moved_away",
    "on_roll_threshold", "dedupe_threshold", "evidence_threshold", "sibling_guard", "closest_roll_entry",
    "roll_entry", "field_weights", "school_age_people", "resident_records", "roll_entries", "groups_joined",
}  # fmt: skip
SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CODE_WORDS = re.compile(r"\b(None|True|False|gamma\w*|ELSE|NULL|null|nan|inf)\b|\{'|\['|'\]")


def technical_tokens(html: str) -> list[str]:
    """Every technical name in the page's visible text: snake_case, an identifier Title-cased ("Uprn",
    "Nhs_number", "Nolongerfound"), an ISO date, a Python value or a model level code."""
    text = visible_text(html)
    found = SNAKE_CASE.findall(text) + ISO_DATE.findall(text) + [m.group(0) for m in CODE_WORDS.finditer(text)]
    for name in (name for name in IDENTIFIERS if "_" in name):
        for variant in (name.capitalize(), name.replace("_", "").capitalize(), name.replace("_", "")):
            found += re.findall(rf"\b{re.escape(variant)}\b", text)
    found += re.findall(r"\b(Uprn|Upn|Nhs|Urn)\b", text)
    return sorted(set(found))


def test_the_check_finds_the_names_it_is_for():
    html = "<p>Uprn 1</p><p>Nhs_number</p><dt>Nolongerfound</dt><td>dedupe_threshold</td><td>2016-05-14</td>"
    assert technical_tokens(html) == ["2016-05-14", "Nhs_number", "Nolongerfound", "Uprn", "dedupe_threshold"]
    assert technical_tokens("<p>Property reference (UPRN), NHS number, born 14 May 2016</p>") == []


def weights(*rows):
    return [{"field": "prior", "level": "chance two records match", "weight": -9.4}] + [
        {"field": name, "level": level, "weight": weight} for name, level, weight in rows
    ]


@pytest.fixture
def made_up_run(match_run_factory, match_candidate_factory):
    """A run with a candidate of every kind and shape: one with pairs of records and a closest roll entry, one with a
    single record and no roll entry near, one reopened with new evidence, and a pupil who appears to have moved."""
    source = DataSourceFactory(name="Council tax")
    gp = DataSourceFactory(name="GP registrations", kind="gp")
    ct_import = SourceImportFactory(source=source, received_on=date(2026, 10, 30))
    gp_import = SourceImportFactory(source=gp, received_on=date(2026, 10, 28))
    SourceRecord.objects.create(source_import=ct_import, kind="council_tax", line=2, record_ref="CT-1",
                                given_name="Amara", family_name="Okonkwo-Test", date_of_birth=date(2016, 5, 14),
                                sex="F", address_line1="12 Example Road", town="Wyndley", postcode="ZY1 2AB",
                                uprn="100000000012")  # fmt: skip
    SourceRecord.objects.create(source_import=gp_import, kind="gp", line=7, record_ref="GP-9", given_name="Amarah",
                                family_name="Okonkwo-Test", date_of_birth=date(2016, 5, 14), postcode="ZY1 2AB",
                                address_line1="12 Example Rd", nhs_number="9434765919")  # fmt: skip
    run = match_run_factory(
        settings={"dedupe_threshold": 0.95, "on_roll_threshold": 0.5, "evidence_threshold": 0.05},
        counts={"not_on_roll": 3, "moved_away": 1, "no_longer_found": 2, "still_to_review": 1},
    )
    records = [
        {"key": f"{source.pk}:CT-1", "source": "Council tax", "kind": "council_tax", "line": 2,
         "received_on": "2026-10-30", "name": "Amara Okonkwo-Test", "date_of_birth": "2016-05-14",
         "address": "12 Example Road, Wyndley", "postcode": "ZY1 2AB", "since": "2025-09-01", "until": "",
         "current": True},
        {"key": f"{gp.pk}:GP-9", "source": "GP registrations", "kind": "gp", "line": 7, "received_on": "2026-10-28",
         "name": "Amarah Okonkwo-Test", "date_of_birth": "2016-05-14", "address": "12 Example Rd",
         "postcode": "ZY1 2AB", "since": "2026-01-12", "until": "", "current": True},
    ]  # fmt: skip
    pair = weights(("given_name", "nearly the same spelling", 4.1), ("family_name", "same", 8.2),
                   ("date_of_birth", "same", 10.3), ("sex", "not known on one side", 0.0),
                   ("postcode", "same", 7.5), ("address", "nearly the same", 3.2),
                   ("uprn", "not known on one side", 0.0), ("nhs_number", "not known on one side", 0.0),
                   ("given_name_canonical", "given_name_l = given_name_r", 0.4))  # fmt: skip
    closest = {"school": "Wyndley Primary", "name": "Amira Okafor", "date_of_birth": "2016-06-14",
               "postcode": "ZY9 9ZZ", "probability": 0.12, "weight": -2.9,
               "field_weights": weights(("given_name", "somewhat alike", 0.3), ("family_name", "different", -4.0),
                                        ("date_of_birth", "one digit different", 3.1), ("postcode", "different", -2.2),
                                        ("sibling_guard", "same family and date of birth", -1.5))}  # fmt: skip
    evidence = {
        "records": records,
        "links": [{"between": [records[0]["key"], records[1]["key"]], "probability": 0.9999, "weight": 24.3,
                   "field_weights": pair}],
        "closest_roll_entry": closest,
        "groups_joined": 1,
    }  # fmt: skip
    paired = match_candidate_factory(first_run=run, last_run=run, evidence=evidence,
                                     record_keys=[r["key"] for r in records], uprn="100000000012")  # fmt: skip
    lone = match_candidate_factory(
        first_run=run,
        last_run=run,
        given_name="Bo",
        family_name="Lind-Test",
        evidence={"records": [records[0]], "links": [], "closest_roll_entry": None},
    )
    reopened = match_candidate_factory(
        first_run=run,
        last_run=run,
        evidence=evidence,
        reopened=True,
        record_keys=[r["key"] for r in records],
        reviewed_keys=[records[0]["key"]],
    )
    moved = match_candidate_factory(
        first_run=run, last_run=run, kind=CandidateKind.MOVED_AWAY, given_name="Cal", family_name="Moss-Test",
        evidence={"records": [{**records[0], "until": "2026-08-31", "current": False}], "links": [],
                  "roll_entry": {**closest, "name": "Cal Moss-Test", "probability": 0.97, "weight": 5.0}},
    )  # fmt: skip
    gone = match_candidate_factory(first_run=run, last_run=run, is_current=False, evidence=evidence)
    dismissed = match_candidate_factory(first_run=run, last_run=run, review_state=ReviewState.DISMISSED,
                                        evidence=evidence)  # fmt: skip
    return {"paired": paired, "lone": lone, "reopened": reopened, "moved": moved, "gone": gone,
            "dismissed": dismissed, "run": run}  # fmt: skip


def page(client, candidate) -> str:
    response = client.get(reverse("web:matching:candidate", args=[candidate.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_technical_name_reaches_any_candidate_page_of_any_kind(sign_in, officer, made_up_run):
    client = sign_in(officer)
    found = {}
    for name, candidate in made_up_run.items():
        if isinstance(candidate, MatchCandidate):
            found[name] = technical_tokens(page(client, candidate))
    for view in ("to_review", "confirmed", "dismissed", "no_longer_found"):
        found[f"queue {view}"] = technical_tokens(client.get(reverse("web:matching:queue"), {"view": view}).content
                                                  .decode())  # fmt: skip
    found["run"] = technical_tokens(client.get(reverse("web:matching:run", args=[made_up_run["run"].pk])).content
                                    .decode())  # fmt: skip
    assert found == {name: [] for name in found}


def test_the_waterfall_is_an_accessible_svg_beside_its_table(sign_in, officer, made_up_run):
    html = page(sign_in(officer), made_up_run["paired"])

    svgs = re.findall(r"<svg[^>]*>.*?</svg>", html, re.S)
    assert len(svgs) == 2  # the pair of records, and the closest roll entry
    for svg in svgs:
        assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg
        labelled = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
        assert all(f'id="{ident}"' in svg for ident in labelled)
    assert "<script" not in "".join(svgs)
    text = visible_text(html)
    # One sentence on why, with the roll entry's score and the threshold in words.
    assert ("Raised because 2 current records from Council tax and GP registrations place a child of compulsory "
            "school age here, and the closest school roll entry, at Wyndley Primary, is only 12% likely to be them, "
            "below the 50% needed to count as on roll.") in text  # fmt: skip
    # Dates as people write them; the source records' own details side by side, field by field.
    assert "14 May 2016" in text and "1 September 2025" in text and "30 October 2026" in text
    row = re.search(r"Given name</th>(.*?)</tr>", html, re.S).group(1)
    assert "Amara<" in row and "Amarah<" in row and "Partly agrees" in row and "Nearly the same spelling" in row
    assert re.search(r"NHS number</th>.*?9434765919.*?Missing from one record", html, re.S)
    assert re.search(r"Family name</th>.*?Agrees.*?\+8\.2", html, re.S)
    assert "Property reference (UPRN)" in text and "Twin and sibling check" in text
    assert "Given name canonical" in text  # a field the page has no name for, put into words
    # The roll entry: differs, with its weight, and the final match weight and chance.
    assert re.search(r"Family name</th>.*?Okafor.*?Differs.*?\u22124\.0", html, re.S)
    assert "Final match weight" in text and "+24.3" in text and "over 99% likely" in text


def test_a_pupil_who_moved_away_and_a_lone_record_say_why_in_one_sentence(sign_in, officer, made_up_run):
    client = sign_in(officer)
    moved = visible_text(page(client, made_up_run["moved"]))
    lone = visible_text(page(client, made_up_run["lone"]))

    assert "Raised because this child is on the roll of Wyndley Primary, but every record placing them" in moved
    assert "31 August 2026" in moved and "97% likely the same child" in moved
    assert ("Raised because 1 current record from Council tax places a child of compulsory school age here, and no "
            "pupil on any school roll we hold came close to them.") in lone  # fmt: skip
    assert "<svg" not in page(client, made_up_run["lone"])


def test_the_chart_steps_add_up_and_read_as_a_waterfall():
    chart = waterfall_build(
        key="k", heading="a and b", field_weights=weights(("given_name", "same", 5.0), ("postcode", "different", -3.0))
    )
    assert [(s.kind, s.start, s.end) for s in chart.steps] == [
        ("prior", 0.0, -9.4), ("up", -9.4, -4.4), ("down", -4.4, -7.4), ("total", 0.0, -7.4)]  # fmt: skip
    assert chart.probability == pytest.approx(probability_of(-7.4))
    assert all(s.width > 0 and 0 <= s.x <= chart.width for s in chart.steps)
    down = chart.steps[2]
    assert down.x + down.width <= chart.steps[1].x + chart.steps[1].width  # the red bar steps back from the green
    assert "Evidence against: postcode \u22123.0" in chart.description
    assert waterfall_build(key="k", heading="h", field_weights=[]) is None


@pytest.mark.parametrize(
    ("name", "level", "label", "outcome"),
    [
        ("nhs_number", "same", "NHS number", "agrees"),
        ("uprn", "not known on one side", "Property reference (UPRN)", "missing"),
        ("date_of_birth", "day and month swapped", "Date of birth", "partly"),
        ("family_name", "different", "Family name", "differs"),
        ("school_urn_code", "ELSE", "School URN code", "differs"),
        ("new_field", "new_field_l = new_field_r", "New field", "partly"),
    ],
)
def test_field_names_and_levels_are_put_into_words(name, level, label, outcome):
    assert field_label(name) == label
    got, words = level_outcome(name, level)
    assert got == outcome and "_" not in words and "=" not in words
