"""Pseudonymised extracts: refused without the DPO's key or a DPO's approval; no names, contacts or free text; keyed
pseudonyms, birth month, postcode district; Parquet, CSV and a data dictionary; recorded as a disclosure."""

import csv
import datetime
import hashlib
import hmac

import duckdb
import pyarrow.parquet as pq
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cme.accounts.enums import Role
from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.people.models import Address, Child, Residence
from cme.privacy.models import Disclosure
from cme.reports.models import StudyExtract
from cme.reports.services import study_extract_create

KEY = "a-test-pseudonym-key-of-forty-characters!"


@pytest.fixture
def data(case_factory, child_factory, referral_factory):
    child = child_factory(
        given_name="Zebedee",
        family_name="Quatermass",
        date_of_birth=datetime.date(2015, 6, 21),
        ethnicity="WENG",
        sen_provision="E",
    )
    address = Address.objects.create(line1="1 Secret Lane", postcode="ZY3 9QQ")
    Residence.objects.create(address=address, child=child, valid_from=datetime.date(2020, 1, 1))
    case = case_factory(child=child)
    referral_factory(child=child, case=case)
    child_factory(given_name="Other", family_name="Child")
    return child, case


@pytest.mark.django_db
def test_no_key_no_extract(data, dpo, settings, tmp_path):
    settings.CME_PSEUDONYM_KEY = ""
    settings.CME_PSEUDONYM_KEY_FILE = ""
    with pytest.raises(ApplicationError, match="No pseudonym key"):
        study_extract_create(
            actor=dpo, approved_by=dpo, study="S", recipient="R", purpose="P", directory=tmp_path / "x"
        )
    settings.CME_PSEUDONYM_KEY = "short"
    with pytest.raises(ApplicationError, match="too short"):
        study_extract_create(
            actor=dpo, approved_by=dpo, study="S", recipient="R", purpose="P", directory=tmp_path / "x"
        )
    assert not (tmp_path / "x").exists() and not StudyExtract.objects.exists() and not Disclosure.objects.exists()


@pytest.mark.django_db
def test_only_a_data_protection_officer_approves(data, analyst, settings, tmp_path):
    settings.CME_PSEUDONYM_KEY = KEY
    with pytest.raises(ApplicationError, match="data protection officer"):
        study_extract_create(
            actor=analyst, approved_by=analyst, study="S", recipient="R", purpose="P", directory=tmp_path / "x"
        )


@pytest.mark.django_db
def test_the_extract_is_pseudonymised_documented_and_disclosed(data, dpo, settings, tmp_path):
    child, _ = data
    key_file = tmp_path / "pseudonym.key"
    key_file.write_text(KEY + "\n")
    settings.CME_PSEUDONYM_KEY = ""
    settings.CME_PSEUDONYM_KEY_FILE = str(key_file)
    extract = study_extract_create(
        actor=dpo,
        approved_by=dpo,
        study="Mobility and CME",
        recipient="University research team",
        purpose="How moving home relates to time missing education",
        directory=tmp_path / "extract",
    )
    folder = tmp_path / "extract"
    assert sorted(extract.files) == sorted(
        ["children.parquet", "children.csv", "cases.parquet", "cases.csv", "data-dictionary.csv"]
    )
    everything = "".join((folder / name).read_bytes().decode("latin-1") for name in extract.files)
    for secret in ("Zebedee", "Quatermass", "Secret Lane", "ZY3 9QQ", "2015-06-21", "Not seen at school"):
        assert secret not in everything
    children = pq.read_table(folder / "children.parquet").to_pylist()
    expected = hmac.new(KEY.encode(), f"child:{child.pk}".encode(), hashlib.sha256).hexdigest()[:24]
    row = next(row for row in children if row["child_pseudonym"] == expected)
    assert row["birth_month"] == "2015-06" and row["postcode_district"] == "ZY3"
    assert row["ethnic_group"] == "White" and row["sen_provision"] == "Education, health and care plan"
    assert row["cases"] == 1
    with (folder / "cases.csv").open() as handle:
        cases = list(csv.DictReader(handle))
    assert cases[0]["child_pseudonym"] == expected and cases[0]["referral_source"] == "A school"
    with (folder / "data-dictionary.csv").open() as handle:
        dictionary = {(r["table"], r["column"]) for r in csv.DictReader(handle)}
    assert ("children", "birth_month") in dictionary and ("cases", "dfe_reason") in dictionary
    # The DuckDB query the docs show runs over the files as written.
    joined = duckdb.sql(
        f"SELECT c.ethnic_group, count(*) AS cases FROM '{folder}/cases.parquet' k "  # noqa: S608 - our own path
        f"JOIN '{folder}/children.parquet' c USING (child_pseudonym) GROUP BY ALL"
    ).fetchall()
    assert joined == [("White", 1)]

    disclosure = Disclosure.objects.get()
    assert disclosure.organisation == "University research team" and disclosure.purpose == "analytics"
    assert dpo.display_name in disclosure.description and "How moving home" in disclosure.description
    assert disclosure.cause_id == extract.pk
    # Pseudonymised, but about every child in it: subject access finds the extract from each child.
    assert sorted(disclosure.subjects.values_list("subject_id", flat=True)) == sorted(
        Child.objects.values_list("pk", flat=True)
    )
    assert AuditEntry.objects.filter(event="export", target_type="reports.studyextract").exists()


