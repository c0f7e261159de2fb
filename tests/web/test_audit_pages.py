"""The DPO's audit page: every entry newest first, page by page; names with links instead of ids; a check of the
chain started from the page and run in the background, with its result and time."""

import re

import pytest
from django.urls import reverse

from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry, AuditVerification
from cme.audit.services import audit_record
from tests.audit.conftest import triggers_off

pytestmark = pytest.mark.django_db


def _sequences(html: str) -> list[int]:
    return [int(number) for number in re.findall(r"searched and saw (\d+) results", html)]


def test_the_list_pages_through_every_entry_newest_first(sign_in, dpo, officer):
    for n in range(120):
        audit_record(actor=officer, event=AuditEvent.SEARCH, payload={"results": n})
    client = sign_in(dpo)  # signing in adds entries of its own, without results

    first = client.get(reverse("web:privacy:audit")).content.decode()
    seen = _sequences(first)
    older = re.search(r'href="\?([^"]*before=\d+[^"]*)" rel="next"', first)[1].replace("&amp;", "&")
    second = client.get(reverse("web:privacy:audit") + "?" + older).content.decode()
    seen += _sequences(second)
    older = re.search(r'href="\?([^"]*before=\d+[^"]*)" rel="next"', second)[1].replace("&amp;", "&")
    third = client.get(reverse("web:privacy:audit") + "?" + older).content.decode()
    seen += _sequences(third)

    assert seen == list(range(119, -1, -1))
    assert 'rel="next"' not in third and "Newest entries" in third


def test_paging_keeps_the_filters(sign_in, dpo, officer, analyst):
    for n in range(60):
        audit_record(actor=officer if n % 2 else analyst, event=AuditEvent.SEARCH, payload={"results": n})
    client = sign_in(dpo)

    first = client.get(reverse("web:privacy:audit"), {"actor": officer.pk}).content.decode()
    older = re.search(r'href="\?([^"]*)" rel="next"', first)

    assert older is None  # 30 entries by the officer: one page
    assert _sequences(first) == list(range(59, 0, -2))


def test_people_and_records_are_named_with_links(sign_in, dpo, officer, child):
    audit_record(actor=officer, event=AuditEvent.CHILD_VIEWED, target=child)

    html = sign_in(dpo).get(reverse("web:privacy:audit")).content.decode()

    assert f'<a class="govuk-link" href="?actor={officer.pk}">{officer.display_name}</a>' in html
    assert f'href="?record=people.child:{child.pk}">{child} (child {child.pk})</a>' in html
    assert f'<a class="govuk-link" href="?child_id={child.pk}">{child}</a>' in html


def test_a_failed_sign_in_names_the_username_tried(sign_in, dpo):
    audit_record(actor=None, event=AuditEvent.SIGN_IN_FAILED, detail={"username": "guessing"})

    html = sign_in(dpo).get(reverse("web:privacy:audit")).content.decode()

    assert "Someone signing in as “guessing” failed to sign in" in html


def test_a_record_link_lists_every_entry_about_it(sign_in, dpo, officer, child, child_factory):
    other = child_factory()
    audit_record(actor=officer, event=AuditEvent.CHILD_VIEWED, target=child)
    audit_record(actor=officer, event=AuditEvent.CHILD_VIEWED, target=other)

    html = sign_in(dpo).get(reverse("web:privacy:audit"), {"record": f"people.child:{other.pk}"}).content.decode()

    assert str(other) in html and f"(child {child.pk})" not in html


def test_the_dpo_checks_the_chain_from_the_page_and_sees_the_result(
    sign_in, dpo, officer, django_capture_on_commit_callbacks
):
    audit_record(actor=officer, event=AuditEvent.SIGN_IN)
    client = sign_in(dpo)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("web:privacy:audit-verify"))

    assert response.status_code == 302
    verification = AuditVerification.objects.get()
    assert verification.ok and verification.finished_at is not None
    html = client.get(reverse("web:privacy:audit")).content.decode()
    assert "the audit trail is intact" in html
    assert AuditEntry.objects.filter(event=AuditEvent.AUDIT_VERIFICATION_STARTED, actor_id=dpo.pk).exists()


def test_a_tampered_chain_shows_on_the_page(sign_in, dpo, officer, django_capture_on_commit_callbacks):
    audit_record(actor=officer, event=AuditEvent.SIGN_IN)
    client = sign_in(dpo)
    with triggers_off():
        AuditEntry.objects.filter(sequence=1).update(actor_username="someone-else")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("web:privacy:audit-verify"))

    html = client.get(reverse("web:privacy:audit")).content.decode()
    assert "the audit trail has been tampered with" in html and "Entry 1 was altered" in html


@pytest.mark.parametrize("before", ["abc", "-1", "99999999999999999999999", "²"])
def test_a_nonsense_page_marker_shows_the_newest_entries(sign_in, dpo, before):
    response = sign_in(dpo).get(reverse("web:privacy:audit"), {"before": before})
    assert response.status_code == 200


def test_a_purpose_in_a_person_s_words_is_shown_as_text_never_as_markup(sign_in, dpo, officer, child):
    audit_record(
        actor=officer,
        event=AuditEvent.CHILD_VIEWED,
        target=child,
        purpose="locate",
        purpose_text="<script>alert(1)</script> \x00actor\x00 \x00x",
    )

    response = sign_in(dpo).get(reverse("web:privacy:audit"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
