from django.contrib import admin

from .models import AgencySetting, Defaults, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "channel", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "event"]
    search_fields = ["recipient", "subject"]
    readonly_fields = ["retry_key"]


admin.site.register(Preference)
admin.site.register(AgencySetting)
admin.site.register(Defaults)
