"""The privacy notice as a versioned document: each published version kept as it read, with its date, author, what
changed and its next review; a catalogue change that changes the notice makes a draft the DPO publishes."""

import datetime

import pytest
from django.urls import reverse

from cme.audit.models import AuditEntry
from cme.common.errors import ApplicationError
from cme.privacy import catalogue
from cme.privacy.enums import DataCategory
from cme.privacy.models import NoticeState, NoticeVersion
from cme.privacy.tasks import notice_check_task
from cme.privacy.versions import (
    FIRST_VERSION,
    NO_CHANGE,
    notice_changes,
    notice_version_check,
    notice_version_publish,
)

pytestmark = pytest.mark.django_db
NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=360)


@pytest.fixture
def without_benefits(monkeypatch):
    """The catalogue as it would be if the service stopped holding whether a family receives benefits."""

    def apply():
        entries = tuple(e for e in catalogue.CATALOGUE.entries if e.category != DataCategory.BENEFITS)
        stripped = tuple(
            catalogue.FieldEntry(**{**e.__dict__, "may_reveal": e.may_reveal - {DataCategory.BENEFITS}})
            for e in entries
        )
        monkeypatch.setattr(catalogue, "CATALOGUE", catalogue.Catalogue(entries=stripped))

    return apply


def test_the_first_version_is_published_with_its_dates_and_shown_on_the_public_page(client, dpo):
    assert notice_version_check() is not None  # nothing published yet: the notice as it reads is a draft
    version = notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR)
    assert (version.number, version.state, version.changes) == (1, NoticeState.PUBLISHED, [FIRST_VERSION])
    assert version.published_by == dpo and version.review_due_on == NEXT_YEAR
    page = client.get(reverse("web:privacy")).content.decode()
    assert "Version 1." in page and f"Next review due by {NEXT_YEAR.day} {NEXT_YEAR:%B %Y}" in page
    assert notice_version_check() is None  # the version in force says what the catalogue says
    assert AuditEntry.objects.filter(event="notice_published").exists()


def test_a_catalogue_change_makes_a_draft_the_dpo_publishes_and_earlier_versions_stay_readable(
    client, dpo, without_benefits
):
    first = notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR)
    benefits = catalogue.CATEGORIES[DataCategory.BENEFITS].plain
    assert benefits in client.get(reverse("web:privacy")).content.decode()

    without_benefits()
    notice_check_task.call()
    draft = NoticeVersion.objects.get(state=NoticeState.DRAFT)
    assert any(
        change.startswith("What information we hold: removed") and benefits in change for change in draft.changes
    )
    assert benefits in client.get(reverse("web:privacy")).content.decode()  # unpublished: the public still reads v1
    assert notice_version_check() == draft  # checking again does not make another

    second = notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR)
    assert second.pk == draft.pk and second.number == 2
    assert benefits not in client.get(reverse("web:privacy")).content.decode()
    old = client.get(reverse("web:privacy-version", args=[first.number])).content.decode()
    assert benefits in old and "This is an earlier version of the notice" in old
    listing = client.get(reverse("web:privacy-versions")).content.decode()
    assert "Version 2 (in force)" in listing and "Version 1" in listing and benefits in listing


def test_a_review_with_no_change_publishes_a_version_saying_so(dpo):
    notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR)
    again = notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR + datetime.timedelta(days=30))
    assert again.number == 2 and again.changes == [NO_CHANGE]


def test_the_review_date_must_be_ahead(dpo):
    with pytest.raises(ApplicationError, match="future"):
        notice_version_publish(actor=dpo, review_due_on=datetime.date.today())
    with pytest.raises(ApplicationError, match="two years"):
        notice_version_publish(actor=dpo, review_due_on=datetime.date.today() + datetime.timedelta(days=1000))


def test_the_dpo_page_checks_for_a_draft_and_publishes_it(sign_in, dpo, without_benefits):
    notice_version_publish(actor=dpo, review_due_on=NEXT_YEAR)
    without_benefits()
    client = sign_in(dpo)
    page = client.get(reverse("web:privacy:notice-versions")).content.decode()
    assert "Draft waiting to be published" in page and "removed" in page
    due = NEXT_YEAR
    fields = {"review_due_on_0": due.day, "review_due_on_1": due.month, "review_due_on_2": due.year}
    assert (
        "Confirm that you have read the notice"
        in client.post(reverse("web:privacy:notice-publish"), fields).content.decode()
    )
    response = client.post(reverse("web:privacy:notice-publish"), {**fields, "confirm": "on"})
    assert response.status_code == 302
    assert NoticeVersion.objects.filter(state=NoticeState.PUBLISHED).count() == 2


def test_changes_name_what_was_added_and_removed():
    before = {"Who we are": ["Controller: A"], "How we use it": ["One", "Two"]}
    after = {"Who we are": ["Controller: B"], "How we use it": ["Two", "Three"]}
    assert notice_changes(before, after) == [
        "Who we are: added \u201cController: B\u201d",
        "Who we are: removed \u201cController: A\u201d",
        "How we use it: added \u201cThree\u201d",
        "How we use it: removed \u201cOne\u201d",
    ]
