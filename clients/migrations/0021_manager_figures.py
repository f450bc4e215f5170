from django.db import migrations


def install(apps, schema_editor):
    """The trigger that bumps the version of the figures kept per manager when a client moves to
    another manager (``clients/rollups.py``, "figures: managers")."""
    from core import rollups

    rollups.install(["figures: managers"], schema_editor.connection)


def uninstall(apps, schema_editor):
    from core import rollups

    rollups.uninstall(["figures: managers"], schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0020_clientspermanager'),
    ]

    operations = [
        migrations.RunPython(install, uninstall),
    ]
