"""A plan's department in the admin site (``clients.plan_departments``): chosen from the club's
departments by name in the plan's form, shown and filtered by name in the list."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import plan_departments


class PlanDepartmentListFilter(admin.SimpleListFilter):
    """The plans of one of the club's departments."""

    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return plan_departments.DEPARTMENTS.choices()

    def queryset(self, request, queryset):
        return queryset.filter(department_code=self.value()) if self.value() else queryset


class PlanChangeList(ChangeList):
    """Names each listed plan's department with one look at the departments."""

    def get_results(self, request):
        super().get_results(request)
        names = dict(plan_departments.DEPARTMENTS.choices())
        for plan in self.result_list:
            plan.department_name = names.get(plan.department_code, plan.department_code)


class PlanDepartmentAdminMixin:
    """For the plans' admin: the department as a choice, and by name in the list (``department``)."""

    def get_changelist(self, request, **kwargs):
        return PlanChangeList

    @admin.display(description=_("department"), ordering="department_code")
    def department(self, plan):
        return getattr(plan, "department_name", plan.department_code)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "department_code":
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name), help_text=db_field.help_text,
                choices=plan_departments.form_choices,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
