"""Teams and partner organisations are made through the accounts services, each with its audit entry."""

import pytest

from cme.accounts.enums import OrganisationKind
from cme.accounts.services import organisation_create, team_create
from cme.audit.events import AuditEvent
from cme.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_new_team_and_a_new_organisation_are_on_the_audit_trail(sysadmin):
    team = team_create(actor=sysadmin, name="North team")
    organisation = organisation_create(actor=sysadmin, name="Wyndley Police", kind=next(iter(OrganisationKind)))
    entries = AuditEntry.objects.filter(event=AuditEvent.SETTINGS_CHANGED, actor_id=sysadmin.pk).order_by("pk")
    assert [(entry.target_type, entry.target_id, entry.payload_data) for entry in entries] == [
        ("accounts.team", str(team.pk), {"team": "created"}),
        ("accounts.organisation", str(organisation.pk), {"organisation": "created"}),
    ]
