from django.contrib import admin

from .models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "filename", "meeting", "letter", "item_count", "created_by"]
    list_filter = ["kind", "source_format"]
    search_fields = ["filename", "sha256"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False  # an import is made by the import page or command, never by hand
