"""The privacy notice promises every decision involves a person. Prove no code path can move a case without one.

Three checks, together: (1) outside the casework services (and the demo loader), no code writes a case's or a
referral's status or outcome at all; (2) every public casework service that does write them takes, keyword-only,
the acting person and a rationale, and refuses a blank rationale; (3) no background task or signal handler calls
those services, so nothing runs them without a signed-in person's request.
"""

import ast
import inspect
from pathlib import Path

import pytest

from cme.cases import services
from cme.common.errors import ApplicationError

ROOT = Path(__file__).resolve().parents[2] / "cme"
DECIDING_FIELDS = {"status", "outcome"}
# The casework services are the one place allowed to write them; the demo loader writes made-up history directly.
# A rights request's status and outcome are the DPO's decisions, written only by cme.rights.services, each of which
# takes the acting person (and, for an outcome, a reason: tests/rights/test_services.py).
ALLOWED = (ROOT / "cases" / "services", ROOT / "demo", ROOT / "rights" / "services.py")
# Models whose `status`/`outcome` are decisions about a child.
DECISION_MODELS = {"Case", "Referral"}
DECIDING_SERVICES = {
    "case_status_change", "case_close", "case_reopen", "referral_accept", "referral_no_further_action",
    "case_set_risk", "case_reallocate", "case_escalate", "case_start_sao", "case_close_or_ask", "sign_off_approve",
    "attendance_order_start", "attendance_order_step_record",
}  # fmt: skip


def python_files():
    for path in ROOT.rglob("*.py"):
        if "migrations" not in path.parts and not any(path.is_relative_to(allowed) for allowed in ALLOWED):
            yield path


# Calls that write the fields they are given: model constructors and creators, queryset updates, and the services'
# own conditional-update helper. A call to a deciding service itself is the person's action, and is allowed.
WRITING_CALLS = {
    "create",
    "update",
    "update_or_create",
    "get_or_create",
    "update_at_version",
    "_triage",
    *DECISION_MODELS,
}


def deciding_writes(tree: ast.AST) -> list[int]:
    """Lines that assign `.status`/`.outcome`, or hand them to a call that writes them to the database."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [node.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr in DECIDING_FIELDS]
        elif isinstance(node, ast.Call) and {keyword.arg for keyword in node.keywords} & DECIDING_FIELDS:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in WRITING_CALLS:
                lines.append(node.lineno)
    return lines


def test_no_code_outside_the_casework_services_writes_a_decision():
    offenders = {}
    for path in python_files():
        lines = deciding_writes(ast.parse(path.read_text(), filename=str(path)))
        # Forms and serializers name a `status` field but never save a model; they are read as writes only if they
        # assign to an attribute, which they do not.
        if lines:
            offenders[str(path.relative_to(ROOT.parent))] = lines
    assert offenders == {}, "status/outcome may only change through cme.cases.services (a person's decision)"


@pytest.mark.parametrize("name", sorted(DECIDING_SERVICES))
def test_every_deciding_service_needs_a_person_and_a_reason(name):
    parameters = inspect.signature(getattr(services, name)).parameters
    assert parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["rationale"].kind is inspect.Parameter.KEYWORD_ONLY
    assert parameters["actor"].default is inspect.Parameter.empty
    assert parameters["rationale"].default is inspect.Parameter.empty


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["case_status_change", "case_close", "case_set_risk", "case_start_sao"])
def test_a_blank_rationale_is_refused_before_anything_changes(name, case_factory, user_factory):
    case = case_factory(officer=user_factory())
    arguments = {
        "case_status_change": {"status": "enquiries", "expected_version": 1},
        "case_close": {"outcome": "died", "expected_version": 1},
        "case_set_risk": {"risk_level": "high", "expected_version": 1},
        "case_start_sao": {},
    }[name]
    with pytest.raises(ApplicationError, match="reason for your decision"):
        getattr(services, name)(case=case, actor=case.officer, rationale=" ", **arguments)
    case.refresh_from_db()
    assert (case.status, case.risk_level, case.version) == ("open", "not_assessed", 1)
    assert not case.decisions.exists()


def test_no_background_task_or_signal_handler_calls_a_deciding_service():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if path.name in {"tasks.py", "signals.py", "receivers.py"} or "tasks" in path.relative_to(ROOT).parts:
            source = path.read_text()
            offenders += [f"{path.relative_to(ROOT.parent)}: {name}" for name in DECIDING_SERVICES if name in source]
    assert offenders == []


def test_the_detector_sees_the_writes_the_services_do_make():
    # If this fails, the check above has gone blind, not clean.
    for module in ("referrals.py", "cases.py"):
        path = ROOT / "cases" / "services" / module
        assert deciding_writes(ast.parse(path.read_text())), module


# --- Data matching: a match proposes; only a person confirms (a referral) or dismisses it, with a reason ---------

MATCH_DECIDING_SERVICES = ("candidate_confirm", "candidate_dismiss")
MATCH_SETTLED = {"CONFIRMED", "DISMISSED"}
# Calls that write what they are given (reads such as `filter(review_state=…)` and `Q(…)` are not writes).
MATCH_WRITING_CALLS = {"create", "update", "update_or_create", "get_or_create", "MatchCandidate", "Referral",
                       "referral_create"}  # fmt: skip


def match_settling_writes(tree: ast.AST) -> list[int]:
    """Lines that set a candidate's review to confirmed or dismissed, or make a data-match referral."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) not in MATCH_WRITING_CALLS:
                continue
            for keyword in node.keywords:
                value = keyword.value
                settled = isinstance(value, ast.Attribute) and value.attr in MATCH_SETTLED
                if (keyword.arg == "review_state" and settled) or (
                    keyword.arg == "source" and isinstance(value, ast.Attribute) and value.attr == "DATA_MATCH"
                ):
                    lines.append(node.lineno)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "review_state":
                    lines.append(node.lineno)
    return lines


