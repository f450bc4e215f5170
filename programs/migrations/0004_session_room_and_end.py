"""Sessions get their client, a room, an end and the time the specialist and the room stay busy:
existing sessions end after their duration (``ends_at = busy_until = scheduled_at + duration``)
and belong to their program's client."""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_ends_and_clients(apps, schema_editor):
    Session = apps.get_model("programs", "Session")
    ProgramItem = apps.get_model("programs", "ProgramItem")
    Session.objects.update(client_id=Subquery(
        ProgramItem.objects.filter(pk=OuterRef("item_id")).values("program__client_id")[:1]
    ))
    for session in Session.objects.only("scheduled_at", "duration_minutes").iterator(chunk_size=2000):
        end = session.scheduled_at + datetime.timedelta(minutes=session.duration_minutes)
        Session.objects.filter(pk=session.pk).update(ends_at=end, busy_until=end)


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0011_task_freeze_request'),
        ('programs', '0003_history'),
        ('staff', '0006_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='programitem',
            name='unplaced',
            field=models.TextField(blank=True, editable=False, help_text='Sessions the planner could not place, with the reason (the program page lists them).', verbose_name='not placed'),
        ),
        migrations.AddField(
            model_name='session',
            name='busy_until',
            field=models.DateTimeField(editable=False, null=True, verbose_name='busy until'),
        ),
        migrations.AddField(
            model_name='session',
            name='cancel_reason',
            field=models.CharField(blank=True, max_length=255, verbose_name='reason for cancelling'),
        ),
        migrations.AddField(
            model_name='session',
            name='client',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='clients.client', verbose_name='client'),
        ),
        migrations.AddField(
            model_name='session',
            name='ends_at',
            field=models.DateTimeField(null=True, verbose_name='ends at'),
        ),
        migrations.AddField(
            model_name='session',
            name='room',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='staff.room', verbose_name='room'),
        ),
        migrations.AddField(
            model_name='session',
            name='room_exclusive',
            field=models.BooleanField(default=False, editable=False, help_text='The room holds one client at a time: the database refuses an overlap in it.', verbose_name='room for one'),
        ),
        migrations.RunPython(fill_ends_and_clients, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='session',
            name='client',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='clients.client', verbose_name='client'),
        ),
        migrations.AlterField(
            model_name='session',
            name='ends_at',
            field=models.DateTimeField(verbose_name='ends at'),
        ),
        migrations.AlterField(
            model_name='session',
            name='busy_until',
            field=models.DateTimeField(editable=False, verbose_name='busy until'),
        ),
        migrations.AddIndex(
            model_name='session',
            index=models.Index(fields=['room', 'scheduled_at'], name='session_room_idx'),
        ),
        migrations.AddIndex(
            model_name='session',
            index=models.Index(fields=['client', 'scheduled_at'], name='session_client_idx'),
        ),
        migrations.AddConstraint(
            model_name='session',
            constraint=models.CheckConstraint(condition=models.Q(('busy_until__gte', models.F('ends_at')), ('ends_at__gt', models.F('scheduled_at'))), name='session_ends_after_start', violation_error_message='A session ends after it starts.'),
        ),
    ]
