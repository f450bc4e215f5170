"""A late cancel is a status of its own (``late_cancelled``, longer than the column was), and frees
the time like a cancel: on PostgreSQL the exclusion constraints are made again with
``programs.constraints.NOT_CANCELLED`` covering both. A late cancel or a no-show may use a visit
of the client's card (the plan's rule): the session keeps that visit."""

import django.db.models.deletion
from django.db import migrations, models


def _constraints(apps, schema_editor, method):
    if schema_editor.connection.vendor != "postgresql":
        return
    from programs.constraints import exclusion_constraints

    Session = apps.get_model("programs", "Session")
    for constraint in exclusion_constraints():
        getattr(schema_editor, method)(Session, constraint)


def add_constraints(apps, schema_editor):
    _constraints(apps, schema_editor, "add_constraint")


def remove_constraints(apps, schema_editor):
    _constraints(apps, schema_editor, "remove_constraint")


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0015_plan_attendance_rules'),
        ('programs', '0006_session_confirmed'),
    ]

    operations = [
        migrations.RunPython(remove_constraints, add_constraints),
        migrations.AddField(
            model_name='session',
            name='visit',
            field=models.OneToOneField(blank=True, editable=False, help_text="The visit a late cancel or a no-show used up on the client's card, by the plan's rule.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='session', to='clients.visit', verbose_name='visit used'),
        ),
        migrations.AlterField(
            model_name='session',
            name='status',
            field=models.CharField(choices=[('planned', 'Planned'), ('done', 'Done'), ('missed', 'Missed'), ('cancelled', 'Cancelled'), ('late_cancelled', 'Cancelled late')], default='planned', max_length=16, verbose_name='status'),
        ),
        migrations.RunPython(add_constraints, remove_constraints),
    ]
