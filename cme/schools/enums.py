"""Code sets for schools and enrolments (domain.md sections 2.2 and 10.2)."""

from django.db import models


class EnrolmentStatus(models.TextChoices):
    """How a pupil is registered at a school (the census enrolment status)."""

    SINGLE = "C", "Current (single registration)"
    MAIN_DUAL = "M", "Main (dual registration)"
    SUBSIDIARY_DUAL = "S", "Subsidiary (dual registration)"


class DeletionGround(models.TextChoices):
    """Grounds for deleting a pupil of compulsory school age from the admission register: reg 9(1), SI 2024/208."""

    A = "A", "A – registered at another school"
    B = "B", "B – finished nursery education, not returning"
    C = "C", "C – dual registration ended"
    D = "D", "D – school attendance order amended to name another school"
    E = "E", "E – school attendance order revoked"
    F = "F", "F – parent will educate otherwise than at school (in writing)"
    G = "G", "G – no longer lives within reasonable distance"
    H = "H", "H – did not return within 10 school days after leave of absence"
    I = "I", "I – continuously absent for 20 school days"  # noqa: E741 - the statutory letter
    J = "J", "J – detained under a sentence of detention"
    K = "K", "K – has died"
    L = "L", "L – over compulsory school age, not continuing into the sixth form"
    M = "M", "M – boarding fees unpaid"
    N = "N", "N – stopped being a pupil at an independent or non-maintained special school"
    O = "O", "O – permanently excluded"  # noqa: E741 - the statutory letter
