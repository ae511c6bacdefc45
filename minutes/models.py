"""รายงานการประชุม (minutes) in the structure of แบบที่ ๑๑ of ระเบียบสำนักนายกรัฐมนตรี
ว่าด้วยงานสารบรรณ, and their certification (รับรองรายงานการประชุม).

Dependencies point one way: ``minutes`` reads ``meetings`` and ``directives``; a
directive born from an agenda item is linked by :class:`DirectiveOrigin`, which lives
here so that ``directives`` never imports ``minutes``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from directives.models import NUMBER_RE, Directive, sort_key_for, today
from lampang_tracker import limits, thai
from meetings.models import Meeting


class Section(models.IntegerChoices):
    """The standard agenda (ระเบียบวาระ). 0 is the customary เรื่องก่อนเข้าวาระ, printed
    only when it has content."""

    PRELIMINARY = 0, "เรื่องก่อนเข้าวาระการประชุม"
    CHAIR = 1, "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ"
    CERTIFY = 2, "รับรองรายงานการประชุมครั้งที่แล้ว"
    FOLLOW_UP = 3, "เรื่องสืบเนื่องจากการประชุมครั้งที่แล้ว"
    FOR_INFORMATION = 4, "เรื่องเพื่อทราบ"
    FOR_CONSIDERATION = 5, "เรื่องเพื่อพิจารณา"
    OTHER = 6, "เรื่องอื่น ๆ"


class State(models.TextChoices):
    DRAFT = "draft", "ร่าง"
    CIRCULATING = "circulating", "เวียนเพื่อรับรอง"
    CERTIFIED = "certified", "รับรองแล้ว"


class Standing(models.TextChoices):
    """What the page tells people, worked out from the state and today's date."""

    DRAFT = "draft", "ร่างรายงานการประชุม"
    CIRCULATING = "circulating", "อยู่ระหว่างเวียนเพื่อรับรอง"
    AWAITING_DECISIONS = "awaiting", "พ้นกำหนดรับรองแล้ว รอพิจารณาคำขอแก้ไข"
    DEEMED_CERTIFIED = "deemed", "ถือว่ารับรองแล้ว (พ้นกำหนดโดยไม่มีคำขอแก้ไข)"
    CERTIFIED = "certified", "รับรองแล้ว"