@pytest.mark.django_db
def test_the_command_and_the_analyst_download(data, dpo, analyst, settings, tmp_path, sign_in, capsys):
    settings.CME_PSEUDONYM_KEY = KEY
    with pytest.raises(CommandError, match="approved by the data protection officer"):
        call_command(
            "report", "extract", "--study", "S", "--recipient", "R", "--purpose", "P",
            "--approved-by", analyst.username, "--output", str(tmp_path / "bad"),
        )  # fmt: skip
    call_command(
        "report", "extract", "--study", "S", "--recipient", "R", "--purpose", "P",
        "--approved-by", dpo.username, "--output", str(tmp_path / "out"),
    )  # fmt: skip
    assert "Recorded in the disclosure log" in capsys.readouterr().out
    extract = StudyExtract.objects.get()
    client = sign_in(analyst)
    assert "Create an extract" not in client.get(reverse("web:reports:extracts")).content.decode()
    response = client.get(reverse("web:reports:extract-file", args=[extract.pk, "children.csv"]))
    assert response.status_code == 200
    assert b"child_pseudonym" in b"".join(response.streaming_content)
    entry = AuditEntry.objects.filter(event="export", actor_id=analyst.pk).get()
    assert '"rows":2' in entry.payload.replace(" ", "")
    assert client.get(reverse("web:reports:extract-file", args=[extract.pk, "secret.txt"])).status_code == 404
    assert analyst.role == Role.ANALYST


@pytest.mark.django_db
def test_the_dpo_approves_an_extract_on_its_page_and_is_named_as_approver(data, dpo, settings, tmp_path, sign_in):
    settings.CME_PSEUDONYM_KEY = KEY
    settings.CME_EXTRACT_ROOT = tmp_path / "extracts"
    client = sign_in(dpo)
    response = client.post(
        reverse("web:reports:extract-create"),
        {"study": "Attendance study", "recipient": "Public health", "purpose": "Who goes missing, and for how long"},
    )
    assert response.status_code == 302
    extract = StudyExtract.objects.get()
    assert extract.approved_by == dpo and extract.children == 2
    assert "Attendance study" in client.get(reverse("web:reports:extracts")).content.decode()


@pytest.mark.django_db
def test_without_the_key_the_page_says_so_and_writes_nothing(data, dpo, settings, sign_in):
    settings.CME_PSEUDONYM_KEY = ""
    settings.CME_PSEUDONYM_KEY_FILE = ""
    response = sign_in(dpo).post(
        reverse("web:reports:extract-create"), {"study": "S", "recipient": "R", "purpose": "P"}
    )
    assert response.status_code == 200
    assert "No pseudonym key is set" in response.content.decode()
    assert not StudyExtract.objects.exists() and not Disclosure.objects.exists()


@pytest.mark.django_db
def test_the_daily_task_keeps_todays_population_baseline(enrolment_factory):
    from cme.reports.models import PopulationBaseline
    from cme.reports.tasks import population_baseline_daily

    enrolment_factory()
    assert population_baseline_daily.call() == 1
    assert PopulationBaseline.objects.get().children == 1
