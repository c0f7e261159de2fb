"""The training site (docs/operating.md, "A training site"): production security on a database of made-up children,
made only from an empty database and marked; each trainee's exercises checked from what they did, and put back."""

import subprocess
import sys
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse

from cme.accounts.enums import Role
from cme.accounts.models import User
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry
from cme.cases.enums import CmeReason
from cme.cases.models import Case, Referral
from cme.cases.services import referral_accept
from cme.matching.enums import ReviewState
from cme.matching.models import MatchCandidate
from cme.matching.services import candidate_confirm
from cme.people.models import Child
from cme.schools.enums import TriageState
from cme.schools.models import RollReturn
from cme.schools.returns.services import return_match_confirm, return_refer
from cme.training.guard import training_database_check
from cme.training.models import TraineeScenario, TrainingSite
from cme.training.scenarios import candidate_template, progress
from cme.training.services import TRAINING_TEAM, TrainingRefused, trainee_add, training_setup
from tests.factories.accounts import TeamFactory
from tests.factories.matching import MatchCandidateFactory
from tests.factories.schools import EnrolmentFactory, SchoolFactory
from tests.test_production_settings import production_env, run_cme

pytestmark = pytest.mark.django_db


@pytest.fixture
def training(settings):
    settings.CME_TRAINING = True


@pytest.fixture
def site(training, user_factory):
    """A training site in miniature: the marker, a school with a pupil, its attendance officer, a candidate to copy."""
    school = SchoolFactory()
    EnrolmentFactory(school=school)
    user_factory(role=Role.SCHOOL_USER, username="school", school=school)
    MatchCandidateFactory(score=0.99)
    TeamFactory(name=TRAINING_TEAM)
    return TrainingSite.objects.create(pk=1, seed=7, children=1, templates={"candidate": candidate_template()})


def _trainee(name: str) -> User:
    user, _ = trainee_add(username=name, first_name=name.title(), last_name="Trainee", email=f"{name}@example.org")
    return user


def _records(user: User) -> dict:
    return TraineeScenario.objects.get(trainee=user).records


def _do_every_exercise(user: User) -> None:
    """What a careful trainee does: link each return to its child, refer it, open a case; confirm the candidate."""
    records = _records(user)
    for index, key in enumerate(("deletion_return", "safeguarding_return")):
        roll_return = RollReturn.objects.get(pk=records["returns"][key])
        child = Child.objects.get(pk=records["children"][index])
        return_match_confirm(roll_return=roll_return, child=child, actor=user, rationale="Same UPN and date of birth")
        referral = return_refer(roll_return=roll_return, actor=user, rationale="Destination not known")
        referral_accept(
            referral=referral, actor=user, rationale="Whereabouts unknown", primary_reason=CmeReason.values[0],
            became_cme_on=date.today(),
        )  # fmt: skip
    candidate = MatchCandidate.objects.get(pk=records["candidate"])
    candidate_confirm(candidate=candidate, actor=user, rationale="Records agree", confirmed_new=True)


def test_the_training_database_is_made_from_the_synthetic_borough_and_marked(training):
    site = training_setup(children=300, seed=2026)

    assert TrainingSite.objects.get() == site and site.children == 300
    assert site.templates["candidate"]["reason"]  # the match candidate exercise has a candidate to copy
    assert User.objects.exists() and not any(user.has_usable_password() for user in User.objects.all())
    assert AuditEntry.objects.filter(event=AuditEvent.TRAINING_SITE_MADE).count() == 1
    with pytest.raises(TrainingRefused, match="already the training site"):
        training_setup(children=300, seed=2026)
    training_database_check()  # a training installation on its own database starts


def test_the_training_database_is_never_made_from_one_that_holds_records(training, user_factory):
    user_factory(username="a.real.person")
    with pytest.raises(TrainingRefused, match="may hold real ones"):
        training_setup(children=10)
    assert not TrainingSite.objects.exists() and not Child.objects.exists()


def test_the_training_commands_need_a_training_installation(settings):
    settings.CME_TRAINING = False
    with pytest.raises(TrainingRefused, match="CME_TRAINING=1"):
        training_setup(children=10)
    with pytest.raises(CommandError, match="CME_TRAINING=1"):
        call_command("training", "setup", "--children", "10")


def test_a_training_installation_refuses_a_database_without_the_marker_and_a_live_one_refuses_the_marker(settings):
    settings.CME_TRAINING = True
    with pytest.raises(ImproperlyConfigured, match="may hold real records"):
        training_database_check()
    TrainingSite.objects.create(pk=1, seed=1, children=0)
    training_database_check()
    settings.CME_TRAINING = False
    with pytest.raises(ImproperlyConfigured, match="live installation refuses"):
        training_database_check()


