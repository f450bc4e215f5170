"""Writes of the sales app, each validated and run in one transaction: selling cards and
one-off services into the ledger (``selling``); offers under the upsell policy,
recommendations and promotion sends (``advice``)."""

from .advice import (
    OFFER_WINDOW_DAYS,
    offer_allowance,
    offer_record,
    offer_set_outcome,
    policy_for,
    promotion_send,
    recommendation_create,
    recommendation_decide,
)
from .selling import (
    MANUAL_DISCOUNT_MAX_PERCENT,
    AlreadySold,
    department_for_plan,
    manual_discount_limit,
    membership_sale_row,
    membership_sell,
    promotion_discount,
    sale_record,
    service_sell,
)

__all__ = [
    "MANUAL_DISCOUNT_MAX_PERCENT",
    "OFFER_WINDOW_DAYS",
    "AlreadySold",
    "department_for_plan",
    "manual_discount_limit",
    "membership_sale_row",
    "membership_sell",
    "offer_allowance",
    "offer_record",
    "offer_set_outcome",
    "policy_for",
    "promotion_discount",
    "promotion_send",
    "recommendation_create",
    "recommendation_decide",
    "sale_record",
    "service_sell",
]
