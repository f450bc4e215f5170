"""A membership plan belongs to a department, by code (``clients.plan_departments``). Existing
plans get theirs from the old settings map in ``staff``'s next migration, which knows the
departments."""

from django.db import migrations, models

import clients.plan_departments


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0008_membership_status_without_frozen"),
    ]

    operations = [
        migrations.AddField(
            model_name="membershipplan",
            name="department_code",
            field=models.CharField(
                default="",
                help_text="The department whose turnover the plan's sales count in.",
                max_length=30,
                validators=[clients.plan_departments.validate_department_code],
                verbose_name="department",
            ),
            preserve_default=False,
        ),
    ]
