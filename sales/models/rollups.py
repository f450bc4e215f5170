"""The rollup beside the ledger, kept in step by database triggers (``sales/rollups.py``): never
written by the product's code, read by the dashboard."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.models import Department


class DailyRevenue(models.Model):
    """The ledger's rows summed per club-local day and department: revenue (refunds negative)
    and the number of rows."""

    day = models.DateField(_("day"))
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    revenue = models.DecimalField(_("revenue"), max_digits=16, decimal_places=2)
    sales = models.IntegerField(_("ledger rows"))

    class Meta:
        verbose_name = _("revenue of a day")
        verbose_name_plural = _("revenue per day")
        constraints = [models.UniqueConstraint(fields=["day", "department"], name="dailyrevenue_day_dept_uniq")]
