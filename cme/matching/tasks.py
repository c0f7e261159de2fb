"""Background work for data matching: an uploaded extract's import, and a match run started from the web.

Neither confirms or dismisses anything: a run proposes candidates; only a person's review settles them.
"""

import contextlib

from django_tasks import task

from .models import MatchRun, SourceImport
from .sources import SourceFileRefused


@task()
def source_import_task(*, import_id: int) -> None:
    """Import the extract an officer uploaded; a refused file is recorded on the import, for the page to show."""
    from .services import source_import_run

    source_import = SourceImport.objects.select_related("source").get(pk=import_id)
    # A refused file's reason is recorded on the import row, for the page to show.
    with contextlib.suppress(SourceFileRefused):
        source_import_run(source_import=source_import)


@task()
def match_run_task(*, run_id: int) -> None:
    """Execute a queued match run, recording its progress on the run as it goes."""
    from .run import match_run_execute

    match_run_execute(run=MatchRun.objects.get(pk=run_id))
