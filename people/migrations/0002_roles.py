from django.db import migrations

ROLES = [
    ("writer", "Writer", "Written by", 10),
    ("translator", "Translator", "Translated by", 20),
    ("editor", "Editor", "Edited by", 30),
    ("photographer", "Photographer", "Photos by", 40),
    ("attendee", "Attendee", "Attendees", 50),
]


def add_roles(apps, schema_editor):
    Role = apps.get_model("people", "Role")
    for slug, name, label, order in ROLES:
        Role.objects.update_or_create(
            slug=slug, defaults={"name": name, "credit_label": label, "order": order}
        )


def remove_roles(apps, schema_editor):
    apps.get_model("people", "Role").objects.filter(
        slug__in=[r[0] for r in ROLES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_roles, remove_roles)]
