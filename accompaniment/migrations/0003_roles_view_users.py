"""Directors, managers and the front desk may look users up (the admin's user search boxes)."""

from django.db import migrations


def sync(apps, schema_editor):
    from accompaniment.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0002_periodic_tasks")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
