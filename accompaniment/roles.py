"""Which model permissions each role's group holds (used by the roles data migration).

Pages check finer rules (a manager sees only their own clients, a specialist never sees
contacts); these permissions decide what each role may do in the admin site.
"""

from core.roles import ADMINISTRATOR, DIRECTOR, MANAGER, SPECIALIST

VIEW = ("view",)
EDIT = ("view", "add", "change")
ALL = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    DIRECTOR: {
        "clients.client": ALL,
        "clients.contraindication": ALL,
        "clients.measurement": ALL,
        "clients.membershipplan": ALL,
        "clients.membership": ALL,
        "clients.freeze": ALL,
        "clients.visit": ALL,
        "clients.interaction": ALL,
        "clients.task": ALL,
        "clients.notification": EDIT,
        "staff.department": ALL,
        "staff.staffmember": ALL,
        "staff.payrate": ALL,
        "staff.service": ALL,
        "staff.feedback": ALL,
        "staff.surveyresponse": VIEW,
        "staff.competencyassessment": ALL,
        "staff.competencyscore": ALL,
        "programs.programtemplate": ALL,
        "programs.programtemplateitem": ALL,
        "programs.program": ALL,
        "programs.programitem": ALL,
        "programs.session": ALL,
        "sales.product": ALL,
        "sales.recommendation": ALL,
        "sales.offer": ALL,
        "sales.sale": ALL,
        "sales.upsellpolicy": ALL,
        "sales.promotion": ALL,
        "sales.departmentexpense": ALL,
        "django_celery_beat.periodictask": ALL,
        "django_celery_beat.crontabschedule": ALL,
        "django_celery_beat.intervalschedule": ALL,
        "auth.user": VIEW,
        "clients.userpreference": VIEW,
        "clients.healthdataaccess": VIEW,
        "clients.clienterasure": VIEW,
        # Login protection: see the attempts, lift a lockout by deleting its row.
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": VIEW,
    },
    MANAGER: {
        "clients.client": EDIT,
        "clients.contraindication": VIEW,
        "clients.measurement": EDIT,
        "clients.membershipplan": VIEW,
        "clients.membership": EDIT,
        "clients.freeze": EDIT,
        "clients.visit": EDIT,
        "clients.interaction": ALL,
        "clients.task": ALL,
        "clients.notification": VIEW,
        "staff.department": VIEW,
        "staff.staffmember": VIEW,
        "staff.service": VIEW,
        "staff.feedback": EDIT,
        "staff.surveyresponse": VIEW,
        "programs.programtemplate": VIEW,
        "programs.programtemplateitem": VIEW,
        "programs.program": EDIT,
        "programs.programitem": ALL,
        "programs.session": EDIT,
        "sales.product": VIEW,
        "sales.recommendation": ("view", "change"),
        "sales.offer": EDIT,
        "sales.sale": ("view", "add"),
        "sales.upsellpolicy": VIEW,
        "sales.promotion": VIEW,
        "auth.user": VIEW,
    },
    SPECIALIST: {
        "clients.contraindication": VIEW,
        "clients.measurement": ("view", "add"),
        "staff.service": VIEW,
        "staff.feedback": VIEW,
        "programs.session": ("view", "change"),
        "sales.product": VIEW,
        "sales.recommendation": ("view", "add"),
    },
    ADMINISTRATOR: {
        "clients.client": EDIT,
        "clients.contraindication": EDIT,
        "clients.measurement": EDIT,
        "clients.membershipplan": EDIT,
        "clients.membership": EDIT,
        "clients.freeze": EDIT,
        "clients.visit": ALL,
        "clients.interaction": VIEW,
        "clients.task": VIEW,
        "clients.notification": VIEW,
        "staff.department": EDIT,
        "staff.staffmember": EDIT,
        "staff.service": EDIT,
        "staff.feedback": ("view", "add"),
        "programs.programtemplate": EDIT,
        "programs.programtemplateitem": ALL,
        "programs.session": VIEW,
        "sales.product": EDIT,
        "sales.sale": ("view", "add"),
        "sales.promotion": VIEW,
        "sales.departmentexpense": EDIT,
        "auth.user": VIEW,
        "axes.accessattempt": ("view", "delete"),
    },
}

# Roles whose members work in the admin site (it sets User.is_staff for them).
ADMIN_SITE_ROLES = {DIRECTOR, MANAGER, ADMINISTRATOR}


def sync_roles(apps) -> None:
    """Create the groups and give each exactly the permissions above (idempotent)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, model_actions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for label, actions in model_actions.items():
            app_label, model = label.split(".")
            codenames = [f"{action}_{model}" for action in actions]
            found = list(
                Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
            if len(found) != len(codenames):
                missing = set(codenames) - {p.codename for p in found}
                raise LookupError(f"Permissions not found for {role}: {app_label}.{missing}")
            wanted.extend(found)
        group.permissions.set(wanted)
