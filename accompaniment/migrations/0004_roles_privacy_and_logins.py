"""Directors read the health-data access log and the erasures; directors and the front desk
see login attempts and lift lockouts."""

from django.db import migrations


def sync(apps, schema_editor):
    """Nothing any more: the groups are synced after every migrate (core.capabilities.sync_roles,
    connected in accompaniment.apps), so that they always hold what the code declares."""


class Migration(migrations.Migration):
    dependencies = [
        ("accompaniment", "0003_roles_view_users"),
        ("clients", "0005_history_and_privacy"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
