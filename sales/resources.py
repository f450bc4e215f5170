"""Importing and exporting memberships from the admin site: a new card in a file is sold.

The rows are read by the clients app's membership columns (``clients.resources``:
``membership_row_parse``); this resource finds what they name and writes them. A card the
club does not have yet is sold through ``sales.services.membership_sell`` — the same service
as the card's sell page, the accepted offer and the admin site — so that it is in the ledger
in the import's transaction; the file's own terms of the card (an end date moved by freezes,
visits already used, a cancellation) are then kept as the file says. A card the club has is
updated in place (no new sale).
"""


from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from clients.models import Client, Membership, MembershipPlan
from clients.rules import plan_end_date
from clients.resources import (
    FROM_PLAN,
    MEMBERSHIP_COLUMNS,
    ClubResource,
    VisitLimitWidget,
    chunked,
    client_contact,
    column_field,
    e164,
    membership_row_parse,
    natural_key_field,
    username,
    users_by_username,
    with_phones_in,
)

from .services import membership_sell

# What the file may say about a card beyond what selling it sets.
FILE_TERMS = ("end_date", "visit_limit", "visits_used", "status", "cancelled_on", "cancel_reason", "notes")


class MembershipResource(ClubResource):
    """Memberships, matched by card number; the client by phone or e-mail, the plan by name,
    the seller by username. A new membership is sold (``membership_sell``): its sale is written
    to the ledger in the import's transaction, as when it is sold at the desk."""

    row_parse = staticmethod(membership_row_parse)
    required_columns = (("card_number",), ("client",), ("plan",), ("start_date",))

    client = natural_key_field("client", client_contact)
    plan = natural_key_field("plan", str)
    sold_by = natural_key_field("sold_by", username)
    visit_limit = column_field("visit_limit", VisitLimitWidget())

    class Meta:
        model = Membership
        fields = tuple(MEMBERSHIP_COLUMNS)

    def load(self, rows):
        contacts = {row.references.get("client") for row in rows} - {None, ""}
        emails = {contact for contact in contacts if "@" in contact}
        self.clients = {e164(c.phone): c for c in with_phones_in(Client.objects, contacts - emails)}
        for chunk in chunked(emails):
            matching = Client.objects.annotate(email_key=Lower("email")).filter(email_key__in=chunk)
            self.clients |= {client.email_key: client for client in matching}
        self.plans = {plan.name.casefold(): plan for plan in MembershipPlan.objects.all()}
        self.users = users_by_username(row.references.get("sold_by") for row in rows)
        cards = [row.values.get("card_number") for row in rows]
        memberships = Membership.objects.select_related("client", "plan", "sold_by")
        self.by_card = {
            membership.card_number: membership
            for chunk in chunked(cards)
            for membership in memberships.filter(card_number__in=chunk)
        }

    def existing(self, parsed):
        return self.by_card.get(parsed.values.get("card_number"))

    def resolve(self, instance, parsed, errors):
        adding = instance._state.adding
        owner = None if adding else instance.client
        self.set_reference(
            instance, parsed, errors, "client", self.clients,
            _("No client has the phone or e-mail “%(value)s”."),
        )
        if owner is not None and instance.client_id != owner.pk and "client" not in errors:
            errors["client"] = [
                _(
                    "Card %(card)s belongs to another client, %(client)s; a card cannot move to "
                    "another client."
                ) % {"card": instance.card_number, "client": owner}
            ]
        self.set_reference(
            instance, parsed, errors, "plan", self.plans, _("There is no plan named “%(value)s”."),
            key=str.casefold,
        )
        self.set_reference(
            instance, parsed, errors, "sold_by", self.users, _("No user has the username “%(value)s”.")
        )
        plan = instance.plan if instance.plan_id else None
        limit = parsed.values.get("visit_limit", FROM_PLAN if adding else instance.visit_limit)
        instance.visit_limit = (plan.visit_limit if plan else None) if limit is FROM_PLAN else limit
        if plan and instance.end_date is None and instance.start_date:
            instance.end_date = plan_end_date(plan, instance.start_date)
        if plan and instance.price is None:
            instance.price = plan.price
        # Without a plan (or a start) the row is refused already; do not add "cannot be null".
        self.unchecked |= {name for name in ("end_date", "price") if getattr(instance, name) is None}

    def unique_in_file(self, instance):
        return {"card_number": instance.card_number}

    def do_instance_save(self, instance, is_create):
        """A new card is sold (its sale in the ledger), then given the file's own terms; a card
        the club has is updated as it is."""
        if not is_create:
            return super().do_instance_save(instance, is_create)
        sold = membership_sell(
            client=instance.client, plan=instance.plan, start_date=instance.start_date,
            seller=instance.sold_by or self.user, card_number=instance.card_number,
            price=instance.price, user=self.user, imported=True,
        )
        changed = [name for name in FILE_TERMS if getattr(instance, name) != getattr(sold, name)]
        for name in ("pk", "created_at", "created_by_id", "updated_at"):
            setattr(instance, name, getattr(sold, name))
        instance._state.adding = False
        if changed:
            instance.save(update_fields=[*changed, "updated_at"])

