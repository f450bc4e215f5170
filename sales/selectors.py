"""Read queries about recommendations, offers and sales."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.models import Client
from staff.models import PayRate, StaffMember

from .models import DepartmentExpense, Offer, Recommendation, Sale


def offers_for_client(client) -> QuerySet[Offer]:
    return Offer.objects.filter(client=client).select_related(
        "service", "product", "plan", "manager"
    )


def sales_for_client(client) -> QuerySet[Sale]:
    return Sale.objects.filter(client=client).select_related(
        "service", "product", "membership__plan", "department"
    )


def pending_recommendations_for(clients) -> QuerySet[Recommendation]:
    """Specialists' recommendations waiting for a decision, for the given clients."""
    return (
        Recommendation.objects.filter(status=Recommendation.Status.PENDING, client__in=clients)
        .select_related("client", "specialist", "service", "product")
        .order_by("created_at")
    )


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = month.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


def _local_day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def turnover(*, department, start: datetime.date, end: datetime.date) -> Decimal:
    """Sum of the ledger (refunds included, negative) for the department between the club-local
    dates ``start`` and ``end`` inclusive."""
    total = Sale.objects.filter(
        department=department,
        sold_at__gte=_local_day_start(start),
        sold_at__lt=_local_day_start(end + datetime.timedelta(days=1)),
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def rates_in_force(staff, on: datetime.date):
    """Each staff member annotated with the pay rate effective on ``on`` (rate_salary,
    rate_head, rate_percent); a rate changed later never changes an earlier month."""
    rate = PayRate.objects.filter(staff_member=OuterRef("pk"), effective_from__lte=on).order_by("-effective_from")
    return staff.annotate(
        rate_salary=Subquery(rate.values("monthly_salary")[:1]),
        rate_head=Subquery(rate.values("head_rate")[:1]),
        rate_percent=Subquery(rate.values("profit_share_percent")[:1]),
    )


def pay_report(*, month: datetime.date, department) -> dict:
    """The block's month, every line of the arithmetic:

    block profit = turnover (the ledger) − consumables (expenses of that kind) − staff salaries
    (monthly salary, in force at the month's end, of the block's staff employed then);
    the head manager earns salary + head-of-block rate + share % × max(profit, 0).
    """
    start, end = month_bounds(month)
    staff = rates_in_force(
        StaffMember.objects.filter(department=department, is_active=True)
        .filter(Q(hired_on__isnull=True) | Q(hired_on__lte=end)),
        end,
    ).order_by("-is_head_of_department", "last_name")
    staff = list(staff)
    consumables = DepartmentExpense.objects.filter(
        department=department, kind=DepartmentExpense.Kind.CONSUMABLES,
        incurred_on__gte=start, incurred_on__lte=end,
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    sales_total = turnover(department=department, start=start, end=end)
    salaries = sum((m.rate_salary or Decimal("0")) for m in staff) or Decimal("0.00")
    profit = sales_total - consumables - salaries
    head = next((m for m in staff if m.is_head_of_department), None)
    head_pay = None
    if head is not None:
        share = (head.rate_percent or Decimal("0")) / Decimal(100) * max(profit, Decimal("0"))
        head_pay = {
            "member": head,
            "salary": head.rate_salary or Decimal("0.00"),
            "head_rate": head.rate_head or Decimal("0.00"),
            "percent": head.rate_percent or Decimal("0.00"),
            "share": share.quantize(Decimal("0.01")),
            "total": ((head.rate_salary or 0) + (head.rate_head or 0) + share).quantize(Decimal("0.01")),
        }
    return {
        "department": department, "start": start, "end": end, "turnover": sales_total,
        "consumables": consumables, "staff": staff, "salaries": Decimal(salaries).quantize(Decimal("0.01")),
        "profit": profit.quantize(Decimal("0.01")), "head": head_pay,
    }


def ambassadors(*, clients: QuerySet[Client], limit: int = 50):
    """Of ``clients``, those who brought other clients, ranked by how many, then by their
    referrals' revenue."""
    revenue = Sale.objects.filter(client__referred_by=OuterRef("pk")).order_by().values("client__referred_by").annotate(
        total=Sum("amount")
    ).values("total")[:1]
    return (
        clients.annotate(referral_count=Count("referrals", distinct=True))
        .filter(referral_count__gt=0)
        .annotate(referral_revenue=Coalesce(Subquery(revenue), Value(Decimal("0.00")), output_field=DecimalField()))
        .select_related("assigned_manager")
        .order_by("-referral_count", "-referral_revenue", "last_name")[:limit]
    )
