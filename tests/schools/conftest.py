"""Fixtures for the school register tests: the demo borough's 40 schools as records, GIAS rows and a GIAS file."""

from pathlib import Path

import pytest

from cme.demo.generator import SchoolRecord, generate_borough
from cme.demo.gias import gias_row, write_gias_csv


@pytest.fixture(scope="session")
def register_schools() -> list[SchoolRecord]:
    # No children: only the register is needed, and the schools do not depend on them.
    return generate_borough(children=0).schools


@pytest.fixture
def register_rows(register_schools) -> list[dict[str, str]]:
    """The schools as GIAS rows (column -> cell), ready to be spoilt one cell at a time."""
    return [gias_row(school) for school in register_schools]


@pytest.fixture
def register_file(tmp_path, register_schools) -> Path:
    path = tmp_path / "edubasealldata20261101.csv"
    write_gias_csv(register_schools, path)
    return path
