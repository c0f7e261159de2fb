"""The privacy notice: public, built from the data catalogue and the council's settings, and true to the seed notice."""

import html
import itertools
import os
import re

import pytest
from django.urls import reverse

from cme.council.services import council_settings_update
from cme.privacy import catalogue
from cme.privacy.catalogue import CATALOGUE, CATEGORIES, RECIPIENTS, Catalogue, CategoryInfo, FieldEntry, PartyInfo
from cme.privacy.enums import DataCategory, Purpose, Recipient
from cme.privacy.notice import Controller, notice_build

pytestmark = pytest.mark.django_db

SECTIONS = (
    "who-we-are",
    "what-we-hold",
    "where-it-comes-from",
    "how-we-use-it",
    "legal-basis",
    "who-we-share-with",
    "how-long",
    "keeping-it-safe",
    "automated-decisions",
    "cookies",
    "your-rights",
    "changes",
)

# Each item the seed notice (shared/seed/cme-privacy-notice.txt) lists, and the words our notice uses for it, in the
# section where it belongs. Our words, not the seed's sentences: this checks the promise, not the wording.
SEED_CATEGORIES = {
    "Name": "Names (including former names",
    "Title": "title",
    "Address": "Home addresses, past addresses",
    "Telephone number": "telephone numbers",
    "Email address": "email addresses",
    "Date of birth": "date of birth",
    "Gender": "sex",
    "Marital status/civil partnerships": "married or in a civil partnership",
    "Involvement with Educational bodies such as schools": "Which schools a child has attended",
    "Receipt of benefits": "Whether a family receives benefits",
    "Involvement with UK border agency": "dealings with the Home Office over immigration",
    "Involvement with police and/or probation": "known to the police or to probation services",
    "Information about your race or ethnicity": "A child's ethnic background",
    "Offences (including alleged offences), criminal proceedings, outcomes and sentences": (
        "Offences or alleged offences, court proceedings, their outcomes and sentences"
    ),
    "Special Educational Needs and Disability": "Special educational needs, disabilities",
    "Involvement with statutory services such as Social Care, school nursing, police, probation, Startwell or the "
    "Youth Offending team": "known to children's social care",
    "(statutory services, continued)": "school nursing, the police, probation, early help or the youth offending team",
}

SEED_PURPOSES = {
    "Administering the service we provide": "Running the service",
    "Making decisions about the support you receive from us": "Deciding what help a child needs",
    "Identifying if your child is not registered at a school …": "Finding children who are missing education",
    "(… or at risk of missing education e.g. due to a reduced timetable)": "part-time timetable",
    "To make timely and effective enquiries to find out where your child is": "Finding out where a child is",
    "Education, training and development requirements of staff": "Training and supervising our staff",
    "To use safeguarding and legal powers where necessary": "Keeping children safe",
    "To conduct data analytics studies …": "Understanding and planning support",
    "For equal opportunities and monitoring purposes": "Checking we treat everyone fairly",
}

SEED_RECIPIENTS = {
    "school": "A child's school, past school or new school",
    "school nursing": "School nurses",
    "social care": "Children's social care, including the multi-agency safeguarding hub",
    "UK border agency": "once the UK Border Agency",
    "police": "The police",
    "GP": "A child's GP",
    "Probation": "Probation services",
    "Startwell": "Early help and family support services",
    "Youth Offending team": "youth offending team",
    "Colleagues in other local authorities": "Other councils, when a child moves",
    "to prevent crime and disorder": "including preventing crime",
}

SEED_SOURCES = {
    "housing": "Housing records",
    "council tax": "Council tax records",
    "Schools": "notices they must send when a pupil joins or leaves their roll",
    "Concerned professionals": "Professionals who are worried about a child",
    "members of the public": "anyone who tells us about a child",
    "Colleagues in other local authorities": "officers and other staff at other councils",
    "information provided by other statutory services": "Children's social care and early help teams",
}

