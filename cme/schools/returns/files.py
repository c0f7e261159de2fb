"""What the two bulk formats have in common: where a problem is, the parsed returns, and a refused file."""

from dataclasses import dataclass, field
from typing import Any

from cme.common.errors import ApplicationError


class ReturnFileRejected(ApplicationError):
    """The file as a whole cannot be read (not CSV or XML, no header, a version cme does not read); nothing written."""


@dataclass(frozen=True)
class ReturnError:
    """One problem: `where` is "line 7, upn" in a CSV or an element path such as /CTfile/CTFpupilData/Pupil[3]/UPN."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParsedReturn:
    """One return read from a file: RollReturn values, and how its school was named (URN, or LA/establishment)."""

    where: str
    values: dict[str, Any]
    school_urn: int | None = None
    school_laestab: tuple[str, str] | None = None
    # A CTF sent to a school in the register from one outside it (a pupil moving into the area) is that school's.
    fallback_laestab: tuple[str, str] | None = None
    # For CSV rows, the column each RollReturn field came from, so later problems name the column the school sees.
    columns: dict[str, str] = field(default_factory=dict)
    # Details kept as written that an officer should tidy (a telephone number in a form cme does not know).
    warnings: list[ReturnError] = field(default_factory=list)

    def locate(self, field_name: str) -> str:
        column = self.columns.get(field_name, field_name)
        return f"{self.where}/{column}" if self.where.startswith("/") else f"{self.where}, {column}"


@dataclass
class ParsedFile:
    returns: list[ParsedReturn] = field(default_factory=list)
    errors: list[ReturnError] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    # About the file as a whole, such as a CTF version newer than cme knows, read as the newest layout.
    warnings: list[str] = field(default_factory=list)
