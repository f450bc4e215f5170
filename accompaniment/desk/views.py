"""The front desk's screen and its actions. Each action checks the client in, sells or takes a
request through the apps' services, then comes back to the desk with the client open (and the
search box ready for the next card)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clients import services as client_services
from clients.access import visible_client_or_404
from clients.forms import FreezeRequestForm
from clients.models import Membership
from clients.selectors import clients_visible_to
from core.capabilities import SET_PRICES, WORK_WITH_CLIENTS, can, requires
from core.forms import apply_service_errors
from core.templatetags.crm import money
from sales import services as sales_services
from sales.forms import MembershipSellForm, ServiceSellForm
from sales.selectors import sale_defaults
from sales.views import membership_sold_message

from .selectors import at_the_counter, desk_search, the_day


def _desk(client=None, **query) -> str:
    if client is not None:
        query["client"] = client.pk
    return reverse("desk") + (f"?{urlencode(query)}" if query else "")


def _freezable(memberships) -> QuerySet[Membership]:
    """The cards a freeze may be asked for (running or not started, with freeze days left)."""
    return Membership.objects.filter(pk__in=[m.pk for m in memberships]).select_related("plan")


def _page(request, *, client=None, forms=None, open_form=""):
    """The desk: the search and what it found, the client at the counter with their forms, the
    day's bookings and arrivals."""
    user = request.user
    visible = clients_visible_to(user)
    text = request.GET.get("q", "").strip()[:100]
    found, chosen = desk_search(visible, text)
    if client is None and request.GET.get("client", "").isdigit():
        client = visible.filter(pk=request.GET["client"]).first()
    client = client or chosen
    context = {"q": text, "found": found, "day": the_day(visible), "today": timezone.localdate(),
               "open_form": open_form, "again": request.GET.get("again") == "1"}
    if client is not None:
        counter = at_the_counter(client)
        forms = forms or {}
        context.update(counter)
        context["sell_form"] = forms.get("sell") or MembershipSellForm(
            initial=sale_defaults(client), can_set_price=can(user, SET_PRICES))
        context["service_form"] = forms.get("service") or ServiceSellForm()
        context["freeze_form"] = forms.get("freeze") or FreezeRequestForm(
            memberships=_freezable(counter["freezable"]), initial={"start_date": timezone.localdate(), "days": 7})
    return render(request, "accompaniment/desk.html", context)


@requires(WORK_WITH_CLIENTS)
def desk(request):
    """Find by card number (a scanner types it and Enter), name or phone; check in; sell."""
    return _page(request)


@require_POST
@requires(WORK_WITH_CLIENTS)
def desk_check_in(request, client_pk):
    """One click: the check-in counts the visit on the card usable today, or says why not; a
    second check-in the same day asks first (``confirm=1`` checks in again)."""
    client = visible_client_or_404(request.user, client_pk)
    try:
        visit = client_services.visit_check_in(client=client, user=request.user, again=request.POST.get("confirm") == "1")
    except client_services.AlreadyCheckedIn as already:
        messages.warning(request, already.message)
        return redirect(_desk(client, again=1))
    except ValidationError as error:
        messages.error(request, _("Check-in refused: %(reason)s") % {"reason": " ".join(error.messages)})
        return redirect(_desk(client))
    card = visit.membership
    card.refresh_from_db()
    text = _("%(name)s checked in on card %(card)s.") % {"name": client.full_name, "card": card.card_number}
    if card.visits_left is not None:
        text += " " + _("Visits left: %(left)d.") % {"left": card.visits_left}
    messages.success(request, text)
    return redirect(_desk(client))


def _sell(request, client, form, name: str, sell, sold_message):
    """A sell action of the desk: the form checked, ``sell(cleaned data)`` through the sales
    service, what was sold said and back to the desk; refused, the desk again with the form open
    and the reasons beside its fields; sent twice, it sold once (``AlreadySold``)."""
    if form.is_valid():
        try:
            sold = sell(form.cleaned_data)
        except sales_services.AlreadySold as already:
            messages.info(request, str(already.message))
            return redirect(_desk(client))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, sold_message(sold))
            return redirect(_desk(client))
    return _page(request, client=client, forms={name: form}, open_form=name)


@require_POST
@requires(WORK_WITH_CLIENTS)
def desk_sell_plan(request, client_pk):
    """Sell a card (``sales.services.membership_sell``): the plan's price, a promotion or a
    discount, once however often the form is sent."""
    client = visible_client_or_404(request.user, client_pk)
    form = MembershipSellForm(request.POST, can_set_price=can(request.user, SET_PRICES))
    return _sell(request, client, form, "sell", lambda data: sales_services.membership_sell(
        client=client, plan=data["plan"], start_date=data["start_date"], card_number=data["card_number"].strip(),
        seller=request.user, **form.sell_terms(),
    ), membership_sold_message)


@require_POST
@requires(WORK_WITH_CLIENTS)
def desk_sell_service(request, client_pk):
    """Sell a one-off service (``sales.services.service_sell``)."""
    client = visible_client_or_404(request.user, client_pk)
    form = ServiceSellForm(request.POST)
    return _sell(request, client, form, "service", lambda data: sales_services.service_sell(
        client=client, service=data["service"], quantity=data["quantity"], seller=request.user, **form.sell_terms(),
    ), lambda sale: _("Sold: %(item)s × %(quantity)d, %(paid)s.") % {
        "item": sale.service, "quantity": sale.quantity, "paid": money(sale.amount),
    })


@require_POST
@requires(WORK_WITH_CLIENTS)
def desk_freeze_request(request, client_pk):
    """Take the client's request to freeze a card: a task for their manager
    (``clients.services.freeze_request``)."""
    client = visible_client_or_404(request.user, client_pk)
    form = FreezeRequestForm(request.POST, memberships=_freezable(at_the_counter(client)["freezable"]))
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = client_services.freeze_request(
                membership=data["membership"], start_date=data["start_date"], days=data["days"],
                reason=data["reason"], user=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Freeze request passed to %(manager)s.") % {
                "manager": task.assigned_to.get_full_name() or task.assigned_to.get_username(),
            })
            return redirect(_desk(client))
    return _page(request, client=client, forms={"freeze": form}, open_form="freeze")