SEED_LEGAL_BASIS = {
    "legal obligation": "Legal obligation (UK GDPR Art. 6(1)(c))",
    "public task in the public interest": "Public task (UK GDPR Art. 6(1)(e))",
    "the duty to establish the identities of children … not receiving a suitable full-time education": (
        "Education Act 1996, section 436A"
    ),
    "Education Act 1996": "Education Act 1996",
    "Education Act 2002": "Education Act 2002, section 175",
    "Children Act 1989": "Children Act 1989, sections 17 and 47",
    "Children and Families Act 2014": "Children and Families Act 2014, Part 3",
    "DfE Departmental Guidance for Local Authorities": "Children missing education: statutory guidance",
    "substantial public interest (special data)": "Art. 9(2)(g) substantial public interest",
    "equal opportunities monitoring and reporting": "Sch. 1 para 8 (equality of opportunity or treatment)",
    "to safeguard and promote the welfare of children": "Sch. 1 para 18 (safeguarding of children",
    "(offences: Art. 10)": "extended by para 36",
}

SEED_PROMISES = {
    ("how-long", "retain ... only for as long as necessary"): "We keep information only for as long as we need it",
    ("how-long", "retention (our default for a child's record)"): "Until the child's 25th birthday",
    ("automated-decisions", "All the decisions we make about you involve human intervention"): (
        "No decision about you or your child is made by a computer alone"
    ),
    ("cookies", "how we use cookies"): "only the cookies it needs to work",
    ("your-rights", "how to exercise your rights"): "Contact our data protection officer",
    ("your-rights", "complain"): "Information Commissioner's Office",
}


def text_of(page: str, section: str) -> str:
    """The visible text of one <section id=…> of the page, with tags removed and spaces collapsed."""
    match = re.search(rf'<section id="{section}"[^>]*>(.*?)</section>', page, re.DOTALL)
    assert match, f"the notice has no section {section!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


@pytest.fixture
def page(client) -> str:
    response = client.get(reverse("web:privacy"))
    assert response.status_code == 200
    return response.content.decode()


def test_anyone_can_read_the_notice_without_signing_in(client):
    response = client.get("/privacy/")
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Privacy notice</h1>' in response.content.decode()


def test_the_notice_has_every_section_in_order_with_a_contents_list(page):
    positions = [page.index(f'<section id="{section}"') for section in SECTIONS]
    assert positions == sorted(positions)
    for section in SECTIONS:
        assert f'href="#{section}"' in page


def test_headings_go_down_one_level_at_a_time(page):
    main = page[page.index('id="main-content"') :]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
    assert levels[0] == 1 and levels.count(1) == 1
    jumps = [(a, b) for a, b in itertools.pairwise(levels) if b > a + 1]
    assert not jumps, f"headings skip a level: {jumps}"


def test_the_notice_works_without_javascript(page):
    main = page[page.index('id="main-content"') : page.index("</main>")]
    assert "<script" not in main and "data-module" not in main


def test_the_council_and_its_data_protection_officer_come_from_the_settings(client, sysadmin):
    council_settings_update(
        actor=sysadmin,
        council_name="Borough of Testham",
        dpo_name="Dana Protheroe",
        dpo_email="dpo@testham.example",
        dpo_address="Town Hall\nTestham TE1 1ST",
        complaints_url="https://testham.example/complaints",
        service_email="cme@testham.example",
    )
    page = client.get(reverse("web:privacy")).content.decode()
    who = text_of(page, "who-we-are")
    assert "Borough of Testham is responsible for the information the service holds" in who
    assert "Dana Protheroe" in who and "dpo@testham.example" in who and "Testham TE1 1ST" in who
    assert "cme@testham.example" in who
    assert 'href="https://testham.example/complaints"' in page
    assert 'href="mailto:dpo@testham.example"' in page


@pytest.mark.parametrize("seed_item", SEED_CATEGORIES)
def test_every_category_of_the_seed_notice_is_on_the_page_in_our_words(page, seed_item):
    assert SEED_CATEGORIES[seed_item] in text_of(page, "what-we-hold")


