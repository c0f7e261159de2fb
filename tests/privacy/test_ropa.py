"""The record of processing activities (UK GDPR Art. 30): the DPO's page and downloads, built from the catalogue."""

import csv
import io
import itertools
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cme.council.services import council_settings_update
from cme.privacy.catalogue import CATALOGUE, PURPOSES
from cme.privacy.enums import Purpose
from cme.privacy.notice import ACTIVITY_COLUMNS, FIELD_COLUMNS, RETENTION_COLUMNS, Controller, ropa_build, ropa_csv
from tests.conftest import ROLE_FIXTURES

pytestmark = pytest.mark.django_db

URL_NAMES = ("web:privacy:ropa", "web:privacy:ropa-csv", "web:privacy:ropa-xlsx")
NOT_DPO = sorted(set(ROLE_FIXTURES) - {"dpo"})


@pytest.fixture
def dpo_client(sign_in, dpo, sysadmin):
    council_settings_update(
        actor=sysadmin, council_name="Borough of Testham", dpo_name="Dana Protheroe", dpo_email="dpo@testham.example"
    )
    return sign_in(dpo)


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_only_the_dpo_holds_the_permission_to_view_the_record(request):
    holders = {name for name in ROLE_FIXTURES if request.getfixturevalue(name).has_perm("privacy.view_ropa")}
    assert holders == {"dpo"}


@pytest.mark.parametrize("role", NOT_DPO)
@pytest.mark.parametrize("url_name", URL_NAMES)
def test_every_other_role_is_refused(request, sign_in, role, url_name):
    client = sign_in(request.getfixturevalue(role))
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("url_name", URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:sign-in"))


def test_the_dpo_sees_every_processing_activity_on_the_page(dpo_client):
    response = dpo_client.get(reverse("web:privacy:ropa"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record of processing activities" in page and "Dana Protheroe, dpo@testham.example" in page
    for purpose in Purpose:
        assert f'id="activity-{purpose.value}"' in page
    assert f'href="{reverse("web:privacy:ropa-csv")}"' in page and f'href="{reverse("web:privacy:ropa-xlsx")}"' in page
    assert "people.Child.ethnicity" in page
    assert "None. cme sends no personal data outside the UK" in page
    main = page[page.index('id="main-content"') :]
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", main)]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))


def test_the_dpo_downloads_the_activities_as_csv(dpo_client):
    response = dpo_client.get(reverse("web:privacy:ropa-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="record-of-processing-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    header, *rows = csv_rows(response)
    assert tuple(header) == ACTIVITY_COLUMNS
    assert [row[0] for row in rows] == [PURPOSES[p].label for p in Purpose]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    for row in by_name.values():
        assert row["Controller"] == "Borough of Testham"
        assert row["Data protection officer"] == "Dana Protheroe, dpo@testham.example"
        assert row["Transfers outside the UK"].startswith("None")
        for measure in ("Encryption of the most sensitive information", "Access by role", "Two-step sign-in"):
            assert measure in row["Security measures"]
        assert "A record of who did what" in row["Security measures"]
    equality = by_name[PURPOSES[Purpose.EQUAL_OPPORTUNITIES].label]
    assert "Sch. 1 para 8" in equality["Condition for special category data (Art. 9; DPA 2018 Sch. 1)"]
    assert "Ethnic background" in equality["Special category data"]
    assert equality["Criminal offence data"] == "None"
    assert equality["Recipients"] == "None: used only within the service"
    assert "Equality Act 2010, section 149" in equality["Legislation"]
    safeguarding = by_name[PURPOSES[Purpose.SAFEGUARDING].label]
    assert "para 18" in safeguarding["Condition for criminal offence data (Art. 10; DPA 2018 Sch. 1)"]
    assert "extended by para 36" in safeguarding["Condition for criminal offence data (Art. 10; DPA 2018 Sch. 1)"]
    assert "Home Office" in safeguarding["Recipients"] and "Police" in safeguarding["Recipients"]
    assert "Until the child's 25th birthday" in safeguarding["Retention"]
    assert safeguarding["Appropriate policy document"].startswith("Needed")
    locate = by_name[PURPOSES[Purpose.LOCATE].label]
    assert "Legal obligation (UK GDPR Art. 6(1)(c))" in locate["Lawful basis (UK GDPR Art. 6)"]
    assert "Education Act 1996, section 436A" in locate["Legislation"]
    assert "Housing" in locate["Sources"] and "Council tax" in locate["Sources"]


def test_the_dpo_downloads_the_whole_record_as_a_workbook(dpo_client):
    response = dpo_client.get(reverse("web:privacy:ropa-xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["Processing activities", "Personal data fields", "Retention rules"]
    activities = list(workbook["Processing activities"].iter_rows(values_only=True))
    assert activities[0] == ACTIVITY_COLUMNS
    assert [row[0] for row in activities[1:]] == [PURPOSES[p].label for p in Purpose]
    assert all(row[2] == "Borough of Testham" for row in activities[1:])
    fields = list(workbook["Personal data fields"].iter_rows(values_only=True))
    assert fields[0] == FIELD_COLUMNS
    assert len(fields) - 1 == len(CATALOGUE.entries)
    by_key = {(row[0], row[1]): dict(zip(FIELD_COLUMNS, row, strict=True)) for row in fields[1:]}
    ethnicity = by_key[("people.Child", "ethnicity")]
    assert ethnicity["Special category (Art. 9)"] == "Yes" and ethnicity["Encrypted at rest"] == "Yes"
    assert "Sch. 1 para 8" in ethnicity["Art. 9 condition"]
    note = by_key[("cases.Note", "text")]
    assert note["Free text"] == "Yes" and note["Criminal offence data (Art. 10)"] == "Yes"
    assert by_key[("people.Child", "given_name")]["Special category (Art. 9)"] == "No"
    retention = list(workbook["Retention rules"].iter_rows(values_only=True))
    assert retention[0] == RETENTION_COLUMNS
    assert retention[1][:2] == ("child_record", "The child's record") and retention[1][5] == "25"


def test_a_setting_that_looks_like_a_formula_is_written_as_text():
    ropa = ropa_build(controller=Controller(name='=HYPERLINK("http://evil.example")', dpo_name="-1", dpo_email="d@x"))
    header, first, *_ = csv.reader(io.StringIO(ropa_csv(ropa)))
    row = dict(zip(header, first, strict=True))
    assert row["Controller"].startswith("'=") and row["Data protection officer"].startswith("'-1")


def test_each_activity_lists_only_what_its_fields_hold():
    ropa = ropa_build(controller=Controller(name="Testham", dpo_name="DPO", dpo_email="dpo@example.org"))
    by_code = {activity.code: activity for activity in ropa.activities}
    staff = by_code[Purpose.STAFF_TRAINING]
    assert "Accounts of people who use the system" not in staff.categories  # staff accounts are not training material
    assert staff.recipients == ()
    running = by_code[Purpose.ADMINISTER_SERVICE]
    assert "Accounts of people who use the system" in running.categories
    assert "People who use the system (council, school and partner agency staff)" in running.data_subjects
