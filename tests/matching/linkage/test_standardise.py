"""Standardising names, dates of birth, postcodes, UPRNs, addresses and identifiers before linkage."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cme.matching.linkage import standardise as std

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("  O'Brien ", "obrien"),
        ("NOWAK", "nowak"),
        ("Wiśniewski", "wisniewski"),
        ("Łukasz", "lukasz"),
        ("Santos-da-Silva", "santos da silva"),
        ("Ní Dhónaill", "ni dhonaill"),
        ("n/a", ""),
        (None, ""),
    ],
)
def test_names_are_folded_to_lower_case_without_accents_or_punctuation(typed, clean):
    assert std.name_clean(typed) == clean


@pytest.mark.parametrize(
    ("typed", "given", "known_as"),
    [
        ("William (Billy)", "William", "Billy"),
        ('Oluwaseun "Seun"', "Oluwaseun", "Seun"),
        ("Jo known as Joanna", "Jo", "Joanna"),
        ("Katarzyna aka Kasia", "Katarzyna", "Kasia"),
        ("Amy", "Amy", ""),
    ],
)
def test_a_known_as_name_written_into_the_given_name_is_separated(typed, given, known_as):
    assert std.given_name_split(typed) == (given, known_as)


def test_a_known_as_name_joins_the_given_names_family_of_forms():
    assert {"william", "billy"} <= set(std.given_name_standardise("William (Billy)").family)
    assert "kasia" in std.given_name_standardise("Katarzyna", known_as="Kasia").family


def test_transliterations_share_a_canonical_spelling_and_nicknames_share_a_family():
    assert std.given_name_standardise("Muhammad").canonical == std.given_name_standardise("Mohammed").canonical
    assert set(std.given_name_standardise("Billy").family) & set(std.given_name_standardise("William").family)
    assert not set(std.given_name_standardise("Billy").family) & set(std.given_name_standardise("Oliver").family)


def test_hyphenated_and_double_surnames_are_split_into_their_parts():
    assert std.family_name_standardise("Ali-Hassan").parts == ("ali", "hassan")
    assert std.family_name_standardise("Ali Hassan").joined == std.family_name_standardise("ALI-HASSAN").joined
    assert std.family_name_standardise("Santos da Silva").parts == ("santos", "silva")
    assert std.family_name_standardise("").parts == ()


@pytest.mark.parametrize(
    "typed",
    [
        "2015-03-04",
        "2015-03-04T00:00:00",
        "2015-03-04 00:00:00",
        "20150304",
        "04/03/2015",
        "4/3/2015",
        "4/3/15",
        "04-03-2015",
        "04.03.2015",
        "4 Mar 2015",
        "4th March 2015",
        "04-Mar-15",
        "2015/03/04",
        "42067",
        "42067.0",
        "04/03/2015 00:00",
    ],
)
def test_dates_of_birth_in_the_formats_councils_send_are_read_day_first(typed):
    assert std.date_of_birth_parse(typed, today=TODAY) == date(2015, 3, 4)


def test_a_two_digit_year_is_the_latest_year_not_in_the_future():
    assert std.date_of_birth_parse("01/01/26", today=TODAY) == date(2026, 1, 1)
    assert std.date_of_birth_parse("30/11/26", today=TODAY) == date(1926, 11, 30)
    assert std.date_of_birth_parse("01/01/27", today=TODAY) == date(1927, 1, 1)
    assert std.date_of_birth_parse("31/12/98", today=TODAY) == date(1998, 12, 31)


@pytest.mark.parametrize(
    "typed", ["31/02/2015", "13/13/2015", "2015-3", "yesterday", "03/25/2015", "123", "2015-02-30"]
)
def test_an_unreadable_date_of_birth_is_refused_with_the_value_and_a_reason(typed):
    with pytest.raises(std.StandardisationError, match="date of birth we can read"):
        std.date_of_birth_parse(typed, today=TODAY)


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(std.StandardisationError, match="future"):
        std.date_of_birth_parse("2027-01-01", today=TODAY)


def test_a_blank_date_of_birth_is_none():
    assert std.date_of_birth_parse("  ", today=TODAY) is None
    assert std.date_of_birth_parse("Not known", today=TODAY) is None


@given(st.dates(min_value=date(1990, 1, 1), max_value=TODAY))
def test_every_date_reads_back_from_iso_uk_and_compact_forms(born):
    for typed in (born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%Y%m%d"), born.strftime("%d %b %Y")):
        assert std.date_of_birth_parse(typed, today=TODAY) == born


def test_day_and_month_swapped_is_offered_only_when_it_is_another_date():
    assert std.date_of_birth_swapped(date(2015, 3, 4)) == "2015-04-03"
    assert std.date_of_birth_swapped(date(2015, 3, 14)) == ""
    assert std.date_of_birth_swapped(date(2015, 3, 3)) == ""
    assert std.date_of_birth_swapped(None) == ""


def test_a_postcode_is_normalised_with_its_sector_and_district():
    postcode = std.postcode_standardise(" zy12ab ")
    assert (postcode.full, postcode.outward, postcode.inward) == ("ZY1 2AB", "ZY1", "2AB")
    assert (postcode.sector, postcode.district, postcode.area) == ("ZY1 2", "ZY1", "ZY")
    assert std.postcode_standardise("EC1A 1BB").sector == "EC1A 1"


@given(
    st.sampled_from(["ZY1 2AB", "EC1A 1BB", "W1A 0AX", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"]),
    st.sampled_from(["", " ", "  "]),
    st.booleans(),
)
def test_a_postcode_typed_with_any_spacing_or_case_standardises_the_same(postcode, spacing, lower):
    outward, inward = postcode.split(" ")
    typed = f" {outward}{spacing}{inward} "
    assert std.postcode_standardise(typed.lower() if lower else typed).full == postcode


def test_a_postcode_from_elsewhere_is_kept_for_exact_comparison_without_parts():
    assert std.postcode_standardise("4223") == std.Postcode("4223")
    assert std.postcode_standardise("") == std.Postcode("")


@pytest.mark.parametrize(
    ("typed", "uprn"), [("010023336956", "10023336956"), ("10023336956.0", "10023336956"), ("", "")]
)
def test_a_uprn_is_digits_without_leading_zeros(typed, uprn):
    assert std.uprn_standardise(typed) == uprn


@pytest.mark.parametrize("typed", ["ABC123", "1234567890123", "12-34"])
def test_something_that_is_not_a_uprn_is_refused(typed):
    with pytest.raises(std.StandardisationError, match="not a UPRN"):
        std.uprn_standardise(typed)


def test_an_address_has_abbreviations_spelt_out_and_the_postcode_left_out():
    address = std.address_standardise("Flat 3, 12a Acacia Rd., ZY1 2AB", "ZY1 2AB")
    assert address.clean == "flat 3 12a acacia road"
    assert address.numbers == ("12a", "3")
    assert std.address_standardise("12A ACACIA ROAD").clean == std.address_standardise("12a Acacia Rd").clean


def test_an_address_gives_keys_for_pairing_records_the_first_number_and_street_word():
    address = std.address_standardise("Flat 3, 12a Acacia Rd")
    assert (address.number, address.street) == ("3", "acac")
    assert std.address_standardise("House of Acacia").street == "acac"
    assert std.address_standardise("").number == ""


def test_identifiers_lose_spaces_and_zero_placeholders():
    assert std.identifier_standardise("943 476 5919") == "9434765919"
    assert std.identifier_standardise("b801-2000-05001") == "B801200005001"
    assert std.identifier_standardise("0000000000") == ""
    assert std.identifier_standardise("N/A") == ""


def test_sex_is_one_letter_when_it_is_female_or_male():
    assert [std.sex_standardise(v) for v in ("Female", "m", "BOY", "x", "")] == ["F", "M", "M", "X", ""]
