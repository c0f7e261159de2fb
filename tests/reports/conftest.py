import datetime

import pytest
import time_machine

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield
