"""Every existing membership plan gets the department its sales were booked to until now.

That was the settings map MEMBERSHIP_CATEGORY_DEPARTMENTS (removed with this migration), by the
plan's category: gym, group training and all inclusive → fitness, SPA → spa, cosmetology →
cosmetology; a code the club has no department for → the first department (by id), as the
ledger did. With no department at all nothing was ever sold: the plans stay without one, and
the plan's form asks for it.
"""

from django.db import migrations

OLD_MAP = {"gym": "fitness", "group": "fitness", "all": "fitness", "spa": "spa", "cosmetology": "cosmetology"}


def plans_to_departments(apps, schema_editor):
    MembershipPlan = apps.get_model("clients", "MembershipPlan")
    Department = apps.get_model("staff", "Department")
    codes = set(Department.objects.values_list("code", flat=True))
    first = Department.objects.order_by("id").values_list("code", flat=True).first()
    for plan in MembershipPlan.objects.filter(department_code=""):
        code = OLD_MAP.get(plan.category)
        plan.department_code = code if code in codes else (first or "")
        plan.save(update_fields=["department_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0009_membershipplan_department_code"),
        ("staff", "0003_history"),
    ]

    operations = [migrations.RunPython(plans_to_departments, migrations.RunPython.noop)]