def test_only_the_review_services_settle_a_match_or_make_a_data_match_referral():
    allowed = {ROOT / "matching" / "services.py", *ROOT.joinpath("demo").rglob("*.py")}
    offenders = {
        str(path.relative_to(ROOT.parent)): lines
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and path not in allowed
        and (lines := match_settling_writes(ast.parse(path.read_text(), filename=str(path))))
    }  # fmt: skip
    assert offenders == {}, "only cme.matching.services (a person's review) may confirm or dismiss a match"


def test_the_match_detector_sees_the_review_services_writes():
    assert match_settling_writes(ast.parse((ROOT / "matching" / "services.py").read_text()))


@pytest.mark.parametrize("name", MATCH_DECIDING_SERVICES)
def test_every_match_decision_needs_a_person_and_a_reason(name):
    from cme.matching import services as matching_services

    parameters = inspect.signature(getattr(matching_services, name)).parameters
    for required in ("actor", "rationale"):
        assert parameters[required].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[required].default is inspect.Parameter.empty


def test_no_background_task_or_signal_handler_settles_a_match():
    offenders = [
        f"{path.relative_to(ROOT.parent)}: {name}"
        for path in ROOT.rglob("*.py")
        if path.name in {"tasks.py", "signals.py", "receivers.py", "run.py"} or "tasks" in path.relative_to(ROOT).parts
        for name in MATCH_DECIDING_SERVICES
        if name in path.read_text()
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_match_run_proposes_candidates_but_makes_no_referral_or_child_record(match_candidate, officer):
    from cme.cases.models import Referral
    from cme.matching.enums import ReviewState
    from cme.matching.run import match_run_execute
    from cme.matching.services import match_run_create
    from cme.people.models import Child

    run = match_run_execute(run=match_run_create(actor=officer))

    assert run.state == "finished"
    assert not Referral.objects.exists() and not Child.objects.exists()
    match_candidate.refresh_from_db()
    assert match_candidate.review_state == ReviewState.TO_REVIEW and not match_candidate.decisions.exists()
