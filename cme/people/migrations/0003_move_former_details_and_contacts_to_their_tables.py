"""Move former UPNs, former family names and carers' phones and emails into their own tables; fill search keys."""

from django.db import migrations

# The search keys must be computed exactly as child_search computes them today, so this uses the live function
# rather than a frozen copy; a later change to the key rules needs its own migration to re-key every row.
from cme.people.names import search_keys_fill

BATCH = 2000
CHILD_KEYS = ["given_name_key", "preferred_name_key", "family_name_key", "family_name_part_key"]
PERSON_KEYS = ["given_name_key", "family_name_key", "family_name_part_key"]


def forwards(apps, schema_editor):
    Child = apps.get_model("people", "Child")
    Carer = apps.get_model("people", "Carer")
    FormerUpn = apps.get_model("people", "FormerUpn")
    PersonName = apps.get_model("people", "PersonName")
    ContactPoint = apps.get_model("people", "ContactPoint")

    children = [search_keys_fill(child) for child in Child.objects.all()]
    Child.objects.bulk_update(children, CHILD_KEYS, batch_size=BATCH)
    FormerUpn.objects.bulk_create(
        [FormerUpn(child=child, upn=child.former_upn) for child in children if child.former_upn], batch_size=BATCH
    )
    PersonName.objects.bulk_create(
        [
            search_keys_fill(PersonName(child=child, kind="former", family_name=child.former_family_name))
            for child in children
            if child.former_family_name
        ],
        batch_size=BATCH,
    )

    carers = [search_keys_fill(carer) for carer in Carer.objects.all()]
    Carer.objects.bulk_update(carers, PERSON_KEYS, batch_size=BATCH)
    contacts = []
    for carer in carers:
        if carer.phone_mobile:
            contacts.append(ContactPoint(carer=carer, kind="phone", label="mobile", value=carer.phone_mobile))
        if carer.phone_home:
            contacts.append(ContactPoint(carer=carer, kind="phone", label="home", value=carer.phone_home))
        if carer.email:
            contacts.append(ContactPoint(carer=carer, kind="email", label="", value=carer.email))
    ContactPoint.objects.bulk_create(contacts, batch_size=BATCH)


def backwards(apps, schema_editor):
    """Put back the first of each into the single columns; anything beyond the first is lost on the way back."""
    Child = apps.get_model("people", "Child")
    Carer = apps.get_model("people", "Carer")
    FormerUpn = apps.get_model("people", "FormerUpn")
    PersonName = apps.get_model("people", "PersonName")
    ContactPoint = apps.get_model("people", "ContactPoint")

    for former in FormerUpn.objects.order_by("-pk"):
        Child.objects.filter(pk=former.child_id).update(former_upn=former.upn)
    for name in PersonName.objects.filter(child__isnull=False, kind="former").exclude(family_name="").order_by("-pk"):
        Child.objects.filter(pk=name.child_id).update(former_family_name=name.family_name)
    columns = {("phone", "mobile"): "phone_mobile", ("phone", "home"): "phone_home", ("email", ""): "email"}
    for contact in ContactPoint.objects.filter(carer__isnull=False).order_by("-pk"):
        column = columns.get((contact.kind, contact.label))
        if column:
            Carer.objects.filter(pk=contact.carer_id).update(**{column: contact.value})
    FormerUpn.objects.all().delete()
    PersonName.objects.all().delete()
    ContactPoint.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0002_names_contacts_former_upns_and_versions")]

    operations = [migrations.RunPython(forwards, backwards)]
