"""Identifier checks: what an officer may type, the one form we store, and the reason given for a refusal."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from cme.people.identifiers import (
    NHS_NUMBER_CHECK_ERROR,
    NHS_NUMBER_FORMAT_ERROR,
    PHONE_ERROR,
    POSTCODE_ERROR,
    UPN_CHECK_LETTER_ERROR,
    UPN_FORMAT_ERROR,
    UPRN_ERROR,
    nhs_number_clean,
    phone_to_e164,
    postcode_clean,
    upn_clean,
    uprn_clean,
    validate_nhs_number,
    validate_upn,
)
from cme.people.models import Child

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _refusal(clean, value) -> str:
    with pytest.raises(ValidationError) as refused:
        clean(value)
    return refused.value.messages[0]


# -- UPN -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("B801200005001", "B801200005001"),  # python-stdnum's own example
        ("b801 2000 05001", "B801200005001"),
        ("R938201512345", "R938201512345"),  # domain.md 8.1 worked example
        ("M80120000500A", "M80120000500A"),  # a temporary UPN: a letter in place of the last digit
    ],
)
def test_a_upn_is_stored_without_spaces_in_capitals(typed, stored):
    assert upn_clean(typed) == stored


def test_a_upn_with_the_wrong_check_letter_is_refused_as_such():
    assert _refusal(upn_clean, "A801200005001") == UPN_CHECK_LETTER_ERROR


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "B80120000500",  # too short
        "B8012000050011",  # too long
        "I801200005001",  # I is never a check letter
        "B80120000A001",  # a letter inside the digits
        "1801200005001",  # no check letter
        "UN1",  # the SSDA903 "UPN not known" placeholder
        "B80120000500I",
        "B٨01200005001",  # an Arabic-Indic digit: a digit to Python, not in a UPN
    ],
)
def test_a_upn_in_the_wrong_format_is_refused_with_an_example(typed):
    assert _refusal(upn_clean, typed) == UPN_FORMAT_ERROR


def test_a_upn_from_an_la_number_newer_than_stdnums_list_is_accepted_when_its_check_letter_is_right():
    # 940 is North Northamptonshire (2021): python-stdnum's January 2011 list does not know it.
    body = "940123425001"
    assert not stdnum_upn.is_valid(stdnum_upn.calc_check_digit(body) + body)
    assert upn_clean(stdnum_upn.calc_check_digit(body) + body) == stdnum_upn.calc_check_digit(body) + body


def test_a_upn_from_an_unknown_la_number_with_the_wrong_check_letter_is_still_refused():
    body = "940123425001"
    wrong = next(letter for letter in CHECK_LETTERS if letter != stdnum_upn.calc_check_digit(body))
    assert _refusal(upn_clean, wrong + body) == UPN_CHECK_LETTER_ERROR


@given(body=st.from_regex(r"\A[0-9]{11}[0-9A-HJ-NP-RT-Z]\Z"))
def test_any_upn_body_with_its_computed_check_letter_is_accepted_and_any_other_letter_refused(body):
    right = stdnum_upn.calc_check_digit(body)
    assert upn_clean(right + body) == right + body
    for letter in CHECK_LETTERS.replace(right, "")[:3]:
        with pytest.raises(ValidationError):
            upn_clean(letter + body)


# -- NHS number ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_an_nhs_number_is_stored_as_ten_digits(typed):
    assert nhs_number_clean(typed) == "9434765919"


def test_an_nhs_number_with_the_wrong_check_digit_is_refused_as_such():
    assert _refusal(nhs_number_clean, "9434765918") == NHS_NUMBER_CHECK_ERROR


def test_an_nhs_number_whose_check_digit_would_be_ten_is_refused():
    # 000000060: 6 x 2 = 12; 12 mod 11 = 1; 11 - 1 = 10, which no digit can be.
    assert _refusal(nhs_number_clean, "0000000601") == NHS_NUMBER_CHECK_ERROR


@pytest.mark.parametrize("typed", ["", "943476591", "94347659190", "943476591X", "９４３４７６５９１９"])
def test_an_nhs_number_that_is_not_ten_digits_is_refused_with_the_format(typed):
    assert _refusal(nhs_number_clean, typed) == NHS_NUMBER_FORMAT_ERROR


# -- Postcode and UPRN ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("zy1 2ab", "ZY1 2AB"), ("ZY12AB", "ZY1 2AB"), (" sw1a  1aa ", "SW1A 1AA"), ("ec1a1bb", "EC1A 1BB")],
)
def test_a_postcode_is_stored_in_capitals_with_one_space(typed, stored):
    assert postcode_clean(typed) == stored


@pytest.mark.parametrize("typed", ["", "ZY1", "QY1 2AB", "ZY1 2AC", "ZY1 2A", "12345", "ZY1 2ABC"])
def test_a_string_that_is_not_a_postcode_is_refused(typed):
    assert _refusal(postcode_clean, typed) == POSTCODE_ERROR


@pytest.mark.parametrize(
    ("typed", "stored"), [("100023336956", "100023336956"), ("000010023336", "10023336"), ("7", "7")]
)
def test_a_uprn_is_stored_as_digits_without_padding(typed, stored):
    assert uprn_clean(typed) == stored


@pytest.mark.parametrize("typed", ["", "0", "1000233369561", "10002333695A", "-12"])
def test_a_uprn_that_is_not_one_to_twelve_digits_is_refused(typed):
    assert _refusal(uprn_clean, typed) == UPRN_ERROR


# -- Telephone numbers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900982", "+447700900982"),  # Ofcom drama range: libphonenumber calls it invalid
        ("07700 900000", "+447700900000"),
        ("07700 900999", "+447700900999"),
        ("01632 960 001", "+441632960001"),
        ("0113 496 0123", "+441134960123"),
        ("020 7946 0999", "+442079460999"),
        ("0191 498 0123", "+441914980123"),
        ("028 9649 6123", "+442896496123"),
        ("029 2018 0123", "+442920180123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("07700-900-123", "+447700900123"),
        ("+33 1 23 45 67 89", "+33123456789"),  # a parent abroad
    ],
)
def test_a_telephone_number_is_stored_in_e164(typed, stored):
    assert phone_to_e164(typed) == stored


@pytest.mark.parametrize("typed", ["", "hello", "999", "0123", "07700 9009821", "12345678901234567", "1"])
def test_something_that_cannot_be_a_telephone_number_is_refused(typed):
    assert _refusal(phone_to_e164, typed) == PHONE_ERROR


# -- Model validators ----------------------------------------------------------------------------------------------


def test_model_fields_use_the_identifier_checks():
    assert validate_upn in Child._meta.get_field("upn").validators
    assert validate_nhs_number in Child._meta.get_field("nhs_number").validators
    with pytest.raises(ValidationError, match="check letter"):
        validate_upn("A801200005001")