@pytest.mark.parametrize("seed_item", SEED_PURPOSES)
def test_every_purpose_of_the_seed_notice_is_on_the_page_in_our_words(page, seed_item):
    assert SEED_PURPOSES[seed_item] in text_of(page, "how-we-use-it")


@pytest.mark.parametrize("seed_item", SEED_RECIPIENTS)
def test_every_recipient_of_the_seed_notice_is_on_the_page_in_our_words(page, seed_item):
    assert SEED_RECIPIENTS[seed_item] in text_of(page, "who-we-share-with")


@pytest.mark.parametrize("seed_item", SEED_SOURCES)
def test_every_source_of_the_seed_notice_is_on_the_page_in_our_words(page, seed_item):
    assert SEED_SOURCES[seed_item] in text_of(page, "where-it-comes-from")


@pytest.mark.parametrize("seed_item", SEED_LEGAL_BASIS)
def test_every_legal_basis_of_the_seed_notice_is_on_the_page(page, seed_item):
    assert SEED_LEGAL_BASIS[seed_item] in text_of(page, "legal-basis")


@pytest.mark.parametrize(("section", "seed_item"), SEED_PROMISES)
def test_every_other_promise_of_the_seed_notice_is_on_the_page(page, section, seed_item):
    assert SEED_PROMISES[(section, seed_item)] in text_of(page, section)


def test_the_notice_does_not_copy_the_seed_notices_sentences(page, settings):
    seed_file = settings.BASE_DIR.parent / "shared" / "seed" / "cme-privacy-notice.txt"
    if not seed_file.exists():
        # CI always has shared/ beside the clone, so there the check must run; elsewhere say why it did not.
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            f"the seed notice is not beside the repository ({seed_file})"
        )
    seed = seed_file.read_text(encoding="utf-8")
    ours = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    sentences = [" ".join(s.split()) for s in re.split(r"(?<=[.:])\s+", seed) if len(s.split()) >= 8]
    assert len(sentences) > 20
    copied = [sentence for sentence in sentences if sentence in ours]
    assert not copied


def test_every_category_held_is_listed_and_sensitive_ones_are_marked(page):
    for code in CATALOGUE.categories_in_use():
        info = CATEGORIES[code]
        heading = f'<h3 class="govuk-heading-m" id="category-{code}">{html.escape(info.label)}</h3>'
        assert heading in page, code
        after = page[page.index(heading) + len(heading) :][:200]
        if info.legal_class == "special":
            assert 'govuk-tag--orange">Special category data</strong>' in after, code
        elif info.legal_class == "criminal":
            assert 'govuk-tag--red">Criminal offence data</strong>' in after, code
        else:
            assert "govuk-tag" not in after, code


def test_categories_held_only_in_case_records_say_so(page):
    what = text_of(page, "what-we-hold")
    offences = what[what.index("Offences or alleged offences") :][:400]
    assert "We do not keep this as a separate item" in offences
    benefits = what[what.index("Whether a family receives benefits") :][:400]
    assert "We do not keep this as a separate item" not in benefits  # a field on the child now
    assert "The file note" in what and "What the agency told us" in what


def test_retention_is_stated_from_the_catalogues_rules(page):
    from cme.privacy.retention import retention_periods

    how_long = text_of(page, "how-long")
    for code in CATALOGUE.retention_rules_in_use():
        assert catalogue.period_in_words(catalogue.RETENTION_RULES[code].period, retention_periods()) in how_long
    assert "Until the child's 25th birthday" in how_long
    assert "6 months after it was received; 13 months for an extract sent once a year" in how_long


@pytest.mark.django_db
def test_the_notice_states_the_periods_the_council_set(client):
    from cme.council.models import RetentionPeriod

    RetentionPeriod.objects.create(rule="child_record", months=30 * 12)
    RetentionPeriod.objects.create(rule="match_candidate", months=3)
    how_long = text_of(client.get("/privacy/").content.decode(), "how-long")
    assert "Until the child's 30th birthday" in how_long and "25th birthday" not in how_long
    assert "deleted 3 months after a match run last proposed them" in how_long


