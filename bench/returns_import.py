"""Schools' returns benchmark: a 2,000-pupil Common Transfer File and a 10,000-row CSV of returns, each imported
(parsed, checked, de-duplicated, written with a disclosure receipt per return) in under 20 seconds.

    .venv/bin/python bench/returns_import.py --database sqlite --runs 3
    .venv/bin/python bench/returns_import.py --database postgres --runs 3

Each run starts from empty return tables in the benchmark's own database (SQLite: var/bench-returns/returns.sqlite3;
PostgreSQL: `cme_bench_returns` on 127.0.0.1:5432) holding 40 schools, then times, in this order:

1. the baseline: reading the CSV and the CTF into checked values, with no database (`csv_returns_read`,
   `ctf_read` and `return_check` for every row), so the write cost can be read as a ratio;
2. `returns_import` of the 10,000-row CSV (all kinds of return, including part-time timetables with reviews);
3. `returns_import` of the 2,000-pupil CTF;
4. the same two files imported again, which must add nothing.

The files are made once per invocation from a seeded generator (synthetic names and valid UPNs and postcodes).
A benchmark, not a test: nothing here asserts, but it prints the created and unchanged counts so a broken import
shows. Figures go in docs/benchmarks.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "cme_bench_returns"
SQLITE_DIR = ROOT / "var" / "bench-returns"
LA = "888"
SCHOOLS = 40

FORENAMES = [
    "Amara",
    "Leon",
    "Priya",
    "Tomasz",
    "Grace",
    "Yusuf",
    "Chloe",
    "Oliver",
    "Aisha",
    "Mateo",
    "Ruby",
    "Kwame",
    "Sofia",
    "Harry",
    "Zara",
    "Ibrahim",
    "Ellie",
    "Jacob",
    "Maya",
    "Noah",
]
SURNAMES = [
    "Okafor",
    "Barker",
    "Shah",
    "Nowak",
    "Mensah",
    "Khan",
    "Evans",
    "Patel",
    "Hughes",
    "Silva",
    "Reid",
    "Ahmed",
    "Kowalski",
    "Murphy",
    "Begum",
    "Clarke",
    "Osei",
    "Wright",
    "Ali",
    "Jones",
]
STREETS = ["Mill Lane", "Canal Street", "Station Road", "Park Avenue", "Church Street", "Victoria Road"]
INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def configure(database: str) -> None:
    """Point Django at a fresh benchmark database and start it."""
    os.environ["DEBUG"] = "1"
    os.environ.pop("CME_DEMO", None)
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE}")
            admin.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
        os.environ["DATABASE_URL"] = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        (SQLITE_DIR / "returns.sqlite3").unlink(missing_ok=True)
        os.environ["CME_VAR_DIR"] = str(SQLITE_DIR)
        os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_DIR / 'returns.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # no query log in memory
    call_command("migrate", verbosity=0)


def schools_create() -> list:
    from cme.schools.models import School

    School.objects.all().delete()
    return School.objects.bulk_create(
        School(
            urn=700000 + n,
            la_code=LA,
            la_name="Wyndley",
            establishment_number=f"{2000 + n:04d}",
            name=f"Bench School {n}",
            status="Open",
            phase_name="Primary",
        )
        for n in range(SCHOOLS)
    )


def _upn(school, serial: int) -> str:
    from stdnum.gb import upn as stdnum_upn

    body = f"{LA}{school.establishment_number}{20 + serial // 1000:02d}{serial % 1000:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def _pupil(rng: random.Random, school, serial: int, today: date) -> dict:
    dob = date(2010, 9, 1) + timedelta(days=rng.randint(0, 365 * 10))
    return {
        "upn": _upn(school, serial),
        "given_name": rng.choice(FORENAMES),
        "family_name": rng.choice(SURNAMES),
        "date_of_birth": dob,
        "sex": rng.choice("MF"),
        "address_line1": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
        "address_line2": "",
        "address_town": "Wyndley",
        "address_postcode": f"WY{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(INWARD)}{rng.choice(INWARD)}",
        "parents": [
            {
                "name": f"{rng.choice(FORENAMES)} {rng.choice(SURNAMES)}",
                "address": "",
                "phone": f"07700 900 {rng.randint(0, 999):03d}",
            }
        ],
    }


def csv_content(schools: list, rows: int, seed: int) -> bytes:
    """`rows` returns of every kind: a mix like a termly bulk upload, with timetables and their reviews."""
    from cme.demo.returns import returns_csv

    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = date(2026, 11, 29)
    kinds = (
        ["deletion"] * 30
        + ["new_pupil"] * 25
        + ["unauthorised_absence"] * 15
        + ["sickness"] * 10
        + ["part_time_timetable"] * 8
        + ["place_not_taken_up"] * 4
    )
    out, timetables = [], []
    for n in range(rows):
        school = schools[n % len(schools)]
        if timetables and n % 25 == 0:
            pupil, school, _start = timetables.pop()
            kind = "timetable_review"
        else:
            pupil, kind = _pupil(rng, school, n // len(schools), today), rng.choice(kinds)
        row = {
            "return_type": kind,
            "school_urn": str(school.urn),
            "upn": pupil["upn"],
            "forename": pupil["given_name"],
            "surname": pupil["family_name"],
            "date_of_birth": pupil["date_of_birth"].isoformat(),
            "sex": pupil["sex"],
            "address_line1": pupil["address_line1"],
            "town": pupil["address_town"],
            "postcode": pupil["address_postcode"],
            "parent1_name": pupil["parents"][0]["name"],
            "parent1_phone": pupil["parents"][0]["phone"],
            "event_date": (today - timedelta(days=rng.randint(20, 60))).isoformat(),
        }
        if kind == "deletion":
            row |= {"deletion_ground": rng.choice("ABGHI"), "destination_school": "Hillside Academy"}
        elif kind in ("unauthorised_absence", "sickness"):
            row["school_days_absent"] = str(rng.randint(15, 30))
        elif kind == "part_time_timetable":
            row |= {
                "event_date": (today - timedelta(days=70)).isoformat(),
                "hours_per_week": "12.5",
                "timetable_reason": "Medical",
                "parent_agreed": "yes",
                "next_review_date": (today - timedelta(days=40)).isoformat(),
            }
            timetables.append((pupil, school, row))
        elif kind == "timetable_review":
            row |= {
                "event_date": (today - timedelta(days=10)).isoformat(),
                "hours_per_week": "20",
                "next_review_date": (today + timedelta(days=20)).isoformat(),
            }
        out.append(row)
    return returns_csv(out)


def ctf_content(schools: list, pupils: int, seed: int) -> bytes:
    from cme.demo.returns import ctf_xml

    rng = random.Random(seed + 1)  # noqa: S311 - synthetic data, not security
    source = schools[0]
    today = date(2026, 11, 29)
    records = []
    for n in range(pupils):
        pupil = _pupil(rng, source, 900_000 + n, today)
        pupil["upn"] = _upn(source, 50_000 + n)
        records.append({**pupil, "contacts": pupil["parents"]})
    return ctf_xml(
        records,
        source=(LA, source.establishment_number),
        name=source.name,
        sent=today - timedelta(days=3),
        dest=(LA, schools[1].establishment_number),
    )


def clear() -> None:
    from cme.cases.models import Decision
    from cme.privacy.models import Disclosure
    from cme.schools.models import PartTimeTimetable, ReturnImport, RollReturn

    for model in (Disclosure, Decision, RollReturn, PartTimeTimetable, ReturnImport):
        model.objects.all().delete()
    # The audit trail is append-only (PostgreSQL refuses deletes); each import adds one entry, so it is left alone.


def baseline(csv_bytes: bytes, ctf_bytes: bytes) -> float:
    """Reading and checking both files with no database: what the import costs before it writes anything."""
    from cme.schools.ctf import ctf_read
    from cme.schools.returns.checks import return_check
    from cme.schools.returns.csvfile import csv_returns_read

    today = date(2026, 11, 29)
    started = time.perf_counter()
    for parsed in (csv_returns_read(csv_bytes), ctf_read(ctf_bytes)):
        for item in parsed.returns:
            return_check(dict(item.values), today=today)
    return time.perf_counter() - started


def timed_import(content: bytes, channel: str, name: str) -> tuple[float, object]:
    from cme.schools.enums import ReturnChannel
    from cme.schools.returns.services import returns_import

    started = time.perf_counter()
    report = returns_import(content=content, file_name=name, channel=ReturnChannel(channel), actor=None)
    return time.perf_counter() - started, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000, help="returns in the CSV")
    parser.add_argument("--pupils", type=int, default=2_000, help="pupils in the CTF")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    configure(args.database)
    import time_machine

    # The generated dates are relative to 29 November 2026; the import refuses dates in the future.
    with time_machine.travel(date(2026, 11, 29), tick=True):
        schools = schools_create()
        csv_bytes = csv_content(schools, args.rows, args.seed)
        ctf_bytes = ctf_content(schools, args.pupils, args.seed)
        print(
            f"CSV: {args.rows:,} rows, {len(csv_bytes) / 1e6:.1f} MB; CTF: {args.pupils:,} pupils, "
            f"{len(ctf_bytes) / 1e6:.1f} MB; database: {args.database}"
        )
        results = {"baseline": [], "csv": [], "ctf": [], "csv again": [], "ctf again": []}
        for run in range(1, args.runs + 1):
            clear()
            results["baseline"].append(baseline(csv_bytes, ctf_bytes))
            for label, content, channel in (("csv", csv_bytes, "csv"), ("ctf", ctf_bytes, "ctf")):
                seconds, report = timed_import(content, channel, f"bench.{channel}")
                again, report_again = timed_import(content, channel, f"bench.{channel}")
                results[label].append(seconds)
                results[f"{label} again"].append(again)
                print(
                    f"run {run} {label}: {seconds:6.2f} s ({report.created:,} created, {len(report.errors)} "
                    f"errors); again {again:5.2f} s ({report_again.created} created, "
                    f"{report_again.unchanged:,} unchanged)"
                )
            print(f"run {run} baseline (read and check both files, no database): {results['baseline'][-1]:.2f} s")
    base = statistics.median(results["baseline"])
    print("\n| step | runs (s) | median (s) | ratio to baseline |\n|---|---|---:|---:|")
    for label, values in results.items():
        median = statistics.median(values)
        runs = ", ".join(f"{value:.2f}" for value in values)
        print(f"| {label} | {runs} | {median:.2f} | {median / base:.1f}× |")


if __name__ == "__main__":
    main()
