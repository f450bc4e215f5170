"""Directors, managers and the front desk may look users up (the admin's user search boxes)."""

from django.db import migrations


def sync(apps, schema_editor):
    """Nothing any more: the groups are synced after every migrate (core.capabilities.sync_roles,
    connected in accompaniment.apps), so that they always hold what the code declares."""


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0002_periodic_tasks")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
