"""The director's pages for covering managers: temporary covers, and reassigning clients (one,
the client list's filtered set, or all of a manager's)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.capabilities import COVER_MANAGERS, requires
from core.forms import DateInput, apply_service_errors

from . import services
from .filters import ClientFilter
from .forms import ManagerChoiceField, managers_queryset
from .models import ManagerCover
from .selectors import clients_visible_to


class CoverForm(forms.Form):
    absent = ManagerChoiceField(label=gettext_lazy("Absent manager"), queryset=None)
    covering = ManagerChoiceField(label=gettext_lazy("Covering manager"), queryset=None)
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("To (included)"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["absent"].queryset = managers_queryset()
        self.fields["covering"].queryset = managers_queryset()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("absent") and cleaned.get("absent") == cleaned.get("covering"):
            self.add_error("covering", _("A manager cannot cover for themselves."))
        if cleaned.get("starts_on") and cleaned.get("ends_on") and cleaned["ends_on"] < cleaned["starts_on"]:
            self.add_error("ends_on", _("The cover ends on or after its first day."))
        return cleaned


@requires(COVER_MANAGERS)
def covers(request):
    """Covers now and to come, and a form to set one."""
    form = CoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.cover_set(absent=data["absent"], covering=data["covering"], starts_on=data["starts_on"],
                               ends_on=data["ends_on"], note=data["note"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Cover saved."))
            return redirect("clients:covers")
    today = timezone.localdate()
    return render(request, "clients/covers.html", {
        "form": form,
        "covers": list(ManagerCover.objects.filter(ends_on__gte=today).select_related("absent", "covering", "created_by")
                       .order_by("starts_on", "id")),
        "today": today,
    })


@require_POST
@requires(COVER_MANAGERS)
def cover_end(request, cover_pk):
    cover = get_object_or_404(ManagerCover, pk=cover_pk)
    services.cover_end(cover=cover)
    messages.success(request, _("Cover ended."))
    return redirect("clients:covers")


class ReassignForm(forms.Form):
    to = ManagerChoiceField(label=gettext_lazy("Give them to"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = managers_queryset()


@requires(COVER_MANAGERS)
def reassign(request):
    """The clients the list's filters select (the query string; ``client`` for one) go to
    another manager; the page says how many before anything changes."""
    query = request.GET.copy()
    one = query.pop("client", [None])[0]
    clients = clients_visible_to(request.user)
    if one is not None:
        clients = clients.filter(pk=one if str(one).isdigit() else None)
    else:
        client_filter = ClientFilter(query or None, queryset=clients, user=request.user)
        if client_filter.is_bound and not client_filter.is_valid():
            messages.error(request, _("The list's filters are not valid."))
            return redirect("clients:list")
        clients = client_filter.qs if client_filter.is_bound else clients
    clients = clients.order_by().distinct()
    form = ReassignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = services.clients_reassign(clients=clients, to=form.cleaned_data["to"], by=request.user)
        messages.success(request, _("Clients reassigned: %(count)d.") % {"count": changed})
        return redirect(request.get_full_path())
    return render(request, "clients/reassign.html", {
        "form": form, "count": clients.count(), "sample": list(clients.select_related("assigned_manager").order_by("last_name", "first_name")[:10]),
        "filtered": bool(query) or one is not None,
    })
