"""Checking and normalising identifiers of people (UPN, NHS number, postcode, UPRN, phone), with plain errors."""

import re

import nhs_number
import phonenumbers
from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_errors
from stdnum.gb import upn as stdnum_upn

UPN_FORMAT_ERROR = "Enter a UPN in the correct format, like A123456789012"
UPN_CHECK_LETTER_ERROR = "The UPN check letter is wrong"
NHS_NUMBER_FORMAT_ERROR = "Enter a 10-digit NHS number"
NHS_NUMBER_CHECK_ERROR = "The NHS number is not valid (check digit)"
NHS_NUMBER_INVALID_ERROR = "The NHS number is not valid"
POSTCODE_ERROR = "Enter a real postcode, like ZY1 2AB"
UPRN_ERROR = "Enter a UPRN of up to 12 digits, like 100023336956"
PHONE_ERROR = "Enter a telephone number, like 01632 960 001 or 07700 900 982"

# Permanent `A999999999999` or temporary `A99999999999A` (domain.md 8.1); I, O and S are never used as letters.
_UPN = re.compile(r"^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$")
# The standard UK postcode pattern (outward code, space, inward code), including the Girobank GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR 0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY]) "
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)
_WHITESPACE = re.compile(r"\s+")
_NHS_SEPARATORS = re.compile(r"[\s-]+")


def upn_clean(value: str) -> str:
    """Return the UPN without spaces in capitals, or raise ValidationError.

    python-stdnum checks the format and the mod-23 check letter, but it also refuses LA numbers missing from its
    January 2011 list. LA numbers have been created since (940 and 941 in 2021, 942 and 943 in 2023), and an officer
    may genuinely receive a UPN issued in one of them, so an unknown LA number is accepted when the check letter is
    right: the check letter is what shows the UPN was copied correctly.

    >>> upn_clean("b801 2000 05001")
    'B801200005001'
    """
    number = _WHITESPACE.sub("", value).upper()
    if not _UPN.fullmatch(number):
        raise ValidationError(UPN_FORMAT_ERROR, code="upn_format")
    try:
        return stdnum_upn.validate(number)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(UPN_CHECK_LETTER_ERROR, code="upn_check_letter") from None
    except stdnum_errors.InvalidComponent:
        # stdnum checks the LA number before the check letter, so the letter has not been checked yet.
        if stdnum_upn.calc_check_digit(number[1:]) != number[0]:
            raise ValidationError(UPN_CHECK_LETTER_ERROR, code="upn_check_letter") from None
        return number
    except stdnum_errors.ValidationError:
        raise ValidationError(UPN_FORMAT_ERROR, code="upn_format") from None


def nhs_number_clean(value: str) -> str:
    """Return the NHS number as 10 digits (spaces and hyphens removed), or raise ValidationError.

    >>> nhs_number_clean("943 476 5919")
    '9434765919'
    """
    digits = _NHS_SEPARATORS.sub("", value)
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit()):
        raise ValidationError(NHS_NUMBER_FORMAT_ERROR, code="nhs_number_format")
    if nhs_number.calculate_checksum(digits[:9]) != int(digits[9]):
        raise ValidationError(NHS_NUMBER_CHECK_ERROR, code="nhs_number_check_digit")
    # The check digit is right; the library also refuses, for example, a Scottish CHI number that encodes no date.
    if not nhs_number.is_valid(digits):
        raise ValidationError(NHS_NUMBER_INVALID_ERROR, code="nhs_number_invalid")
    return digits


def postcode_clean(value: str) -> str:
    """Return the postcode in capitals with one space before the inward code, or raise ValidationError.

    >>> postcode_clean(" zy12ab ")
    'ZY1 2AB'
    """
    compact = _WHITESPACE.sub("", value).upper()
    postcode = f"{compact[:-3]} {compact[-3:]}"
    if not (5 <= len(compact) <= 7 and _POSTCODE.fullmatch(postcode)):
        raise ValidationError(POSTCODE_ERROR, code="postcode")
    return postcode


def uprn_clean(value: str) -> str:
    """Return the UPRN as 1 to 12 digits without leading zeros, or raise ValidationError.

    A UPRN is a number, but exports often pad it with zeros to 12 digits; storing one form means the same property
    always compares equal.

    >>> uprn_clean("010023336956")
    '10023336956'
    """
    digits = _WHITESPACE.sub("", value)
    if not (digits.isascii() and digits.isdigit()):
        raise ValidationError(UPRN_ERROR, code="uprn")
    digits = digits.lstrip("0")
    if not 1 <= len(digits) <= 12:
        raise ValidationError(UPRN_ERROR, code="uprn")
    return digits


def phone_to_e164(value: str) -> str:
    """Return the telephone number in E.164 (`+441632960001`), read as a UK number unless it starts with `+`.

    We accept a number the library can parse and finds possible (right length for its country and kind), rather
    than only numbers it calls valid: its list of allocated ranges lags Ofcom's, and it calls Ofcom's drama ranges
    (07700 900xxx, 01632 960xxx) invalid although they are what synthetic records use. Numbers that could only be
    dialled locally ("0123") or are too long or short are refused.

    >>> phone_to_e164("07700 900 982")
    '+447700900982'
    """
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_ERROR, code="phone") from None
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValidationError(PHONE_ERROR, code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Model field validators: Django serialises them into migrations by import path, so they are plain functions.


def validate_upn(value: str) -> None:
    upn_clean(value)


def validate_nhs_number(value: str) -> None:
    nhs_number_clean(value)


def validate_postcode(value: str) -> None:
    postcode_clean(value)


def validate_uprn(value: str) -> None:
    uprn_clean(value)


def validate_phone(value: str) -> None:
    phone_to_e164(value)
