"""The training site: cme with production security on a database of the synthetic borough, for new staff to practise.

`CME_TRAINING=1` (settings) marks a training installation. `cme training setup` makes its database (only an empty one)
and writes the marker (`TrainingSite`); `guard.training_database_check` refuses to serve a training installation from
a database without the marker, or a live one from a database with it. Each trainee has their own copy of the
scenario records (`scenarios.py`), which `cme training reset [USERNAME]` puts back as it was.
"""
