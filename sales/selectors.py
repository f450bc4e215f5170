"""Read queries about recommendations, offers and sales."""

from django.db.models import QuerySet

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
