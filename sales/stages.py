"""The relationship stage of a client, computed from data (never typed in).

The rule, in one place (the README quotes it):

* **acquaintance** — the start: everybody until the conditions below hold.
* **trust** — a client for at least 30 days, 4 or more visits in the last 28 days, no open
  complaint, and a last NPS answer (if any) of 7 or more.
* **loyalty** — trust, plus at least 120 days with the club, at least one renewal, and at
  least as many thanks as complaints.
* **ambassador** — loyalty, plus at least one client they brought (a referral), and a last NPS
  answer (if any) of 9 or more.

Every figure is annotated in the database; the stage is stored on the client by
``stages_refresh`` (nightly, its own task) so lists can filter by it.
"""

import datetime

from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clients import rules
from clients.models import Client, Membership, Visit
from core.dates import since_days_ago
from staff import nps
from staff.models import Feedback, SurveyResponse

TRUST_TENURE_DAYS = 30
TRUST_VISITS = 4
VISIT_WINDOW_DAYS = 28
LOYALTY_TENURE_DAYS = 120
TRUST_MIN_NPS = nps.DETRACTOR_MAX + 1  # 7: not a detractor
AMBASSADOR_MIN_NPS = nps.PROMOTER_MIN  # 9: a promoter


def annotate_stage_facts(queryset, on: datetime.date):
    """Add the facts the rule reads, each named fact_*: first_start, recent_visits,
    open_complaints, thanks, complaints, last_nps, memberships, referral_count."""
    since = since_days_ago(on, VISIT_WINDOW_DAYS)
    not_cancelled = rules.not_cancelled_q()

    def count_of(model, *filters, field="client"):
        return Coalesce(
            Subquery(
                model.objects.filter(**{field: OuterRef("pk")}).filter(*filters)
                .order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return queryset.annotate(
        fact_first_start=Subquery(
            Membership.objects.filter(not_cancelled, client=OuterRef("pk"))
            .order_by().values("client").annotate(first=Min("start_date")).values("first")[:1]
        ),
        fact_recent_visits=count_of(Visit, Q(checked_in_at__gte=since, kind=Visit.Kind.ATTENDED)),
        fact_memberships=count_of(Membership, not_cancelled),
        fact_thanks=count_of(Feedback, Q(kind=Feedback.Kind.THANKS)),
        fact_complaints=count_of(Feedback, Q(kind=Feedback.Kind.COMPLAINT)),
        fact_open_complaints=count_of(Feedback, Q(kind=Feedback.Kind.COMPLAINT) & ~Q(status=Feedback.Status.RESOLVED)),
        fact_referral_count=count_of(Client, field="referred_by"),
        fact_last_nps=Subquery(
            SurveyResponse.objects.filter(client=OuterRef("pk")).order_by("-answered_at", "-id").values("score")[:1]
        ),
    )


def stage_case(on: datetime.date):
    """The rule as one SQL CASE over the annotated facts."""
    trust_since = on - datetime.timedelta(days=TRUST_TENURE_DAYS)
    loyalty_since = on - datetime.timedelta(days=LOYALTY_TENURE_DAYS)
    trust = (
        Q(fact_first_start__lte=trust_since)
        & Q(fact_recent_visits__gte=TRUST_VISITS)
        & Q(fact_open_complaints=0)
        & (Q(fact_last_nps__isnull=True) | Q(fact_last_nps__gte=TRUST_MIN_NPS))
    )
    loyalty = trust & Q(fact_first_start__lte=loyalty_since) & Q(fact_memberships__gte=2) & Q(fact_thanks__gte=F("fact_complaints"))
    ambassador = loyalty & Q(fact_referral_count__gte=1) & (Q(fact_last_nps__isnull=True) | Q(fact_last_nps__gte=AMBASSADOR_MIN_NPS))
    return Case(
        When(ambassador, then=Value(Client.Stage.AMBASSADOR)),
        When(loyalty, then=Value(Client.Stage.LOYALTY)),
        When(trust, then=Value(Client.Stage.TRUST)),
        default=Value(Client.Stage.ACQUAINTANCE),
    )


def stages_refresh(on: datetime.date | None = None, clients=None, *, dry_run: bool = False) -> int:
    """Recompute and store the stage of the given clients (all by default), all or none; returns
    how many changed (would change, with ``dry_run``). Two queries whatever the number of
    clients. Nightly: the task ``sales.refresh_stages``, or ``send_reminders --refresh-stages``."""
    on = on or timezone.localdate()
    queryset = annotate_stage_facts(clients if clients is not None else Client.objects.all(), on)
    queryset = queryset.annotate(computed=stage_case(on)).exclude(stage=F("computed"))
    changed = list(queryset.values_list("pk", "computed"))
    if dry_run:
        return len(changed)
    by_stage: dict[str, list[int]] = {}
    for pk, stage in changed:
        by_stage.setdefault(stage, []).append(pk)
    with transaction.atomic():
        for stage, pks in by_stage.items():
            Client.objects.filter(pk__in=pks).update(stage=stage)
    return len(changed)


def stage_with_reasons(client: Client, on: datetime.date | None = None) -> tuple[str, list[str]]:
    """The client's stage today and the facts behind it, for the card."""
    on = on or timezone.localdate()
    facts = annotate_stage_facts(Client.objects.filter(pk=client.pk), on).annotate(computed=stage_case(on)).get()
    tenure = (on - facts.fact_first_start).days if facts.fact_first_start else 0
    renewals = max(facts.fact_memberships - 1, 0)
    visits = facts.fact_recent_visits
    reasons = [
        ngettext("%(days)d day with the club", "%(days)d days with the club", tenure) % {"days": tenure},
        ngettext("%(n)d visit in the last %(days)d days", "%(n)d visits in the last %(days)d days", visits)
        % {"n": visits, "days": VISIT_WINDOW_DAYS},
        ngettext("%(n)d renewal", "%(n)d renewals", renewals) % {"n": renewals},
        _("%(thanks)s, %(complaints)s (%(open)d open)") % {
            "thanks": ngettext("%(n)d thank-you", "%(n)d thanks", facts.fact_thanks) % {"n": facts.fact_thanks},
            "complaints": ngettext("%(n)d complaint", "%(n)d complaints", facts.fact_complaints)
            % {"n": facts.fact_complaints},
            "open": facts.fact_open_complaints,
        },
        _("last NPS answer: %(nps)s") % {"nps": facts.fact_last_nps if facts.fact_last_nps is not None else "—"},
        ngettext("%(n)d client referred", "%(n)d clients referred", facts.fact_referral_count)
        % {"n": facts.fact_referral_count},
    ]
    return facts.computed, reasons


