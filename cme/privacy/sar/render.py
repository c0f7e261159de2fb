"""Applying a pack's redactions and writing it out: the JSON for machines and the PDF (WeasyPrint) for people.

Both come from one redacted view (`redacted_view`), so they cannot say different things. A draft is marked DRAFT
in both; only an approved pack is written without the mark (cme.privacy.sar.services).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

from django.template.loader import render_to_string

from cme.privacy.models import RedactionReason

WITHHELD = "[withheld: see redaction {number}]"


def _reason_label(code: str) -> str:
    try:
        return str(RedactionReason(code).label)
    except ValueError:
        return code


def _numbered(redactions: Iterable[dict]) -> list[dict]:
    """The redactions in force, numbered in the order they appear in the pack."""
    return [{**redaction, "number": number} for number, redaction in enumerate(redactions, start=1)]


def _apply_spans(text: str, spans: list[dict]) -> str:
    out, position = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        start, end = span["start"], span["end"]
        if start < position:  # overlapping a span already withheld
            start = position
        if end <= start:
            continue
        out.append(text[position:start])
        out.append(WITHHELD.format(number=span["number"]))
        position = end
    out.append(text[position:])
    return "".join(out)


def redacted_view(content: dict, redactions: Iterable[dict], *, draft: bool, pack: dict) -> dict:
    """The pack as the requester gets it: every redaction in force applied, each named with its reason.

    `redactions`: dicts with item, field, start, end, reason (and optionally note), in force only.
    """
    order = {section["model"]: index for index, section in enumerate(content["sections"])}
    positions = {}
    for section in content["sections"]:
        for index, item in enumerate(section["items"]):
            positions[item["key"]] = (order[section["model"]], index)
    in_pack = [r for r in redactions if r["item"] in positions]
    in_pack.sort(key=lambda r: (positions[r["item"]], r["field"], r["start"] or 0))
    numbered = _numbered(in_pack)
    by_item: dict[str, list[dict]] = defaultdict(list)
    for redaction in numbered:
        by_item[redaction["item"]].append(redaction)

    sections = []
    for section in content["sections"]:
        items = []
        for item in section["items"]:
            found = by_item.get(item["key"], [])
            whole = next((r for r in found if not r["field"]), None)
            if whole is not None:
                items.append(
                    {"key": item["key"], "withheld": True, "redaction": whole["number"], "reason": whole["reason"]}
                )
                continue
            fields = []
            for field in item["fields"]:
                mine = [r for r in found if r["field"] == field["name"]]
                value = field["value"]
                entire = next((r for r in mine if r["start"] is None), None)
                if entire is not None:
                    value = WITHHELD.format(number=entire["number"])
                elif mine and value is not None:
                    value = _apply_spans(value, mine)
                fields.append({"name": field["name"], "label": field["label"], "value": value})
            items.append({"key": item["key"], "fields": fields})
        sections.append({"model": section["model"], "title": section["title"], "items": items})

    withheld_documents = {r["item"] for r in numbered if not r["field"]}
    return {
        "status": "DRAFT - not for release" if draft else "Final",
        "pack": pack,
        "subject": content["subject"],
        "gathered_at": content["gathered_at"],
        "sections": sections,
        "documents": [
            {"key": document["key"], "file": document_file_name(document)}
            for document in content.get("documents", [])
            if document["key"] not in withheld_documents
        ],
        "redactions": [
            {
                "number": r["number"],
                "item": r["item"],
                "field": r["field"] or None,
                "part": "the whole record" if not r["field"] else ("all of it" if r["start"] is None else "words"),
                "reason": r["reason"],
                "reason_label": _reason_label(r["reason"]),
            }
            for r in numbered
        ],
        "not_gathered": content.get("not_gathered", []),
    }


def document_file_name(document: dict) -> str:
    return f"documents/{document['key'].replace(':', '-').replace('.', '-')}"


def pack_json(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False, indent=1, sort_keys=False)


def _line(item: dict) -> str:
    """One record as one paragraph of plain text: WeasyPrint lays out plain paragraphs far faster than marked-up
    ones, and a pack can hold thousands of records."""
    if item.get("withheld"):
        return f"{item['key']}: withheld (redaction {item['redaction']})"
    parts = [f"{field['label']}: {field['value']}" for field in item["fields"] if field["value"]]
    return f"{item['key']} \u2014 " + "; ".join(parts)


def pack_pdf(view: dict) -> bytes:
    from weasyprint import HTML

    sections = [
        {"title": section["title"], "count": len(section["items"]), "lines": [_line(i) for i in section["items"]]}
        for section in view["sections"]
    ]
    html = render_to_string("privacy/sar/pack_pdf.html", {"view": view, "sections": sections})
    return HTML(string=html).write_pdf()
