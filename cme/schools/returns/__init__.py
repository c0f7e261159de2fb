"""Schools' returns to the council (reg 13 of the 2024 pupil registration regulations, part-time timetables, CTFs).

`checks` holds the rules every return meets, `csvfile` and `cme.schools.ctf` read the bulk formats, `services` the
writes (receiving and triage) and `selectors` the reads (a school's own list, the inbox, suggestions, the at-risk list).
"""
