"""One trained link and one dedupe shared by the linkage tests: Splink takes seconds to start and train."""

import pytest

from cme.matching.linkage import dedupe_frame, link_frames

from .synthetic import population


@pytest.fixture(scope="session")
def people():
    return population(400, seed=6)


@pytest.fixture(scope="session")
def linked(people):
    return link_frames(people.left, people.right, threshold=0.5)


@pytest.fixture(scope="session")
def deduped(people):
    """The left source with its own copies added (as a source that holds a child twice), deduplicated."""
    import pandas as pd

    right = people.right.copy()
    frame = pd.concat([people.left, right], ignore_index=True)
    return dedupe_frame(frame, threshold=0.5)
