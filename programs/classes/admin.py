"""The admin site for group classes: the timetable's classes, written through
``group_class_save`` (the same checks as everywhere: the room's capacity, the trainer's hours,
no personal session or other class in the way; the occurrences generated), and the bookings, read
only (booking and cancelling happen on the class's page, through ``class_book``/``class_cancel``),
narrowed to the clients the user sees (the admin site's ``client_path`` rule)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceSaveAdminMixin

from .forms import GroupClassForm
from .models import ClassBooking, ClassOccurrence, GroupClass
from .services import group_class_save


@admin.register(GroupClass)
class GroupClassAdmin(ServiceSaveAdminMixin, admin.ModelAdmin):
    form = GroupClassForm
    list_display = ("service", "weekdays_column", "starts_at", "duration_minutes", "specialist", "room", "capacity",
                    "start_date", "end_date", "is_active", "upcoming")
    list_filter = ("is_active", "service__department", "room")
    list_select_related = ("service", "specialist", "room")
    search_fields = ("service__name", "specialist__first_name", "specialist__last_name", "room__name")
    autocomplete_fields = ("service", "specialist")  # rooms: a short list

    def saves_through_service(self, request, obj):
        return True

    def service_save(self, request, form, change):
        data = {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}
        row = GroupClass.objects.get(pk=form.instance.pk) if change else GroupClass()
        for name, value in data.items():
            setattr(row, name, value)
        saved, _report = group_class_save(group_class=row, user=request.user)
        return saved

    def get_queryset(self, request):
        from django.utils import timezone

        return super().get_queryset(request).annotate(upcoming_count=Count(
            "occurrences", filter=Q(occurrences__starts_at__gte=timezone.now(), occurrences__cancelled=False)))

    @admin.display(description=_("weekdays"))
    def weekdays_column(self, obj):
        return obj.weekdays_display()

    @admin.display(description=_("upcoming classes"), ordering="upcoming_count")
    def upcoming(self, obj):
        return obj.upcoming_count


@admin.register(ClassOccurrence)
class ClassOccurrenceAdmin(admin.ModelAdmin):
    """The dated classes, read only: they come from their class's rule (``group_class_save``)."""

    list_display = ("starts_at", "service", "specialist", "room", "booked", "waiting", "cancelled")
    list_filter = ("cancelled", "group_class__service__department", "room")
    list_select_related = ("group_class__service", "specialist", "room")
    search_fields = ("group_class__service__name", "specialist__last_name", "room__name")
    date_hierarchy = "starts_at"
    fields = ("group_class", "starts_at", "ends_at", "specialist", "room", "cancelled", "cancel_reason")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            booked_count=Count("bookings", filter=Q(bookings__status=ClassBooking.Status.BOOKED)),
            waiting_count=Count("bookings", filter=Q(bookings__status=ClassBooking.Status.WAITLISTED)))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("service"), ordering="group_class__service__name")
    def service(self, obj):
        return obj.group_class.service

    @admin.display(description=_("booked"), ordering="booked_count")
    def booked(self, obj):
        return obj.booked_count

    @admin.display(description=_("waiting"), ordering="waiting_count")
    def waiting(self, obj):
        return obj.waiting_count


@admin.register(ClassBooking)
class ClassBookingAdmin(admin.ModelAdmin):
    list_display = ("occurrence", "client", "status", "waitlist_position", "created_at")
    list_filter = ("status", "occurrence__group_class__service")
    list_select_related = ("occurrence__group_class__service", "client")
    search_fields = ("client__first_name", "client__last_name", "occurrence__group_class__service__name")
    date_hierarchy = "created_at"
    readonly_fields = ("occurrence", "client", "status", "waitlist_position", "membership", "cancel_reason",
                       "cancelled_at", "promoted_at", "confirmed_at", "created_by", "created_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
