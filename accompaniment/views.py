"""Cross-app pages: the home page (the manager's Today, later) and the director's dashboard."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from clients.roles import is_director


@login_required
def home(request):
    """The landing page: a director goes to the dashboard, everyone else to Today."""
    if is_director(request.user):
        return redirect("dashboard")
    return render(request, "accompaniment/home.html")


@login_required
def dashboard(request):
    """The director's dashboard (filled in by the dashboard issue); directors only."""
    if not is_director(request.user):
        raise PermissionDenied
    return render(request, "accompaniment/dashboard.html")


@never_cache
def health(request):
    """Liveness and database readiness for a load balancer: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        return JsonResponse({"status": "error", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})
