"""On PostgreSQL the database itself refuses overlapping sessions (btree_gist, exclusion
constraints over ``tstzrange(scheduled_at, busy_until)``), for sessions not cancelled:

- ``session_specialist_no_overlap``: one specialist, one session at a time (with its buffer);
- ``session_client_no_overlap``: a client is never in two places (``tstzrange(scheduled_at, ends_at)``);
- ``session_room_no_overlap``: a room that holds one client (``room_exclusive``) holds one session.

Rooms for more are counted by ``programs.scheduling`` under a row lock on the room. SQLite has no
such constraints: there the booking service checks inside its transaction (SQLite serialises
writers). The constraints are not in the model's Meta (Django would try to validate them on SQLite
too); ``programs.scheduling.EXCLUSION_CONSTRAINTS`` names them, and the service's checks agree.
"""

from django.db import migrations


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    from programs.constraints import exclusion_constraints

    Session = apps.get_model("programs", "Session")
    for constraint in exclusion_constraints():
        schema_editor.add_constraint(Session, constraint)


def remove_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from programs.constraints import exclusion_constraints

    Session = apps.get_model("programs", "Session")
    for constraint in exclusion_constraints():
        schema_editor.remove_constraint(Session, constraint)


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0004_session_room_and_end"),
    ]

    operations = [
        migrations.RunPython(add_constraints, remove_constraints),
    ]
