"""`cme import returns FILE.csv` and `cme import ctf FILE.xml`: exit 0 imported, 1 rows wrong (nothing written), 2
file refused."""

import datetime

import pytest

from cme.schools.models import RollReturn

from .returns_files import CtfPupil, make_csv, make_ctf, make_upn, return_row
from .test_import_command import keep_the_test_connection, run_cme  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 10, 0), tick=False)


@pytest.fixture
def school(school_factory):
    return school_factory(urn=100001, la_code="888", establishment_number="2001")


def test_a_clean_csv_is_imported_with_exit_status_0_and_again_adds_nothing(tmp_path, school):
    path = tmp_path / "returns.csv"
    path.write_bytes(make_csv([return_row(school_urn=school.urn, serial=n) for n in (1, 2)]))

    status, out, err = run_cme("import", "returns", str(path))
    again_status, again_out, _ = run_cme("import", "returns", str(path))

    assert (status, err) == (0, "")
    assert "Returns: 2 created, 0 already held." in out
    assert again_status == 0
    assert "Returns: 0 created, 2 already held (this file was imported before)." in again_out
    assert RollReturn.objects.count() == 2


def test_a_csv_with_a_bad_row_exits_1_lists_it_and_writes_nothing(tmp_path, school):
    path = tmp_path / "returns.csv"
    path.write_bytes(make_csv([return_row(school_urn=school.urn), return_row(school_urn=school.urn, upn="A12")]))

    status, out, err = run_cme("import", "returns", str(path))

    assert status == 1
    assert "line 3, upn: Enter a UPN in the correct format" in err
    assert "Nothing was written" in out
    assert RollReturn.objects.count() == 0


def test_a_ctf_is_imported_and_a_broken_one_is_refused_with_exit_status_2(tmp_path, school):
    good, broken = tmp_path / "pupils.xml", tmp_path / "broken.xml"
    good.write_bytes(make_ctf([CtfPupil(make_upn(serial=n)) for n in (1, 2, 3)], dest=("XXX", "XXXX")))
    broken.write_bytes(b"<CTfile><Header>")

    status, out, _ = run_cme("import", "ctf", str(good))
    broken_status, _, broken_err = run_cme("import", "ctf", str(broken))

    assert (status, broken_status) == (0, 2)
    assert "Returns: 3 created" in out
    assert "not well-formed XML" in broken_err
    assert RollReturn.objects.filter(kind="lost_pupil").count() == 3


def test_a_missing_file_is_refused_with_exit_status_2(tmp_path):
    status, _, err = run_cme("import", "ctf", str(tmp_path / "nothing.xml"))

    assert status == 2
    assert "cannot be read" in err
