"""Once wrote the reminder schedules to django-celery-beat; now does nothing.

The club's periodic tasks are written by ``manage.py setup_periodic_tasks``
(``accompaniment/periodic_tasks.py``), which creates them on a new database and updates the rows
this migration wrote on an existing one. Kept, empty, because later migrations depend on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accompaniment", "0001_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = []
