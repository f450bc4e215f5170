"""The director's dashboard page and its CSV exports (its view,
``accompaniment.views.dashboard``, requires ``open_dashboard``)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .cache import dashboard_cached
from .forms import PRESETS, DashboardFilterForm
from .report import TABLES, csv_response, display, month_label


def _chart_data(series: dict) -> dict:
    def floats(values):
        return [None if v is None else float(v) for v in values]

    revenue = series["revenue"]
    labels = [month_label(m) for m in revenue["months"]]
    return {
        "currency": settings.CURRENCY,
        "revenue": {
            "labels": labels,
            "datasets": [
                {"label": name, "data": floats(revenue["values"][name])} for name in revenue["departments"]
            ],
        },
        "active": {"labels": labels, "label": str(_("Active members")), "data": series["active"]["values"]},
        "renewal": {"labels": labels, "label": str(_("Renewal rate, %")), "data": floats(series["renewal"]["rates"])},
        "nps": {"labels": labels, "label": str(_("NPS")), "data": series["nps"]["scores"]},
    }


def dashboard_page(request):
    """The club's health for a period and a department; ``?export=<table>`` gives a table as CSV
    (the same selector and table as the page). Its view (``accompaniment.views.dashboard``)
    requires ``open_dashboard``."""
    form = DashboardFilterForm(request.GET or None)
    preset, period = form.period_for(timezone.localdate())
    invalid = form.is_bound and not form.is_valid()
    export = request.GET.get("export")
    if export and not invalid and export not in TABLES:
        raise Http404("No such table.")
    data = dashboard_cached(period, refresh=request.GET.get("refresh") == "1")
    if export and not invalid:
        read, make_table = TABLES[export]
        return csv_response(make_table(read(data)), period)
    series = data["series"]
    query = request.GET.copy()
    query.pop("export", None)
    query.pop("refresh", None)
    staff_quality_query = f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    tables = {name: make_table(read(data)) for name, (read, make_table) in TABLES.items()}
    cards = [
        {
            **row,
            "value_display": display(row["value"], row["kind"]),
            "previous_display": display(row["previous"], row["kind"]),
            "change_display": display(row["change"], row["kind"], signed=True) if row["change"] else "",
            "change_percent_display": (
                display(row["change_percent"], "relative", signed=True)
                if row["change_percent"] is not None else ""
            ),
        }
        for row in data["kpis"]
    ]
    sections = [
        {"table": tables["revenue"], "chart": "chart-revenue"},
        {"table": tables["active_members"], "chart": "chart-active"},
        {"table": tables["renewals"], "chart": "chart-renewal"},
        {"table": tables["nps"], "chart": "chart-nps"},
        {"table": tables["managers"], "wide": True},
        {"table": tables["departments"]},
        {"table": tables["staff"], "link": (reverse("staff:quality") + "?" + staff_quality_query, _("Open the staff quality page"))},
        {"table": tables["at_risk"], "wide": True, "total": data["at_risk"]["total"]},
    ]
    return render(
        request,
        "accompaniment/dashboard.html",
        {
            **data,
            "cards": cards,
            "sections": sections,
            "form": form,
            "preset": preset,
            "preset_label": dict(PRESETS)[preset],
            "comparison_label": period.comparison_label(),
            "tables": tables,
            "charts": _chart_data(series),
            # The exports follow what is shown (the default period when the form is invalid).
            "export_query": "" if invalid else query.urlencode(),
            "exports": [(name, table.title) for name, table in tables.items()],
        },
    )
