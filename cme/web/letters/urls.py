"""The council's letter templates: `web:letters:…` (letters on a case and school attendance orders are under cases)."""

from django.urls import path

from . import views

letter_urls = (
    [
        path("", views.LetterTemplateListView.as_view(), name="template-list"),
        path("<str:letter_kind>/", views.LetterTemplateEditView.as_view(), name="template-edit"),
    ],
    "letters",
)
