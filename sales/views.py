"""Offers, recommendations, promotions, ambassadors and the manager's pay report."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.capabilities import (
    ACCOMPANY_CLIENTS,
    DELIVER_SESSIONS,
    DO_MARKETING,
    OVERRIDE_UPSELL_POLICY,
    RUN_PROMOTIONS,
    SEE_PAY,
    SET_PRICES,
    WORK_WITH_CLIENTS,
    can,
    requires,
)
from clients.access import local_next_url, visible_client_or_404
from core.forms import apply_service_errors
from core.templatetags.crm import money
from clients.models import Client, MembershipPlan, Notification
from clients.selectors import clients_visible_to
from programs.models import Session
from staff.models import Department, StaffMember

from . import selectors, services
from .selectors import sale_defaults
from .forms import DecisionForm, MembershipSellForm, OfferForm, OutcomeForm, PayReportForm, RecommendationForm
from .models import Offer, Promotion, Recommendation, Sale
from .segments import SegmentForm, segment_clients, segment_form
from .vocabulary import PROMOTION


def _card(client_pk: int, anchor: str = "") -> str:
    return reverse("client-card", args=[client_pk]) + anchor


def membership_sold_message(membership) -> str:
    """What a seller is told once a card is sold (the card's page and the front desk)."""
    return _("Membership %(card)s sold: %(start)s – %(end)s, %(paid)s.") % {
        "card": membership.card_number,
        "start": formats.date_format(membership.start_date, "SHORT_DATE_FORMAT"),
        "end": formats.date_format(membership.end_date, "SHORT_DATE_FORMAT"),
        "paid": money(membership.price),
    }


@requires(WORK_WITH_CLIENTS)
def membership_sell(request, client_pk):
    """Sell or renew a card from the client's page (``services.membership_sell``): the plans'
    prices are on the page; a form sent twice lands on the card sold by the first."""
    client = visible_client_or_404(request.user, client_pk)
    renew = request.GET.get("renew") == "1" or request.POST.get("renew") == "1"
    form = MembershipSellForm(
        request.POST or None, initial=sale_defaults(client), can_set_price=can(request.user, SET_PRICES),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_sell(
                client=client, plan=data["plan"], start_date=data["start_date"],
                card_number=data["card_number"].strip(), seller=request.user, **form.sell_terms(),
            )
        except services.AlreadySold as sold:
            messages.info(request, _("Already sold: this form sold the membership %(card)s a moment ago.")
                          % {"card": sold.membership.card_number})
            return redirect(_card(client.pk, "#memberships"))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, membership_sold_message(membership))
            return redirect(local_next_url(request) or _card(client.pk))
    return render(request, "sales/membership_sell.html", {
        "client": client, "form": form, "renew": renew, "next_url": local_next_url(request),
        "title": _("Renew the membership") if renew else _("Sell a membership"),
        "plans": MembershipPlan.objects.filter(is_active=True).order_by("category", "price", "name"),
    })


@requires(ACCOMPANY_CLIENTS)
def offer_create(request, client_pk):
    client = visible_client_or_404(request.user, client_pk)
    form = OfferForm(request.POST or None, can_override=can(request.user, OVERRIDE_UPSELL_POLICY))
    allowance = services.offer_allowance(client)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.offer_record(
                client=client, manager=request.user, service=data["service"], product=data["product"],
                plan=data["plan"], outcome=data["outcome"], outcome_reason=data["outcome_reason"],
                override_reason=data.get("override_reason", ""),
                contraindication_reason=data["contraindication_reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Offer recorded."))
            return redirect(reverse("client-card", args=[client.pk]) + "#sales")
    return render(request, "sales/offer_form.html", {
        "client": client, "form": form, "allowance": allowance, "title": _("Record an offer"),
        "cancel_url": reverse("client-card", args=[client.pk]),
    })


@requires(ACCOMPANY_CLIENTS)
def offer_outcome(request, pk):
    offer = get_object_or_404(Offer.objects.filter(client__in=clients_visible_to(request.user)).select_related("client"), pk=pk)
    form = OutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_set_outcome(offer=offer, outcome=form.cleaned_data["outcome"],
                                       reason=form.cleaned_data["outcome_reason"], user=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Outcome saved."))
            return redirect(reverse("client-card", args=[offer.client_id]) + "#sales")
    return render(request, "sales/outcome_form.html", {
        "offer": offer, "form": form, "client": offer.client,
        "title": _("Outcome of the offer: %(item)s") % {"item": offer.service or offer.product or offer.plan},
        "cancel_url": reverse("client-card", args=[offer.client_id]),
    })


def _specialist_or_403(user) -> StaffMember:
    member = StaffMember.objects.filter(user=user).first() if user.is_authenticated else None
    if member is None:
        raise PermissionDenied
    return member


@requires(DELIVER_SESSIONS)
def recommendation_create(request, session_pk):
    """A specialist recommends a service or a product for the client of their session."""
    member = _specialist_or_403(request.user)
    session = get_object_or_404(
        Session.objects.select_related("item__program__client", "item__service"), pk=session_pk, specialist=member
    )
    client = session.item.program.client
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_create(
                specialist=member, client=client, session=session, reason=form.cleaned_data["reason"],
                service=form.cleaned_data["service"], product=form.cleaned_data["product"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Recommendation sent to the client's manager."))
            return redirect("sales:my-recommendations")
    return render(request, "sales/recommendation_form.html", {
        "form": form, "session": session, "client_name": client.full_name,
        "title": _("Recommend for %(name)s") % {"name": client.full_name},
        "cancel_url": reverse("programs:my-sessions"),
    })


@requires(DELIVER_SESSIONS)
def my_recommendations(request):
    member = _specialist_or_403(request.user)
    recommendations = Recommendation.objects.filter(specialist=member).select_related("client", "service", "product")
    return render(request, "sales/my_recommendations.html", {"recommendations": list(recommendations[:100])})


@requires(ACCOMPANY_CLIENTS)
def recommendation_decide(request, pk):
    recommendation = get_object_or_404(
        Recommendation.objects.filter(client__in=clients_visible_to(request.user)).select_related(
            "client", "specialist", "service", "product"
        ),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        outcome = {"offer_accepted": Offer.Outcome.ACCEPTED, "offer_pending": Offer.Outcome.PENDING}.get(decision)
        try:
            services.recommendation_decide(
                recommendation=recommendation, accept=decision != "decline",
                reason=form.cleaned_data["reason"], user=request.user, offer_outcome=outcome,
                add_to_program=decision == "program",
                contraindication_reason=form.cleaned_data["contraindication_reason"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect(reverse("client-card", args=[recommendation.client_id]) + "#sales")
    allowance = services.offer_allowance(recommendation.client)
    return render(request, "sales/decide.html", {
        "recommendation": recommendation, "form": form, "allowance": allowance,
        "title": _("Decide on a recommendation"),
        "cancel_url": reverse("client-card", args=[recommendation.client_id]),
    })


@requires(DO_MARKETING)
def promotion_list(request):
    """The promotions with what they brought from the clients the user sees."""
    of_visible = Q(sales__client__in=clients_visible_to(request.user))
    promotions = Promotion.objects.annotate(
        redeemed=Count("sales", filter=of_visible), revenue=Sum("sales__amount", filter=of_visible)
    )
    return render(request, "sales/promotion_list.html", {"promotions": promotions, "today": timezone.localdate()})


@requires(DO_MARKETING)
def promotion_detail(request, pk):
    """Who the segment reaches among the clients the user sees (a manager: their own), sending
    it to them, and what it brought; whoever may ``run_promotions`` also changes the segment."""
    user = request.user
    promotion = get_object_or_404(Promotion, pk=pk)
    visible = clients_visible_to(user)
    may_edit = can(user, RUN_PROMOTIONS)
    saved = segment_form(promotion.segment)
    if request.method == "POST":
        form = SegmentForm(request.POST) if may_edit else saved
    else:  # a segment broken in the admin site is shown with what is wrong next to each filter
        form = SegmentForm(initial=saved.segment()) if saved.is_valid() else saved
    if request.method == "POST" and form.is_valid():
        if may_edit:
            promotion.segment = form.segment()
            promotion.save(update_fields=["segment", "updated_at"])
        if "send" in request.POST:
            if not may_edit and not promotion.is_running():
                messages.error(request, _("Only a running promotion can be sent."))
            else:
                queued = services.promotion_send(
                    promotion=promotion, clients=segment_clients(promotion.segment).filter(pk__in=visible)
                )
                messages.success(request, ngettext(
                    "Queued to %(n)d client (each client gets it once).",
                    "Queued to %(n)d clients (each client gets it once).", queued,
                ) % {"n": queued})
        elif may_edit:
            messages.success(request, _("Segment saved."))
        return redirect("sales:promotion", pk)
    matching = segment_clients(promotion.segment).filter(pk__in=visible) if saved.is_valid() else Client.objects.none()
    matching = matching.select_related("assigned_manager").order_by("last_name", "first_name")
    page = Paginator(matching, 25).get_page(request.GET.get("page"))
    related = Notification.objects.filter(
        kind=PROMOTION, dedup_key__startswith=f"promo:{promotion.pk}:", client__in=visible
    )
    stats = {
        "sent": related.filter(status=Notification.Status.SENT).count(),
        "queued": related.filter(status=Notification.Status.QUEUED).count(),
        "skipped": related.filter(status=Notification.Status.SKIPPED).count(),
        **Sale.objects.filter(promotion=promotion, client__in=visible).aggregate(
            redeemed=Count("id"), revenue=Sum("amount")
        ),
    }
    return render(request, "sales/promotion_detail.html", {
        "promotion": promotion, "form": form, "page": page, "stats": stats, "may_edit": may_edit,
    })


@requires(DO_MARKETING)
def ambassador_list(request):
    """The clients who brought most clients, among those the user sees."""
    rows = selectors.ambassadors(clients=clients_visible_to(request.user))
    return render(request, "sales/ambassadors.html", {"rows": rows})


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@requires(SEE_PAY)
def pay_report(request):
    """The block's month and its head manager's pay: directors only."""
    today = timezone.localdate()
    first = Department.objects.order_by("name").first()
    initial = {"month": today.replace(day=1), "department": first.code if first else None}
    form = PayReportForm(request.GET or None, initial=initial)
    report = None
    if form.is_bound and form.is_valid():
        report = selectors.pay_report(month=form.cleaned_data["month"], department=form.cleaned_data["department"])
    elif not form.is_bound and first is not None:
        report = selectors.pay_report(month=initial["month"], department=first)
    if report and request.GET.get("export") == "csv":
        return _pay_csv(report)
    return render(request, "sales/pay_report.html", {"form": form, "report": report})


def _pay_csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="pay-{report["department"].code}-{report["start"]:%Y-%m}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([_("Line"), _("Amount")])
    writer.writerow([_("Turnover"), report["turnover"]])
    writer.writerow([_("Consumables"), report["consumables"]])
    for member in report["staff"]:
        writer.writerow([_csv_cell(_("Salary: %(name)s") % {"name": member}), member.rate_salary or 0])
    writer.writerow([_("Staff salaries"), report["salaries"]])
    writer.writerow([_("Block profit"), report["profit"]])
    head = report["head"]
    if head:
        writer.writerow([_csv_cell(_("Head of block: %(name)s") % {"name": head["member"]}), ""])
        writer.writerow([_("Salary"), head["salary"]])
        writer.writerow([_("Head-of-block rate"), head["head_rate"]])
        writer.writerow([_("Share of profit, %"), head["percent"]])
        writer.writerow([_("Share of profit"), head["share"]])
        writer.writerow([_("Pay"), head["total"]])
    return response