def test_special_category_and_criminal_offence_conditions_are_stated(page):
    basis = text_of(page, "legal-basis")
    assert "Sch. 1 para 6 (statutory and government purposes)" in basis
    assert "We rely on it for: ethnic background; special educational needs and disability." in basis  # para 8
    assert "Art. 10 with DPA 2018 s10(5)" in basis
    assert "appropriate policy document" in basis
    assert 'href="https://www.legislation.gov.uk/ukpga/1996/56/section/436A"' in page


def test_rights_that_apply_are_listed_with_the_regulator(page):
    rights = text_of(page, "your-rights")
    for article in ("Article 15", "Article 16", "Article 17", "Article 18", "Article 21"):
        assert article in rights
    assert "This right does not apply here" in rights  # portability
    assert "within one month" in rights
    assert "0303 123 1113" in rights and 'href="https://ico.org.uk/make-a-complaint/"' in page


def test_cookies_link_to_the_cookies_page(page):
    assert f'href="{reverse("web:cookies")}"' in page[page.index('<section id="cookies"') :]


def test_security_measures_name_encryption_only_because_sensitive_fields_are_encrypted(page):
    safe = text_of(page, "keeping-it-safe")
    assert "Two-step sign-in" in safe and "Access by role" in safe and "A record of who did what" in safe
    assert "Encryption of the most sensitive information" in safe  # people.Child's special fields are encrypted


# --- the page follows the catalogue ------------------------------------------------------------------------------

ADOPTION = PartyInfo("adoption_agency", "Regional adoption agency", "The regional agency that arranges adoptions.")
SHOES = CategoryInfo("shoe_size", "Shoe sizes", "The size of a child's shoes, for school uniform grants.")


def with_extra_field() -> Catalogue:
    entry = FieldEntry(
        model="people.Child",
        field="shoe_size",
        description="Shoe size",
        category="shoe_size",
        subjects=frozenset({"child"}),
        purposes=frozenset({Purpose.ADMINISTER_SERVICE}),
        sources=frozenset({"family"}),
        recipients=frozenset({"adoption_agency"}),
        retention="child_record",
    )
    return Catalogue(
        entries=(*CATALOGUE.entries, entry),
        categories={**CATEGORIES, "shoe_size": SHOES},
        recipients={**RECIPIENTS, "adoption_agency": ADOPTION},
    )


def test_a_category_and_a_recipient_added_to_the_catalogue_appear_on_the_page(client, monkeypatch):
    before = client.get(reverse("web:privacy")).content.decode()
    assert "Shoe sizes" not in before and "Regional adoption agency" not in before
    monkeypatch.setattr(catalogue, "CATALOGUE", with_extra_field())
    after = client.get(reverse("web:privacy")).content.decode()
    assert "Shoe sizes The size of a child's shoes" in text_of(after, "what-we-hold")
    sharing = text_of(after, "who-we-share-with")
    assert "Regional adoption agency The regional agency that arranges adoptions. What we may share: shoe sizes." in (
        sharing
    )


def test_a_recipient_no_field_goes_to_any_more_leaves_the_page(client, monkeypatch):
    assert "Home Office" in text_of(client.get(reverse("web:privacy")).content.decode(), "who-we-share-with")
    entries = tuple(
        type(e)(**{**e.__dict__, "recipients": e.recipients - {Recipient.HOME_OFFICE}}) for e in CATALOGUE.entries
    )
    monkeypatch.setattr(catalogue, "CATALOGUE", Catalogue(entries=entries))
    assert "Home Office" not in text_of(client.get(reverse("web:privacy")).content.decode(), "who-we-share-with")


def test_a_catalogue_with_no_sensitive_data_needs_no_conditions():
    names = Catalogue(
        entries=tuple(e for e in CATALOGUE.entries if e.category == DataCategory.IDENTITY and not e.may_reveal)
    )
    notice = notice_build(controller=Controller("Testham", "DPO", "dpo@example.org"), catalogue=names)
    assert [c.code for c in notice.categories] == [DataCategory.IDENTITY]
    assert notice.special_conditions == () and notice.criminal_conditions == ()
    assert notice.free_text == ()
