"""Choices the council makes about how the service runs."""

from django.db import models


class AttendanceOrderRegime(models.TextChoices):
    """Which statute's school attendance order steps a new process follows (docs/attendance-orders.md).

    The Children's Wellbeing and Schools Act 2026, s39 and Schedule 2, replaces ss437-443 of the Education Act 1996
    with new sections (436H onwards) once regulations commence them; until then the 1996 Act's steps are the law.
    """

    EA1996 = "ea1996", "Education Act 1996, sections 437 to 443 (the law in force)"
    CWSA2026 = "cwsa2026", "Children's Wellbeing and Schools Act 2026 (only once commenced)"
