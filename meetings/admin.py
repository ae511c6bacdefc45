from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Letter, Meeting, MeetingSeries


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["name", "summary_title", "office_line", "is_active"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["series", "number", "year_be", "date", "venue", "is_archived"]
    list_filter = ["series", "year_be", "is_archived"]


@admin.register(Letter)
class LetterAdmin(SimpleHistoryAdmin):
    list_display = ["number", "date", "subject", "sender", "is_archived"]
    list_filter = ["is_archived"]
    search_fields = ["number", "subject"]
