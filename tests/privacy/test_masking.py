"""Special-category and criminal-offence fields are masked for roles not cleared for them (issue 4, point 3)."""

import pytest

from cme.api.v1.people import child_data
from cme.people.models import Child
from cme.privacy import catalogue
from cme.privacy.masking import may_see_sensitive, sensitive_field_names
from tests.conftest import ROLE_FIXTURES

pytestmark = pytest.mark.django_db

CLEARED = {"officer", "manager"}


def test_the_fields_masked_are_the_ones_the_catalogue_marks_special_or_criminal():
    marked = {entry.field for entry in catalogue.entries_for_model(Child) if entry.is_special or entry.is_criminal}
    assert sensitive_field_names(Child) == marked
    assert {"ethnicity", "sen_provision", "looked_after", "child_protection_plan"} <= marked


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_only_caseworkers_are_cleared_for_special_category_data(request, role):
    assert may_see_sensitive(request.getfixturevalue(role)) is (role in CLEARED)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_a_childs_record_shows_sensitive_values_only_to_cleared_roles(request, role, child_factory):
    child = child_factory(ethnicity="WBRI", sen_provision="E", looked_after=True, first_language="English")
    shown = child_data(child, user=request.getfixturevalue(role))
    if role in CLEARED:
        assert (shown["ethnicity"], shown["sen_provision"], shown["looked_after"]) == ("WBRI", "E", True)
    else:
        assert all(shown[name] is None for name in sensitive_field_names(Child))
    assert shown["first_language"] == "English"  # not special category: never masked
    assert shown["given_name"] == child.given_name
