"""A match run: who lives here, is of compulsory school age, and is on no school roll; and who has moved away.

The run's steps, each in a module of its own:

1. `read`: the latest extract of every active source; the records of people of about school age (`rows`: typed
   `SourceRecord`s), and everyone currently on a roll (`RollEntry`s: pupils on each school's latest roll extract,
   and children with a current enrolment in cme).
2. `cluster`: the resident records grouped into people (`Person`) with the engine's dedupe model (`engine.dedupe`),
   pairs kept only where the one-child rules (`rules`) allow: one cluster is one child as several sources know them.
3. `rolls`: every record of every person of compulsory school age linked to the roll entries with the engine's link
   model (`engine.link`), and a safety net; a person with any record matching a roll entry is on a roll.
4. `findings`: a person living here, of compulsory school age and matched to no roll entry is proposed as
   NOT_ON_ROLL (groups of one child joined first, `cluster.one_person_per_child`); a roll entry matched only to a
   person whose every record has ended is proposed as MOVED_AWAY. Each with a reason and its evidence.
5. `candidates`: findings upserted by overlap with the records behind earlier candidates, so the same child keeps
   the same candidate and its review; a dismissed candidate comes back only with records it did not have. What the
   run changes of a person's work (a candidate reopened, or no longer found) is audited.

`execute.match_run_execute` runs them in order, reporting progress to its caller and on the run. The thresholds are
in `thresholds`. The run proposes; it never confirms or dismisses anything (cme.matching.services does that, for a
person).
"""

from .cluster import exact_key, one_person_per_child
from .execute import BACKENDS, STAGES, match_run_execute, saved_models
from .findings import Evidence, Finding
from .read import latest_imports, records_read, roll_entries
from .rows import Details, Person, RollEntry, SourceRecord
from .rules import could_be_this_pupil, dates_could_be_one, given_names_could_be_one, names_could_be_one, one_child
from .thresholds import DEDUPE_THRESHOLD, EVIDENCE_THRESHOLD, ON_ROLL_THRESHOLD

# The name the school roll tests have imported since issue 11.
_roll_entries = roll_entries

__all__ = [
    "BACKENDS",
    "DEDUPE_THRESHOLD",
    "EVIDENCE_THRESHOLD",
    "ON_ROLL_THRESHOLD",
    "STAGES",
    "Details",
    "Evidence",
    "Finding",
    "Person",
    "RollEntry",
    "SourceRecord",
    "could_be_this_pupil",
    "dates_could_be_one",
    "exact_key",
    "given_names_could_be_one",
    "latest_imports",
    "match_run_execute",
    "names_could_be_one",
    "one_child",
    "one_person_per_child",
    "records_read",
    "roll_entries",
    "saved_models",
]
