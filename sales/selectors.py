"""Read queries about recommendations, offers and sales."""

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from clients.models import Client
from clients.selectors import renewal_plan
from clients.services import renewal_start_date
from staff.models import Department

from . import finance
from .models import Offer, Recommendation, Sale


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


def pay_report(*, month: datetime.date, department) -> dict:
    """The block's month, every line of the arithmetic (``sales.finance``): turnover,
    consumables, each working staff member's salary in force at the month's end, block profit,
    and the head's pay. Two queries."""
    start, end = month_bounds(month)
    block = finance.blocks(Department.objects.filter(pk=department.pk), start=start, end=end)[0]
    staff = list(finance.block_staff(department, end))
    head = next((m for m in staff if m.is_head_of_department), None)
    return {
        "department": department, "start": start, "end": end, "turnover": block.turnover,
        "consumables": block.consumables, "staff": staff, "salaries": block.salaries,
        "profit": block.profit, "head": None if head is None else finance.head_pay(head, block.profit),
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


def sale_defaults(client) -> dict:
    """What every form that sells ``client`` a card fills in by itself — the card's page, the
    front desk and the admin site alike: the plan of their latest card (a renewal), and the
    start the day after their current card ends (or today)."""
    plan = renewal_plan(client)
    return {"plan": plan.pk if plan else None, "start_date": renewal_start_date(client)}
