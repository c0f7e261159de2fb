"""Enquiries, notes and documents on a case."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cme.cases.enums import DocumentKind, EnquiryAgency, EnquiryResult
from cme.cases.models import DocumentDownload, Note
from cme.cases.services import (
    DocumentRefused,
    document_download_open,
    document_upload,
    enquiry_record_response,
    enquiry_request,
    note_add,
    note_correct,
)
from cme.common.errors import ApplicationError
from cme.privacy.enums import Direction, Purpose
from cme.privacy.models import Disclosure

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000000020001e221bc330000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def documents_in_tmp(settings, tmp_path):
    settings.CME_DOCUMENT_ROOT = tmp_path / "documents"


@time_machine.travel(datetime.datetime(2026, 11, 10, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_an_enquiry_gets_a_due_date_and_its_answer_cannot_predate_it(officer, case):
    # The due date counts school days over the default calendar of this school year and the next: the clock is
    # frozen so that November 2026 stays inside it whenever the test runs.
    enquiry = enquiry_request(
        case=case,
        actor=officer,
        agency=EnquiryAgency.HOUSING,
        requested_on=datetime.date(2026, 11, 3),
        contact_name="Tenancy team",
    )
    assert enquiry.response_due_on > enquiry.requested_on
    with pytest.raises(ApplicationError, match="same as or after"):
        enquiry_record_response(
            enquiry=enquiry,
            actor=officer,
            responded_on=datetime.date(2026, 11, 2),
            result=EnquiryResult.NO_TRACE,
            expected_version=enquiry.version,
        )
    enquiry_record_response(
        enquiry=enquiry,
        actor=officer,
        responded_on=datetime.date(2026, 11, 5),
        result=EnquiryResult.INFORMATION_FOUND,
        findings="Tenancy ended 30 Oct",
        expected_version=enquiry.version,
    )
    assert enquiry.is_answered and enquiry.version == 2


def test_an_enquiry_and_its_answer_are_logged_as_disclosures_but_a_home_visit_is_not(officer, case):
    police = enquiry_request(
        case=case, actor=officer, agency=EnquiryAgency.POLICE, requested_on=datetime.date(2026, 11, 3)
    )
    enquiry_request(case=case, actor=officer, agency=EnquiryAgency.HOME_VISIT, requested_on=datetime.date(2026, 11, 3))
    enquiry_record_response(
        enquiry=police,
        actor=officer,
        responded_on=datetime.date(2026, 11, 4),
        result=EnquiryResult.CHILD_LOCATED,
        expected_version=police.version,
    )
    logged = Disclosure.objects.order_by("pk")
    assert [(d.direction, d.organisation, d.purpose, d.recorded_by) for d in logged] == [
        (Direction.SHARED_OUT, "Police", Purpose.LOCATE, officer),
        (Direction.RECEIVED_IN, "Police", Purpose.LOCATE, officer),
    ]
    assert "police_probation" in logged[1].data_categories and "police_probation" not in logged[0].data_categories
    assert all([s.subject_id for s in d.subjects.all()] == [case.child_id] for d in logged)


def test_a_correction_keeps_the_original_note(officer, case):
    original = note_add(case=case, actor=officer, text="Visited 12 Elm Road")
    corrected = note_correct(note=original, actor=officer, text="Visited 12 Elm Close", reason="Wrong street")
    assert Note.objects.get(pk=original.pk).text == "Visited 12 Elm Road"
    assert corrected.corrects == original and corrected.correction_reason == "Wrong street"
    with pytest.raises(ApplicationError, match="already been corrected"):
        note_correct(note=original, actor=officer, text="again", reason="again")


def test_documents_are_checked_by_content_not_name(officer, case):
    document = document_upload(
        case=case,
        actor=officer,
        kind=DocumentKind.LETTER,
        title="Letter to parent",
        uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
    )
    assert document.content_type == "application/pdf" and document.size_bytes == len(PDF)
    assert "letter" not in document.file.name  # the stored name reveals nothing
    with pytest.raises(DocumentRefused, match="must be a PDF"):
        document_upload(
            case=case,
            actor=officer,
            kind=DocumentKind.LETTER,
            title="Not really a PDF",
            uploaded_file=SimpleUploadedFile("evil.pdf", b"#!/bin/sh\nrm -rf /\n"),
        )
    image = document_upload(
        case=case,
        actor=officer,
        kind=DocumentKind.PHOTO,
        title="Calling card",
        uploaded_file=SimpleUploadedFile("card.txt", PNG),
    )
    assert image.content_type == "image/png"


def test_word_and_excel_files_are_told_apart_from_other_zips(officer, case):
    import io
    import zipfile

    def archive(part: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            zipped.writestr("[Content_Types].xml", "<Types/>")
            zipped.writestr(part, "<x/>")
        return buffer.getvalue()

    word = document_upload(
        case=case,
        actor=officer,
        kind=DocumentKind.FORM,
        title="Form",
        uploaded_file=SimpleUploadedFile("form.docx", archive("word/document.xml")),
    )
    assert word.content_type.endswith("wordprocessingml.document")
    with pytest.raises(DocumentRefused):
        document_upload(
            case=case,
            actor=officer,
            kind=DocumentKind.OTHER,
            title="Zip",
            uploaded_file=SimpleUploadedFile("form.docx", archive("payload.exe")),
        )


def test_documents_over_the_size_limit_are_refused(officer, case, settings):
    settings.CME_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(DocumentRefused, match="smaller than"):
        document_upload(
            case=case,
            actor=officer,
            kind=DocumentKind.LETTER,
            title="Big",
            uploaded_file=SimpleUploadedFile("big.pdf", PDF),
        )


def test_every_download_is_recorded(officer, case):
    document = document_upload(
        case=case,
        actor=officer,
        kind=DocumentKind.LETTER,
        title="Letter",
        uploaded_file=SimpleUploadedFile("letter.pdf", PDF),
    )
    download = document_download_open(document=document, actor=officer)
    assert download.file.read() == PDF
    download.file.close()
    assert DocumentDownload.objects.filter(document=document, downloaded_by=officer).count() == 1
