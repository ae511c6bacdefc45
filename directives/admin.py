from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Directive, Strategy


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["number", "name"]


@admin.register(Directive)
class DirectiveAdmin(SimpleHistoryAdmin):
    """Read-only here: directives change through the app so assignments stay derived."""

    list_display = ["meeting", "letter", "number", "heading", "state", "due_date", "is_archived"]
    list_filter = ["state", "meeting__series"]
    search_fields = ["heading", "text"]
    list_select_related = ["meeting__series", "letter"]
    raw_id_fields = ["meeting", "letter", "parent", "strategy"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
