from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Agency, AgencyGroup, Profile


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "print_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_editable = ["print_order", "is_active"]


@admin.register(AgencyGroup)
class AgencyGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "print_order", "is_active"]
    filter_horizontal = ["members"]


@admin.register(Profile)
class ProfileAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "agency", "position"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "agency__name"]
    autocomplete_fields = ["agency"]
