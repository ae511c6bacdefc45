import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from lampang_tracker import thai


class PersonTable(tables.Table):
    name = tables.Column(verbose_name="ชื่อ", accessor="first_name", order_by=("first_name", "last_name"))
    role = tables.Column(verbose_name="บทบาท", accessor="profile__role", default="—")
    agency = tables.Column(verbose_name="หน่วยงาน", accessor="profile__agency__name", default="—")
    position = tables.Column(verbose_name="ตำแหน่ง", accessor="profile__position", default="—")
    email = tables.Column(verbose_name="อีเมล", default="—")
    line = tables.Column(verbose_name="LINE", accessor="pk", orderable=False)
    last_login = tables.Column(verbose_name="เข้าสู่ระบบล่าสุด", empty_values=())
    is_active = tables.Column(verbose_name="สถานะ")

    class Meta:
        fields = ("name", "role", "agency", "position", "email", "line", "last_login", "is_active")
        attrs = {"class": "table people"}
        empty_text = "ไม่พบผู้ใช้ตามเงื่อนไขที่เลือก"

    def render_name(self, record):
        name = record.get_full_name() or record.username
        return format_html('<a href="{}">{}</a>', reverse("person_detail", args=[record.pk]), name)

    def render_role(self, record):
        profile = getattr(record, "profile", None)
        return profile.get_role_display() if profile else "—"

    def render_line(self, record):
        return "เชื่อมแล้ว" if getattr(record, "line_linked", False) else "ยังไม่เชื่อม"

    def render_last_login(self, value, record):
        if value:
            return thai.date_short(timezone.localtime(value).date())
        invited = getattr(record, "invited_at", None)
        if invited and not record.has_usable_password():
            return f"ยังไม่เคย (เชิญเมื่อ {thai.date_short(timezone.localtime(invited).date())})"
        return "ยังไม่เคย"

    def value_last_login(self, value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def render_is_active(self, value):
        return "ใช้งาน" if value else format_html('<span class="muted">ปิดการใช้งาน</span>')

    def value_is_active(self, value):
        return "ใช้งาน" if value else "ปิดการใช้งาน"