class Minutes(models.Model):  # รายงานการประชุม
    meeting = models.OneToOneField(Meeting, on_delete=models.PROTECT, related_name="minutes")
    title = models.CharField("ชื่อรายงาน", max_length=300, help_text="เช่น รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง")
    opening_note = models.TextField("ก่อนเข้าวาระ", blank=True, help_text="เช่น ประธานนำสวดมนต์ก่อนเข้าวาระการประชุม")
    started_at = models.TimeField("เริ่มประชุมเวลา", null=True, blank=True)
    ended_at = models.TimeField("เลิกประชุมเวลา", null=True, blank=True)
    recorder_name = models.CharField("ผู้จดรายงานการประชุม", max_length=200, blank=True)
    recorder_position = models.CharField("ตำแหน่งผู้จดรายงาน", max_length=200, blank=True)
    checker_name = models.CharField("ผู้ตรวจรายงานการประชุม", max_length=200, blank=True)
    checker_position = models.CharField("ตำแหน่งผู้ตรวจรายงาน", max_length=200, blank=True)

    state = models.CharField("สถานะ", max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    circulated_at = models.DateTimeField("เวียนเมื่อ", null=True, blank=True, editable=False)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    certify_deadline = models.DateField("รับรองภายในวันที่", null=True, blank=True, editable=False)
    # Section ๓ as it stood when the minutes were circulated (the tracker moves on).
    follow_up_snapshot = models.JSONField(null=True, blank=True, editable=False)
    follow_up_as_of = models.DateField(null=True, blank=True, editable=False)
    certified_at = models.DateTimeField("รับรองเมื่อ", null=True, blank=True, editable=False)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    certified_in = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="minutes_certified_here",
        verbose_name="รับรองในการประชุม",
        editable=False,
    )
    certified_note = models.CharField("ผลการรับรอง", max_length=300, blank=True, editable=False)

    # หนังสือนำส่ง (cover letter), optional.
    letter_number = models.CharField("ที่", max_length=100, blank=True, help_text="เช่น ลป ๐๐๑๙.๑/๐๕๕๖")
    letter_date = models.DateField("ลงวันที่", null=True, blank=True)
    letter_office = models.TextField(
        "ส่วนราชการเจ้าของหนังสือ (ที่อยู่)", blank=True, help_text="บรรทัดละหนึ่งบรรทัด เช่น ชื่อสำนักงาน แล้วถนน"
    )
    letter_to = models.CharField("เรียน", max_length=300, blank=True, help_text="เช่น พัฒนาการอำเภอทุกอำเภอ")
    letter_enclosure = models.CharField("สิ่งที่ส่งมาด้วย", max_length=300, blank=True)
    letter_signer_name = models.CharField("ผู้ลงนาม", max_length=200, blank=True)
    letter_signer_position = models.CharField("ตำแหน่งผู้ลงนาม", max_length=200, blank=True)
    letter_contact = models.TextField("ส่วนราชการเจ้าของเรื่อง / โทร.", blank=True, help_text="บรรทัดละหนึ่งบรรทัด")
    # Edit versions (see directives.models.Directive.version): the header and the
    # cover letter are two forms, each with its own, so saving one never makes the
    # other look stale.
    version = models.PositiveIntegerField("ฉบับที่", default=1, editable=False)
    letter_version = models.PositiveIntegerField("ฉบับที่ของหนังสือนำส่ง", default=1, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "รายงานการประชุม"
        verbose_name_plural = "รายงานการประชุม"
        constraints = [
            models.CheckConstraint(
                name="minutes_circulating_has_deadline",
                condition=models.Q(state="draft") | models.Q(certify_deadline__isnull=False),
                violation_error_message="การเวียนรับรองต้องมีวันครบกำหนด",
            ),
            models.CheckConstraint(
                name="minutes_certified_has_meeting",
                condition=~models.Q(state="certified") | models.Q(certified_in__isnull=False),
                violation_error_message="การรับรองต้องบันทึกการประชุมที่รับรอง",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ครั้งที่ {self.meeting.number_label}"

    def clean(self) -> None:
        limits.check_lengths(self, opening_note=limits.TEXT, letter_office=limits.TEXT, letter_contact=limits.TEXT)

    def standing(self, on: datetime.date | None = None) -> Standing:
        if self.state == State.DRAFT:
            return Standing.DRAFT
        if self.state == State.CERTIFIED:
            return Standing.CERTIFIED
        if self.certify_deadline >= (on or today()):
            return Standing.CIRCULATING
        if self.corrections.filter(status=CorrectionRequest.Status.PENDING).exists():
            return Standing.AWAITING_DECISIONS
        return Standing.DEEMED_CERTIFIED

    def is_locked(self, on: datetime.date | None = None) -> bool:
        """Certified, or deemed certified by silence: changes are amendments."""
        return self.standing(on) in (Standing.CERTIFIED, Standing.DEEMED_CERTIFIED)

    def accepts_corrections(self, on: datetime.date | None = None) -> bool:
        return self.standing(on) == Standing.CIRCULATING


class AttendeeQuerySet(models.QuerySet):
    def in_print_order(self) -> AttendeeQuerySet:
        """ผู้มาประชุม, then ผู้ไม่มาประชุม, then ผู้เข้าร่วมประชุม, each by its ลำดับ."""
        rank = models.Case(models.When(kind="present", then=0), models.When(kind="absent", then=1), default=2)
        return self.order_by(rank, "position_order", "id")


class Attendee(models.Model):
    class Kind(models.TextChoices):
        PRESENT = "present", "ผู้มาประชุม"
        ABSENT = "absent", "ผู้ไม่มาประชุม"
        GUEST = "guest", "ผู้เข้าร่วมประชุม"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="attendees")
    kind = models.CharField("ประเภท", max_length=10, choices=Kind.choices, default=Kind.PRESENT)
    position_order = models.PositiveIntegerField("ลำดับ", default=0)
    name = models.CharField("ชื่อ - สกุล", max_length=200)
    position = models.CharField("ตำแหน่ง", max_length=300, blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="หน่วยงาน"
    )
    substitute_for = models.CharField(
        "มาประชุมแทน", max_length=300, blank=True, help_text="ตำแหน่งของผู้ที่มาแทน เช่น วัฒนธรรมจังหวัดลำปาง"
    )
    reason = models.CharField("เหตุที่ไม่มา", max_length=200, blank=True, help_text="เช่น ติดราชการ ลาป่วย")
    version = models.PositiveIntegerField("ฉบับที่", default=1, editable=False)
    history = HistoricalRecords()

    objects = AttendeeQuerySet.as_manager()

    class Meta:
        verbose_name = "ผู้เข้าประชุม"
        verbose_name_plural = "ผู้เข้าประชุม"
        ordering = ["kind", "position_order", "id"]
        constraints = [
            models.CheckConstraint(
                name="attendee_reason_only_when_absent",
                condition=models.Q(kind="absent") | models.Q(reason=""),
                violation_error_message="เหตุที่ไม่มาใช้กับผู้ไม่มาประชุมเท่านั้น",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgendaSection(models.Model):  # ระเบียบวาระที่ ๑–๖
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField("ระเบียบวาระที่", choices=Section.choices)
    title = models.CharField("ชื่อวาระ", max_length=300)
    body = models.TextField("รายละเอียด", blank=True)
    resolution = models.TextField("มติที่ประชุม", blank=True)
    search_text = models.TextField(
        blank=True, default="", editable=False
    )  # thai.search_text of title + body + resolution
    version = models.PositiveIntegerField("ฉบับที่", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    SEARCH_FIELDS = ("title", "body", "resolution")

    class Meta:
        verbose_name = "ระเบียบวาระ"
        verbose_name_plural = "ระเบียบวาระ"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="agenda_section_unique_in_minutes"),
        ]

    def __str__(self) -> str:
        return self.heading

    def save(self, *args, **kwargs):
        thai.refresh_search_text(self, self.SEARCH_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        limits.check_lengths(self, body=limits.MINUTES_BODY, resolution=limits.RESOLUTION)

    @property
    def heading(self) -> str:
        if self.number == Section.PRELIMINARY:
            return self.title
        return f"ระเบียบวาระที่ {thai.thai_digits(self.number)} {self.title}"


class AgendaItem(models.Model):  # เรื่อง ๔.๑, ๔.๒ … ภายใต้ระเบียบวาระ
    section = models.ForeignKey(AgendaSection, on_delete=models.CASCADE, related_name="items")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name="อยู่ภายใต้เรื่อง"
    )
    number = models.CharField("ลำดับ", max_length=20, help_text="เช่น 4.1 หรือ 4.1.2")
    label = models.CharField(
        "เลขที่พิมพ์",
        max_length=20,
        blank=True,
        help_text="เลขที่พิมพ์หน้าเรื่อง ถ้าต่างจากลำดับ เช่น ๑. (เว้นว่างให้ระบบกำหนดจากลำดับ)",
    )
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    presenter = models.CharField("หน่วยงานที่เสนอ", max_length=300, blank=True, help_text="เช่น กลุ่มงานส่งเสริมการพัฒนาชุมชน")
    presenter_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="หน่วยงานในระบบ"
    )
    title = models.CharField("เรื่อง", max_length=500, blank=True)
    body = models.TextField("สาระสำคัญ", blank=True)
    resolution = models.TextField("มติที่ประชุม", blank=True)
    search_text = models.TextField(
        blank=True, default="", editable=False
    )  # thai.search_text of presenter + title + body + resolution
    version = models.PositiveIntegerField("ฉบับที่", default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = "เรื่องในระเบียบวาระ"
        verbose_name_plural = "เรื่องในระเบียบวาระ"
        ordering = ["section", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="agenda_item_number_unique_in_section"),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.title or self.presenter}"

    SEARCH_FIELDS = ("presenter", "title", "body", "resolution")

    def save(self, *args, **kwargs):
        self.sort_key = sort_key_for(self.number)
        thai.refresh_search_text(self, self.SEARCH_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        limits.check_lengths(self, body=limits.MINUTES_BODY, resolution=limits.RESOLUTION)

    @property
    def number_label(self) -> str:
        """The full number, ๔.๑.๑, for links and the screen."""
        return thai.thai_digits(self.number)

    @property
    def printed_label(self) -> str:
        """As the office prints it: ๔.๑ for an item of a section, ๑. for an item under
        another item or before the agenda (เรื่องก่อนเข้าวาระ); or the number typed as
        its label, as the office numbered it."""
        if self.label:
            return thai.thai_digits(self.label)
        if self.parent_id or self.number.startswith("0."):
            return thai.thai_digits(self.number.rsplit(".", 1)[-1]) + "."
        return thai.thai_digits(self.number)

    @property
    def depth(self) -> int:
        return self.number.count(".")

    @staticmethod
    def valid_number(number: str) -> bool:
        return bool(NUMBER_RE.match(number))


class CorrectionRequest(models.Model):  # คำขอแก้ไขรายงานการประชุม
    class Status(models.TextChoices):
        PENDING = "pending", "รอพิจารณา"
        ACCEPTED = "accepted", "แก้ไขตามคำขอแล้ว"
        REJECTED = "rejected", "ไม่แก้ไข"

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="corrections")
    section = models.ForeignKey(AgendaSection, on_delete=models.PROTECT, related_name="corrections")
    item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections")
    text = models.TextField("ข้อความที่ขอแก้ไข")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("เหตุผล", blank=True)

    class Meta:
        verbose_name = "คำขอแก้ไขรายงานการประชุม"
        verbose_name_plural = "คำขอแก้ไขรายงานการประชุม"
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["minutes", "status"])]

    def __str__(self) -> str:
        return f"{self.section} — {self.text[:60]}"


class Amendment(models.Model):
    """A change to minutes after they were certified: who, when, why, before and after."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="amendments")
    what = models.CharField("ส่วนที่แก้ไข", max_length=300)
    before = models.TextField("ข้อความเดิม", blank=True)
    after = models.TextField("ข้อความใหม่", blank=True)
    reason = models.TextField("เหตุผลการแก้ไข")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "การแก้ไขหลังรับรอง"
        verbose_name_plural = "การแก้ไขหลังรับรอง"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.what} ({self.at:%Y-%m-%d})"


class DirectiveOrigin(models.Model):
    """The agenda item a directive was born from (one item may give several)."""

    directive = models.OneToOneField(Directive, on_delete=models.CASCADE, related_name="origin")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="directive_links")

    class Meta:
        verbose_name = "ที่มาของข้อสั่งการ"
        verbose_name_plural = "ที่มาของข้อสั่งการ"

    def __str__(self) -> str:
        return f"{self.directive} ← {self.item}"
