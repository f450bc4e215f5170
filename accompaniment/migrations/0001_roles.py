"""The four role groups (today created and synced after every migrate: core.capabilities)."""

from django.db import migrations


def create_roles(apps, schema_editor):
    """Nothing any more: the groups are synced after every migrate (core.capabilities.sync_roles,
    connected in accompaniment.apps), so that they always hold what the code declares."""


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clients", "0001_initial"),
        ("staff", "0001_initial"),
        ("programs", "0001_initial"),
        ("sales", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