def test_gunicorn_s_application_does_not_load_on_a_database_that_was_not_made_for_training(tmp_path):
    """A real interpreter loading `cme.wsgi` as gunicorn's workers do, and the task worker, on a database with no
    marker."""
    env = {**production_env(), "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}"}
    clean = {**env, "CME_TRAINING": "1"}
    loaded = subprocess.run(
        [sys.executable, "-c", "import cme.wsgi"], env={**_environ(tmp_path), **clean}, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert loaded.returncode != 0 and "may hold real records" in loaded.stderr
    worker = run_cme("db_worker", "--batch", tmp_path=tmp_path, **clean)
    assert worker.returncode != 0 and "may hold real records" in worker.stderr


def test_the_training_site_runs_with_production_security_only(tmp_path):
    refused = run_cme("check", tmp_path=tmp_path, CME_TRAINING="1", CME_DEMO="1")
    assert refused.returncode != 0 and "production security" in refused.stderr


def _environ(tmp_path) -> dict[str, str]:
    import os

    from tests.test_production_settings import NOT_PRODUCTION

    return {
        **{k: v for k, v in os.environ.items() if k not in NOT_PRODUCTION},
        "CME_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "cme.settings",
    }


def test_a_trainee_has_their_own_exercises_and_the_checks_read_what_they_did(site):
    trainee = _trainee("tess")
    assert trainee.role == Role.CME_OFFICER and trainee.team.name == TRAINING_TEAM
    before = progress(TraineeScenario.objects.get(trainee=trainee))
    assert [item.exercise.key for item in before] == ["deletion_return", "safeguarding_return", "match_candidate"]
    assert not any(check.met for item in before for check in item.checks)
    assert all(item.steps and item.links for item in before)

    _do_every_exercise(trainee)

    after = progress(TraineeScenario.objects.get(trainee=trainee))
    assert [(item.exercise.key, item.done) for item in after] == [
        ("deletion_return", True), ("safeguarding_return", True), ("match_candidate", True),
    ]  # fmt: skip


def test_closing_a_safeguarding_return_without_enquiries_does_not_pass_the_check(site):
    from cme.schools.returns.services import return_no_further_action

    trainee = _trainee("nina")
    records = _records(trainee)
    roll_return = RollReturn.objects.get(pk=records["returns"]["safeguarding_return"])
    return_match_confirm(roll_return=roll_return, child=Child.objects.get(pk=records["children"][1]), actor=trainee,
                         rationale="Same child")  # fmt: skip
    return_no_further_action(roll_return=roll_return, actor=trainee, rationale="Probably on holiday")

    item = progress(TraineeScenario.objects.get(trainee=trainee))[1]
    assert not item.done
    assert [check.met for check in item.checks] == [True, False, True, False]


def test_reset_puts_one_trainee_s_exercises_back_and_touches_nothing_else(site):
    tess, omar = _trainee("tess"), _trainee("omar")
    borough_child = Child.objects.exclude(pk__in=_records(tess)["children"] + _records(omar)["children"]).get()
    first = {
        "names": sorted(
            Child.objects.filter(pk__in=_records(tess)["children"]).values_list("given_name", "family_name")
        ),
        "candidate": MatchCandidate.objects.get(pk=_records(tess)["candidate"]).given_name,
    }
    _do_every_exercise(tess)
    _do_every_exercise(omar)
    tess_cases = set(Case.objects.filter(child_id__in=_records(tess)["children"]).values_list("pk", flat=True))
    tess_referrals = set(Referral.objects.filter(case_id__in=tess_cases).values_list("pk", flat=True))
    omar_cases = Case.objects.filter(child_id__in=_records(omar)["children"]).count()
    candidate_child = MatchCandidate.objects.get(pk=_records(tess)["candidate"]).child_id

    call_command("training", "reset", "tess")

    records = _records(tess)
    assert (
        sorted(Child.objects.filter(pk__in=records["children"]).values_list("given_name", "family_name"))
        == (first["names"])
    )  # the same made-up children, back as they were
    assert set(
        RollReturn.objects.filter(pk__in=records["returns"].values()).values_list("triage_state", flat=True)
    ) == {TriageState.RECEIVED}
    candidate = MatchCandidate.objects.get(pk=records["candidate"])
    assert candidate.review_state == ReviewState.TO_REVIEW and candidate.given_name == first["candidate"]
    assert not Case.objects.filter(pk__in=tess_cases).exists()
    assert not Referral.objects.filter(pk__in=tess_referrals).exists()
    assert not Child.objects.filter(pk=candidate_child).exists()  # the record the candidate made went too
    assert not any(item.done for item in progress(TraineeScenario.objects.get(trainee=tess)))
    # Omar's work and the borough's own child are untouched.
    assert all(item.done for item in progress(TraineeScenario.objects.get(trainee=omar)))
    assert Case.objects.filter(child_id__in=_records(omar)["children"]).count() == omar_cases
    assert Child.objects.filter(pk=borough_child.pk).exists()
    assert AuditEntry.objects.filter(event=AuditEvent.TRAINING_RESET).count() == 1

    call_command("training", "reset")  # everyone
    assert not any(item.done for item in progress(TraineeScenario.objects.get(trainee=omar)))
    with pytest.raises(CommandError, match="not a trainee"):
        call_command("training", "reset", "nobody")


def test_every_page_says_no_record_is_real_and_the_exercises_page_shows_the_trainee_s_exercises(site, client, sign_in):
    assert "no record here is real" in client.get(reverse("web:sign-in")).content.decode()
    trainee = _trainee("tess")
    page = sign_in(trainee).get(reverse("web:training"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "no record here is real" in body and "Find a child from a school&#x27;s deletion return" in body
    assert "Review a match candidate" in body and "Not done yet" in body
    assert 'href="/training/"' in sign_in(trainee).get(reverse("web:home")).content.decode()


def test_the_trainer_sees_how_each_trainee_is_getting_on(site, manager, sign_in):
    _do_every_exercise(_trainee("tess"))
    _trainee("omar")
    body = sign_in(manager).get(reverse("web:training")).content.decode()
    assert "How each trainee is getting on" in body
    assert body.count("Done</td>") == 3  # Tess's three exercises; Omar has done none


def test_there_is_no_training_page_and_no_banner_on_a_live_site(client, officer, sign_in):
    page = sign_in(officer).get(reverse("web:training"))
    assert page.status_code == 404
    home = sign_in(officer).get(reverse("web:home")).content.decode()
    assert "no record here is real" not in home and 'href="/training/"' not in home
