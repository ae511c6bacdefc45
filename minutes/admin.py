from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AgendaItem, AgendaSection, Amendment, Attendee, CorrectionRequest, Minutes


class AttendeeInline(admin.TabularInline):
    model = Attendee
    extra = 0


class SectionInline(admin.StackedInline):
    model = AgendaSection
    extra = 0


@admin.register(Minutes)
class MinutesAdmin(SimpleHistoryAdmin):
    list_display = ["meeting", "title", "state", "certify_deadline", "certified_in"]
    list_filter = ["state", "meeting__series"]
    inlines = [AttendeeInline, SectionInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["section", "number", "title", "presenter"]
    search_fields = ["title", "body", "resolution"]


@admin.register(CorrectionRequest)
class CorrectionRequestAdmin(admin.ModelAdmin):
    list_display = ["minutes", "section", "agency", "status", "requested_at"]
    list_filter = ["status"]


@admin.register(Amendment)
class AmendmentAdmin(admin.ModelAdmin):
    list_display = ["minutes", "what", "by", "at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
