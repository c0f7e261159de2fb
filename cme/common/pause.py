"""A test-only pause between a long job's writes, so a crash test can kill the real process part-way.

`pause_point(name)` does nothing unless the environment names it: with `CME_TEST_PAUSE_AT=name` the process writes
`name` to the file `CME_TEST_PAUSE_FILE`, then sleeps, inside whatever transaction it has open, until it is killed
(tests/operations/test_crash_safety.py). Never set in production; costs one dictionary look-up otherwise.
"""

import os
import time
from pathlib import Path

PAUSE_SECONDS = 600


def pause_point(name: str) -> None:
    if os.environ.get("CME_TEST_PAUSE_AT") != name:
        return
    Path(os.environ["CME_TEST_PAUSE_FILE"]).write_text(name, encoding="utf-8")
    time.sleep(PAUSE_SECONDS)
