"""Template filters for Thai display; all formatting is in lampang_tracker.thai."""

from django import template
from django.utils import timezone

from lampang_tracker import thai

register = template.Library()

register.filter("thai_digits", thai.thai_digits)
register.filter("thai_date", thai.date_long)
register.filter("thai_date_short", thai.date_short)
register.filter("thai_date_input", thai.date_numeric)
register.filter("thai_time", thai.time_thai)
register.filter("head_lines", thai.head_lines)


@register.filter
def thai_datetime(value) -> str:
    """๒๙ พ.ย. ๒๕๖๐ ๑๔.๐๕ น., in the local time zone."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{thai.date_short(local.date())} {thai.time_thai(local.time())}"
