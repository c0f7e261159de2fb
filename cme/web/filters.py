"""Reading a list page's filters from its query string: a value that is not one the filter offers is ignored.

A filter is a link or a select the page itself offers, so a value outside it was typed or tampered with by hand;
the page then shows the list unfiltered rather than an error (or a 500: `"²".isdigit()` is true but `int("²")`
fails, and a number too large for the database column fails the query).
"""

import re

from django.http import QueryDict

# Record ids and codes fit a 32-bit column in every database the service runs on.
LARGEST_ID = 2**31 - 1


def int_param(params: QueryDict, name: str, *, minimum: int = 1, maximum: int = LARGEST_ID) -> int | None:
    """The whole number `params[name]` (ASCII digits, optional minus) when within [minimum, maximum], else None."""
    text = params.get(name, "").strip()
    if not re.fullmatch(r"-?[0-9]{1,10}", text, re.ASCII):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def choice_param(params: QueryDict, name: str, choices, default: str = "") -> str:
    """`params[name]` when it is one of `choices` (values, or (value, label) pairs), else `default`."""
    value = params.get(name, default)
    values = {choice[0] if isinstance(choice, tuple | list) else choice for choice in choices}
    return value if value in values else default


def text_param(params: QueryDict, name: str, *, max_length: int = 100) -> str:
    """Free text to search for, without the NUL characters PostgreSQL refuses, and no longer than `max_length`."""
    return params.get(name, "").replace("\x00", "").strip()[:max_length]
