"""The membership rules templates need, so that no template types a threshold.

``{% load membership_rules %}`` then ``{% if days_left|expiring_soon %}`` (``clients.rules
.is_expiring_soon``) and ``{% expiring_soon_days %}`` (``clients.rules.EXPIRING_SOON_DAYS``).
"""

from django import template

from clients import rules

register = template.Library()


@register.filter
def expiring_soon(days_left) -> bool:
    """Whether a running card with ``days_left`` days left (end date − today) is expiring soon."""
    return rules.is_expiring_soon(days_left)


@register.simple_tag
def expiring_soon_days() -> int:
    return rules.EXPIRING_SOON_DAYS
