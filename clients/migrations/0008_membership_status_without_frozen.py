""""Frozen" stops being a membership status: a freeze is a row and frozen is computed for a day
(clients.rules). No code ever set the status; a card an administrator or an import marked
"frozen" keeps being frozen: it becomes active with an open freeze from today (or from its start,
if later), unless it has ended or already has an open freeze."""

from django.db import migrations, models
from django.utils import timezone

REASON = "Marked frozen by its status before freezes were kept as rows"


def frozen_status_to_freezes(apps, schema_editor):
    Membership = apps.get_model("clients", "Membership")
    Freeze = apps.get_model("clients", "Freeze")
    today = timezone.localdate()
    for membership in Membership.objects.filter(status="frozen"):
        if membership.end_date >= today and not Freeze.objects.filter(
            membership=membership, end_date__isnull=True
        ).exists():
            Freeze.objects.create(
                membership=membership, start_date=max(membership.start_date, today), reason=REASON
            )
    Membership.objects.filter(status="frozen").update(status="active")


def status_field():
    return models.CharField(
        choices=[("active", "Active"), ("cancelled", "Cancelled")], default="active", max_length=10,
        verbose_name="status",
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0007_outbox_sending_and_vocabularies")]

    operations = [
        migrations.RunPython(frozen_status_to_freezes, migrations.RunPython.noop),
        migrations.AlterField(model_name="membership", name="status", field=status_field()),
        migrations.AlterField(model_name="historicalmembership", name="status", field=status_field()),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["active", "cancelled"]),
                name="membership_status_known",
                violation_error_message="A membership is active or cancelled.",
            ),
        ),
    ]
