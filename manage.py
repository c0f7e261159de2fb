#!/usr/bin/env python
"""Django's command-line utility; `cme` (the console script) wraps it with cme's own commands."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
