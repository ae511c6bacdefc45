import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from lampang_tracker import thai

from .models import Directive, Status


class DirectiveTable(tables.Table):
    meeting = tables.Column(
        verbose_name="การประชุม", accessor="meeting", order_by=("meeting__date", "meeting__number", "sort_key")
    )
    number = tables.Column(verbose_name="ลำดับ", order_by=("sort_key",))
    text = tables.Column(verbose_name="ประเด็น", accessor="text", orderable=False, empty_values=())
    parties = tables.Column(verbose_name="หน่วยงานรับผิดชอบ", accessor="pk", orderable=False)
    due_date = tables.Column(verbose_name="กำหนดเสร็จ")
    state = tables.Column(verbose_name="สถานะ")

    class Meta:
        model = Directive
        fields = ("meeting", "number", "text", "parties", "due_date", "state")
        attrs = {"class": "table directives"}
        empty_text = "ไม่พบข้อสั่งการตามเงื่อนไขที่เลือก"

    def render_meeting(self, value):
        return format_html("{}<br><small>{}</small>", value.number_label, thai.date_short(value.date))

    def value_meeting(self, value):
        return f"{value.series.name} ครั้งที่ {value.number}/{value.year_be}"

    def render_number(self, value):
        return thai.thai_digits(value)

    def render_text(self, record):
        url = reverse("directive_detail", args=[record.pk])
        heading = format_html("<u>{}</u> ", record.heading) if record.heading else ""
        snippet = record.text if len(record.text) <= 160 else record.text[:160] + "…"
        return format_html('<a href="{}">{}{}</a>', url, heading, snippet)

    def value_text(self, record):
        return f"{record.heading} {record.text}".strip()

    def render_parties(self, record):
        return format_html_join("", "<div>{}</div>", ((p.text,) for p in record.parties.all()))

    def value_parties(self, record):
        return "\n".join(p.text for p in record.parties.all())

    def render_due_date(self, record, value):
        badge = format_html(' <span class="badge overdue">เกินกำหนด</span>') if record.is_overdue() else ""
        return format_html("{}{}", thai.date_short(value), badge)

    def value_due_date(self, value):
        return thai.date_numeric(value)

    def render_state(self, value, record):
        return format_html('<span class="status status-{}">{}</span>', record.state, value)

    def value_state(self, record):
        label = Status(record.state).label
        return f"{label} (เกินกำหนด)" if record.is_overdue() else label
