"""The specialist's private calendar feed (``programs.feed``): the feed itself, opened by a phone's
calendar with the secret in its address, and the *Reset link* button of *My sessions*."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.capabilities import DELIVER_SESSIONS, public, requires
from staff.models import StaffMember

from .feed import calendar_feed_reset, feed_calendar, feed_classes, feed_for, feed_sessions


@public
@require_GET
def calendar_feed(request, staff_member: int, token: str):
    """Three queries: the feed, its sessions and its classes. A wrong or reset secret: 404."""
    feed = feed_for(staff_member, token)
    if feed is None:
        raise Http404
    response = HttpResponse(feed_calendar(feed.staff_member, feed_sessions(feed.staff_member),
                                          feed_classes(feed.staff_member)),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@requires(DELIVER_SESSIONS)
@require_POST
def calendar_feed_reset_view(request):
    """A new address for the feed; the old one answers 404 from now on."""
    staff_member = StaffMember.objects.filter(user=request.user).first()
    if staff_member is None:
        raise PermissionDenied
    had = hasattr(staff_member, "calendar_feed")
    calendar_feed_reset(staff_member=staff_member)
    messages.success(request, _("A new calendar link is ready: the old one no longer works.") if had
                     else _("Your calendar link is ready: add it to your phone's calendar."))
    return redirect("programs:my-sessions")
