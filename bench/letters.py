"""Letters benchmark: producing one letter as a PDF (issue 12: "a letter … PDF in under 1 s").

    .venv/bin/python bench/letters.py --runs 15

Runs on a fresh SQLite database in a temporary directory (migrated, one synthetic case with a child, a parent and an
address). Times, for each of `--runs` rounds, in this order:

- baseline: WeasyPrint writing a one-paragraph PDF (`HTML(string="<p>…</p>").write_pdf()`): what any PDF costs on
  this machine at this moment;
- render: `letter_render_pdf` for the longest default letter (the school attendance order): merge values, the
  sandboxed template, the letterhead layout and WeasyPrint;
- generate: `letter_generate`, what the "Produce a letter" page does: the above plus the document file written, the
  rows and the audit entry, in one transaction.

Reports the median and the slowest of each, and each median as a ratio of the baseline's median measured in the same
run (the machine is shared, so absolute times move; the ratio moves less). The first round, which loads fonts, is
reported apart and left out of the medians. A benchmark, not a test: nothing here asserts. Synthetic data only.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    var = tempfile.mkdtemp(prefix="cme-bench-letters-")
    os.environ["DEBUG"] = "1"
    os.environ.pop("CME_DEMO", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
    os.environ["CME_VAR_DIR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.CME_DOCUMENT_ROOT = Path(var) / "documents"
    call_command("migrate", verbosity=0)


def world():
    from cme.accounts.enums import Role
    from cme.accounts.models import User
    from cme.cases.enums import CaseStatus, CmeReason
    from cme.cases.models import Case
    from cme.people.models import Address, Carer, CarerRelationship, Child, Residence

    officer = User.objects.create(
        username="bench-officer", role=Role.CME_OFFICER, first_name="Bench", last_name="Officer"
    )
    child = Child.objects.create(given_name="Ada", family_name="Example", date_of_birth=date(2015, 3, 14))
    carer = Carer.objects.create(given_name="Grace", family_name="Example")
    CarerRelationship.objects.create(carer=carer, child=child, kind="mother", parental_responsibility=True)
    address = Address.objects.create(line1="1 Example Street", town="Exampletown", postcode="EX1 1AA")
    Residence.objects.create(address=address, child=child)
    Residence.objects.create(address=address, carer=carer)
    case = Case.objects.create(
        child=child,
        status=CaseStatus.OPEN,
        officer=officer,
        primary_reason=CmeReason.WHEREABOUTS_UNKNOWN,
        became_cme_on=date(2026, 9, 1),
        opened_by=officer,
        opened_on=date(2026, 9, 2),
    )
    return officer, case, carer


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from weasyprint import HTML

    from cme.cases.enums import LetterKind
    from cme.cases.services import letter_generate
    from cme.cases.services.letters import letter_render_pdf, merge_values

    officer, case, carer = world()
    values = merge_values(case=case, actor=officer, carer=carer)

    def baseline():
        HTML(string="<p>One paragraph, to measure what any PDF costs here.</p>").write_pdf()

    def render():
        letter_render_pdf(
            kind=LetterKind.SAO_ORDER,
            values=values,
            recipient_name=values["recipient.name"],
            recipient_address=values["recipient.address"],
        )

    def generate():
        letter_generate(case=case, actor=officer, kind=LetterKind.SAO_ORDER, carer=carer)

    first = {name: timed(f) for name, f in (("baseline", baseline), ("render", render), ("generate", generate))}
    results: dict[str, list[float]] = {"baseline": [], "render": [], "generate": []}
    for _ in range(args.runs):
        for name, function in (("baseline", baseline), ("render", render), ("generate", generate)):
            results[name].append(timed(function))
    base = statistics.median(results["baseline"])
    print("first round (fonts loading): " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in first.items()))
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"{name:9s} median {median * 1000:6.0f} ms  slowest {max(times) * 1000:6.0f} ms  "
            f"ratio to baseline {median / base:4.2f}  ({len(times)} runs)"
        )


if __name__ == "__main__":
    main()
