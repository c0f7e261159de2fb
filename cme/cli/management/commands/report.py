"""`cme report`: reports that leave the system from the command line.

cme report dfe-return --census-date YYYY-MM-DD [--published] [--output FILE] [--as USERNAME]
    The DfE's termly return of children missing education, as CSV in the layout of the DfE's published statistics,
    to standard output (or FILE). Exact counts, as the DfE needs them; --published applies the DfE's publication
    conventions (nearest 10, "low", "x", "z") for the council's website. The validation summary, and each record
    that lacks a field the return needs, go to standard error. Exit 0 when every check passes, 1 when a check
    fails (the file is still written), 2 for bad arguments. The download is recorded in the audit trail.
cme report extract --study NAME --recipient WHO --purpose TEXT --approved-by DPO_USERNAME [--output DIR]
    A pseudonymised extract of the whole database for an approved study (Parquet, CSV and a data dictionary),
    recorded in the disclosure log. Needs CME_PSEUDONYM_KEY (or CME_PSEUDONYM_KEY_FILE).
cme report population-baseline [--date YYYY-MM-DD]
    Work out the school population's group counts for equal-opportunities monitoring (also a daily task).
"""

import argparse
import datetime
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cme.common.errors import ApplicationError
from cme.reports import dfe
from cme.reports.equalities import population_baseline_refresh
from cme.reports.services import report_export_record, study_extract_create

EXIT_CHECKS_FAILED = 1


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: use YYYY-MM-DD") from None


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"There is no active user {username!r}.")
    return user


class Command(BaseCommand):
    help = "Reports: `dfe-return` (the DfE's termly CME return), `extract` (pseudonymised), `population-baseline`."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        dfe_return = actions.add_parser("dfe-return", help="the DfE's termly return of children missing education")
        dfe_return.add_argument("--census-date", type=_date, required=True, help="the census date, YYYY-MM-DD")
        dfe_return.add_argument("--published", action="store_true", help="apply the DfE's publication conventions")
        dfe_return.add_argument("--output", type=Path, help="write the CSV here instead of standard output")
        dfe_return.add_argument("--as", dest="exporter", metavar="USERNAME", help="who is exporting (recorded)")
        dfe_return.set_defaults(run=self.dfe_return)

        extract = actions.add_parser("extract", help="a pseudonymised extract for an approved study")
        extract.add_argument("--study", required=True, help="the study's name")
        extract.add_argument("--recipient", required=True, help="who receives the extract")
        extract.add_argument("--purpose", required=True, help="what the study is for, as approved")
        extract.add_argument("--approved-by", required=True, metavar="USERNAME", help="the approving DPO")
        extract.add_argument("--as", dest="creator", metavar="USERNAME", help="who is creating it (default: the DPO)")
        extract.add_argument("--output", type=Path, help="the folder to write (default: under CME_EXTRACT_ROOT)")
        extract.set_defaults(run=self.extract)

        baseline = actions.add_parser("population-baseline", help="the school population's group counts")
        baseline.add_argument("--date", type=_date, help="the day (default today)")
        baseline.set_defaults(run=self.population_baseline)

    def handle(self, *args, run, **options):
        run(**options)

    def dfe_return(self, *, census_date, published: bool, output: Path | None, exporter: str | None, **options):
        actor = _user(exporter)
        result = dfe.dfe_return_build(
            census_date=census_date,
            la_name=settings.CME_LA_NAME,
            new_la_code=settings.CME_NEW_LA_CODE,
            old_la_code=settings.CME_OLD_LA_CODE,
        )
        content = dfe.dfe_csv(result, published=published)
        report_export_record(
            actor=actor,
            report="dfe_return_published" if published else "dfe_return",
            file_format="csv",
            rows=content.count("\n") - 1,
            controlled=published,
        )
        if output:
            output.write_text(content, encoding="utf-8")
        else:
            sys.stdout.write(content)
            sys.stdout.flush()
        self.stderr.write(f"Children missing education on {census_date:%-d %B %Y}: {result.total:,}")
        for rule, ok, detail in result.checks:
            self.stderr.write(f"{'passed' if ok else 'FAILED'}: {rule} ({detail})")
        for problem in result.problems:
            self.stderr.write(f"{problem.reference}: {problem.message}")
        if not result.passes:
            raise SystemExit(EXIT_CHECKS_FAILED)

    def extract(self, *, study, recipient, purpose, approved_by, creator, output, **options):
        approver = _user(approved_by)
        actor = _user(creator) or approver
        try:
            extract = study_extract_create(
                actor=actor,
                approved_by=approver,
                study=study,
                recipient=recipient,
                purpose=purpose,
                directory=output,
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Extract {extract.pk} written to {extract.directory}: {extract.children:,} children, "
            f"{extract.cases:,} cases, in {extract.seconds:.1f} s. Recorded in the disclosure log."
        )

    def population_baseline(self, *, date, **options):
        baseline = population_baseline_refresh(on_date=date or timezone.localdate())
        self.stdout.write(
            f"School population on {baseline.on_date:%-d %B %Y}: {baseline.children:,} children "
            f"({baseline.seconds:.2f} s)"
        )
