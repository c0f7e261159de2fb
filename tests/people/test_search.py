"""child_search: finds a child despite typos, nicknames, transliterations and double family names, best first."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cme.demo.generator import generate_borough
from cme.demo.loader import demo_data_load
from cme.people.enums import PersonNameKind
from cme.people.models import Child, Residence
from cme.people.selectors import SHOW_THRESHOLD, child_search
from tests.factories.people import AddressFactory, FormerUpnFactory, PersonNameFactory, ResidenceFactory

pytestmark = pytest.mark.django_db

# A search by everything needs eight queries, however many children are held: children by name keys, by other
# names' keys, by date of birth, former UPNs, children by UPN, by postcode; the candidates' other names; the matches.
MAX_SEARCH_QUERIES = 8


@pytest.fixture
def borough(child_factory):
    """A few children whose names could be confused with one another."""
    people = {
        "muhammad_khan": ("Muhammad", "Khan", date(2014, 5, 3)),
        "imran_khan": ("Imran", "Khan", date(2013, 2, 11)),
        "mohammed_ali": ("Mohammed", "Ali", date(2015, 7, 19)),
        "william_smith": ("William", "Smith", date(2016, 1, 30)),
        "john_smith": ("John", "Smith", date(2012, 9, 8)),
        "jack_smithers": ("Jack", "Smithers", date(2012, 9, 8)),
        "alexandra_kowalska": ("Alexandra", "Kowalska", date(2017, 3, 4)),
        "amira_ali_hassan": ("Amira", "Ali-Hassan", date(2015, 11, 23)),
        "grace_okafor": ("Grace", "Okafor", date(2014, 5, 3)),
    }
    return {key: child_factory(given_name=g, family_name=f, date_of_birth=d) for key, (g, f, d) in people.items()}


def _found(matches) -> list[str]:
    return [str(match.child) for match in matches]


def _first(matches) -> Child:
    assert matches, "nobody found"
    return matches[0].child


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Mohammed Khan", "muhammad_khan"),  # a transliteration
        ("Billy Smith", "william_smith"),  # a known-as form
        ("Aleksandra Kowalska", "alexandra_kowalska"),  # a Polish spelling
        ("Jon Smyth", "john_smith"),  # spellings that sound alike
        ("Smith John", "john_smith"),  # family name first
        ("amira ali hassan", "amira_ali_hassan"),  # no hyphen, no capitals
        ("Kowalska", "alexandra_kowalska"),
    ],
)
def test_a_child_is_found_first_by_a_name_spelt_another_way(borough, typed, expected):
    assert _first(child_search(name=typed)) == borough[expected]


def test_one_part_of_a_double_family_name_finds_the_child(borough):
    assert borough["amira_ali_hassan"] in [match.child for match in child_search(name="Hassan")]
    assert _first(child_search(name="Amira Hassan")) == borough["amira_ali_hassan"]


def test_an_unrelated_name_does_not_come_first(borough):
    matches = child_search(name="Mohammed Khan")

    assert _first(matches) == borough["muhammad_khan"]
    assert matches[0].score > max(m.score for m in matches[1:])
    assert borough["grace_okafor"] not in [match.child for match in matches]


def test_a_name_nobody_has_finds_nobody(borough):
    assert child_search(name="Zebedee Quartermaine") == []


def test_an_empty_search_finds_nobody(borough):
    assert child_search() == []


def test_a_date_of_birth_alone_finds_the_children_born_that_day(borough):
    matches = child_search(date_of_birth=date(2014, 5, 3))

    assert {m.child for m in matches} == {borough["muhammad_khan"], borough["grace_okafor"]}
    assert all(m.score == 1.0 and m.reasons == ("Date of birth matches",) for m in matches)


def test_a_date_of_birth_with_day_and_month_swapped_still_finds_the_child_but_ranks_lower(borough):
    matches = child_search(name="Grace Okafor", date_of_birth=date(2014, 3, 5))

    assert _first(matches) == borough["grace_okafor"]
    assert "Date of birth matches with day and month swapped" in matches[0].reasons
    assert matches[0].score < 1


def test_name_and_date_of_birth_together_put_the_right_twin_of_a_name_first(borough):
    # John Smith and Jack Smithers share a birthday; the name tells them apart.
    matches = child_search(name="John Smith", date_of_birth=date(2012, 9, 8))

    assert _found(matches)[:2] == ["John Smith", "Jack Smithers"]
    assert matches[0].score == 1.0


def test_a_upn_finds_exactly_its_child(borough, child_factory):
    child = child_factory(given_name="Leo", family_name="Ward", upn="B801200005001")

    matches = child_search(upn="b801 2000 05001")

    assert [(m.child, m.score, m.reasons) for m in matches] == [(child, 1.0, ("UPN matches",))]


def test_a_former_upn_finds_the_child(borough):
    FormerUpnFactory(child=borough["imran_khan"], upn="M80120000500A")

    matches = child_search(upn="M80120000500A")

    assert [(m.child, m.reasons) for m in matches] == [(borough["imran_khan"], ("A former UPN matches",))]


def test_a_former_family_name_finds_the_child_and_says_so(borough):
    PersonNameFactory(child=borough["grace_okafor"], kind=PersonNameKind.FORMER, family_name="Mensah")

    matches = child_search(name="Grace Mensah")

    assert _first(matches) == borough["grace_okafor"]
    assert matches[0].reasons == ("Grace matches; Mensah matches (former name)",)


def test_a_postcode_finds_the_children_living_there_now_and_not_those_who_moved_away(borough):
    here = AddressFactory(postcode="ZY1 2AB")
    ResidenceFactory(address=here, child=borough["john_smith"], valid_from=date(2019, 6, 1))
    ResidenceFactory(address=here, child=borough["imran_khan"], valid_from=None, valid_to=date(2021, 3, 31))
    elsewhere = AddressFactory(postcode="ZY9 9XX")
    ResidenceFactory(address=elsewhere, child=borough["imran_khan"], valid_from=date(2021, 4, 1))

    matches = child_search(postcode="zy12ab")

    assert [(m.child, m.reasons) for m in matches] == [(borough["john_smith"], ("Lives at ZY1 2AB",))]


def test_matches_explain_themselves_in_words(borough):
    matches = child_search(name="Billy Smyth")

    assert matches[0].reasons == ("Billy is a known form of William; Smyth sounds like Smith",)


def test_weak_matches_are_not_shown(borough):
    assert all(m.score >= SHOW_THRESHOLD for m in child_search(name="Jon Smyth", date_of_birth=date(2016, 1, 30)))


def test_the_number_of_results_is_limited(borough):
    assert len(child_search(name="Smith", limit=1)) == 1


def test_search_runs_a_fixed_number_of_queries_however_many_children_there_are(
    settings, django_assert_max_num_queries, child_factory
):
    settings.CME_DEMO = True
    child = child_factory(given_name="Solo", family_name="Child", date_of_birth=date(2015, 1, 1))

    def queries_for_a_search_by_everything(child: Child) -> int:
        residence = Residence.objects.filter(child=child, valid_to__isnull=True).select_related("address").first()
        with CaptureQueriesContext(connection) as captured:
            matches = child_search(
                name=f"{child.given_name} {child.family_name}",
                date_of_birth=child.date_of_birth,
                upn=child.upn or "B801200005001",
                postcode=residence.address.postcode if residence else "ZY1 2AB",
            )
        assert matches[0].child == child
        return len(captured.captured_queries)

    with_one_child = queries_for_a_search_by_everything(child)
    child.delete()
    demo_data_load(borough=generate_borough(seed=3, children=2000, schools=10))
    assert Child.objects.count() == 2000
    smiths = Child.objects.filter(family_name="Smith").exclude(upn="")

    with django_assert_max_num_queries(MAX_SEARCH_QUERIES):
        matches = child_search(name="Smith")
    assert len(matches) > 10
    assert queries_for_a_search_by_everything(smiths.first()) == with_one_child <= MAX_SEARCH_QUERIES


def test_children_of_a_generated_borough_are_found_first_by_their_names_and_dates_of_birth(settings):
    settings.CME_DEMO = True
    demo_data_load(borough=generate_borough(seed=5, children=400, schools=6))

    for child in Child.objects.prefetch_related("other_names").order_by("pk")[::7]:
        typed = [f"{child.preferred_name or child.given_name} {child.family_name}"]
        typed += [f"{child.given_name} {other.family_name}" for other in child.other_names.all()]
        for name in typed:
            matches = child_search(name=name, date_of_birth=child.date_of_birth)
            best = matches[0].score
            assert child in [m.child for m in matches if m.score == best], (name, _found(matches[:3]))
