"""A real match run on a small synthetic borough (the demo's), through the real import service and linkage engine:
every candidate page it gives, of every kind, shows its evidence in plain words, with a waterfall chart for each pair
the run kept weights for, and no technical name (issue 16 point 4)."""

import re

import pytest
from django.urls import reverse

from cme.matching.models import MatchCandidate
from tests.web.test_candidate_evidence_pages import technical_tokens, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_run(settings):
    from cme.demo.generator import generate_borough
    from cme.demo.loader import demo_data_load

    settings.CME_DEMO = True
    return demo_data_load(borough=generate_borough(seed=7, children=200, schools=6))


def test_every_candidate_page_of_a_real_run_speaks_plain_words(demo_run, sign_in):
    from cme.accounts.models import User

    client = sign_in(User.objects.get(username="officer"))
    candidates = list(MatchCandidate.objects.select_related("last_run"))
    assert len({c.kind for c in candidates}) >= 1 and len(candidates) >= 3
    found, charts = {}, 0
    for candidate in candidates:
        response = client.get(reverse("web:matching:candidate", args=[candidate.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        found[candidate.pk] = technical_tokens(html)
        assert "Raised because" in visible_text(html)
        weighted = [link for link in candidate.evidence.get("links", []) if link.get("field_weights")]
        roll = candidate.evidence.get("closest_roll_entry") or candidate.evidence.get("roll_entry") or {}
        expected = len(weighted) + bool(roll.get("field_weights"))
        assert len(re.findall(r'<svg[^>]*role="img"', html)) == expected
        charts += expected
    assert found == {pk: [] for pk in found}
    assert charts >= 1
    run = candidates[0].last_run
    assert technical_tokens(client.get(reverse("web:matching:run", args=[run.pk])).content.decode()) == []
    assert technical_tokens(client.get(reverse("web:matching:model-over-time")).content.decode()) == []
