from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from lampang_tracker import thai


class MeetingSeries(models.Model):  # ชุดการประชุม เช่น การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง
    name = models.CharField("ชื่อการประชุม", max_length=250, unique=True)
    summary_title = models.CharField(
        "ชื่อเอกสารสรุปประเด็น",
        max_length=250,
        help_text="เช่น สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ",
    )
    office_line = models.CharField(
        "บรรทัดท้ายเอกสาร",
        max_length=250,
        blank=True,
        help_text="เช่น กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔",
    )
    default_venue = models.CharField("สถานที่ประชุมประจำ", max_length=250, blank=True)
    # The words offices vary in their รายงานการประชุม; the defaults are แบบที่ ๑๑ of
    # ระเบียบงานสารบรรณ.
    present_label = models.CharField(
        "หัวข้อรายชื่อผู้มาประชุม",
        max_length=100,
        default="ผู้มาประชุม",
        help_text="เช่น ผู้มาประชุม, ผู้เข้าร่วมประชุม (ผู้เข้าร่วมประชุมที่ไม่ใช่กรรมการพิมพ์แยกไว้ต่างหาก)",
    )
    started_label = models.CharField(
        "คำก่อนเวลาเริ่มประชุม", max_length=100, default="เริ่มประชุมเวลา", help_text="เช่น เริ่มประชุมเวลา, เปิดประชุม เวลา"
    )
    ended_label = models.CharField(
        "คำก่อนเวลาเลิกประชุม", max_length=100, default="เลิกประชุมเวลา", help_text="เช่น เลิกประชุมเวลา, ปิดประชุม เวลา"
    )
    recorder_label = models.CharField(
        "ตำแหน่งผู้จดในช่องลงชื่อ",
        max_length=100,
        default="ผู้จดรายงานการประชุม",
        help_text="เช่น ผู้จดรายงานการประชุม, ผู้บันทึกรายงานการประชุม",
    )
    checker_label = models.CharField("ตำแหน่งผู้ตรวจในช่องลงชื่อ", max_length=100, default="ผู้ตรวจรายงานการประชุม")
    secretariat_name = models.CharField(
        "ชื่อฝ่ายที่จัดทำรายงานการประชุม",
        max_length=100,
        default="ฝ่ายเลขานุการ",
        help_text="ในหนังสือนำส่ง เช่น ฝ่ายเลขานุการ, ฝ่ายอำนวยการ",
    )
    is_active = models.BooleanField("ใช้งาน", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ชุดการประชุม"
        verbose_name_plural = "ชุดการประชุม"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class MeetingQuerySet(models.QuerySet):
    def active(self) -> MeetingQuerySet:
        return self.filter(is_archived=False)


class CopiesSourceColumns:
    """A meeting or a letter keeps the copy of its date (and ครั้งที่) on its directives
    (``Directive.source_date``/``source_number``, by which the directive list sorts)
    in step: a save that changes them updates its directives in one statement."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._source_columns = instance._source_values()
        return instance

    def _source_values(self) -> dict:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and not set(update_fields) & {"date", "number"}:
            return
        current = self._source_values()
        if not adding and getattr(self, "_source_columns", None) != current:
            self.directives.update(**current)
        self._source_columns = current


class Meeting(CopiesSourceColumns, models.Model):  # การประชุม
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.PROTECT, related_name="meetings", verbose_name="ชุดการประชุม"
    )
    number = models.PositiveIntegerField("ครั้งที่")
    year_be = models.PositiveIntegerField("ปี พ.ศ.", help_text="ครั้งที่นับใหม่ทุกปี พ.ศ.")
    date = models.DateField("วันที่ประชุม")
    start_time = models.TimeField("เวลาเริ่ม", null=True, blank=True)
    end_time = models.TimeField("เวลาเลิก", null=True, blank=True)
    venue = models.CharField("สถานที่", max_length=250, blank=True)
    chair = models.CharField("ประธาน", max_length=250, blank=True)
    is_archived = models.BooleanField("เก็บเข้าคลัง", default=False)
    # เผยแพร่เป็นข้อมูลเปิด: the secretariat's choice; only then may /public/ show its directives.
    is_published = models.BooleanField("เผยแพร่เป็นข้อมูลเปิด", default=False)
    published_at = models.DateTimeField("เผยแพร่เมื่อ", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "การประชุม"
        verbose_name_plural = "การประชุม"
        ordering = ["-date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year_be", "number"],
                name="meeting_number_unique_per_series_year",
                violation_error_message="มีการประชุมครั้งที่นี้ของชุดการประชุมนี้ในปีนี้แล้ว",
            ),
            models.CheckConstraint(
                name="meeting_number_positive",
                condition=models.Q(number__gte=1),
                violation_error_message="ครั้งที่ต้องมากกว่า ๐",
            ),
            models.CheckConstraint(
                name="meeting_year_be_plausible",
                condition=models.Q(year_be__gte=2400, year_be__lte=2700),
                violation_error_message="ปี พ.ศ. ไม่ถูกต้อง",
            ),
        ]
        indexes = [models.Index(fields=["year_be"]), models.Index(fields=["-date", "-number"])]

    def __str__(self) -> str:
        return f"{self.series.name} ครั้งที่ {self.number_label}"

    @property
    def number_label(self) -> str:
        """๑๐/๒๕๖๐"""
        return thai.thai_digits(f"{self.number}/{self.year_be}")

    def previous(self) -> Meeting | None:
        """The meeting of the same series held just before this one."""
        earlier = models.Q(date__lt=self.date) | models.Q(date=self.date, year_be=self.year_be, number__lt=self.number)
        return (
            Meeting.objects.active()
            .filter(earlier, series_id=self.series_id)
            .exclude(pk=self.pk)
            .select_related("series")
            .order_by("-date", "-year_be", "-number")
            .first()
        )

    def _source_values(self) -> dict:
        return {"source_date": self.__dict__.get("date"), "source_number": self.__dict__.get("number")}

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": "เวลาเลิกประชุมต้องหลังเวลาเริ่มประชุม"})


class Urgency(models.TextChoices):  # ชั้นความเร็ว
    NONE = "", "—"
    MOST_URGENT = "ด่วนที่สุด", "ด่วนที่สุด"
    VERY_URGENT = "ด่วนมาก", "ด่วนมาก"
    URGENT = "ด่วน", "ด่วน"


class LetterQuerySet(models.QuerySet):
    def active(self) -> LetterQuerySet:
        return self.filter(is_archived=False)

    def same_as(self, *, number: str, date) -> LetterQuerySet:
        """The letter already entered with this ที่ and ลงวันที่ (digits and spaces aside)."""
        return self.filter(number_key=Letter.key_for(number), date=date)


class Letter(CopiesSourceColumns, models.Model):  # หนังสือสั่งการ
    """An official letter (หนังสือราชการ) whose body lists numbered directives.

    A letter is a source of directives just as a meeting is (Directive.letter).
    """

    number = models.CharField("ที่", max_length=100, help_text="เช่น มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
    # The number with ASCII digits and single spaces: "มท 0810.6/ว 12505" and
    # "มท ๐๘๑๐.๖/ว ๑๒๕๐๕" are the same letter.
    number_key = models.CharField(max_length=100, editable=False, db_index=True)
    date = models.DateField("ลงวันที่")
    subject = models.CharField("เรื่อง", max_length=500)
    sender = models.CharField("จาก", max_length=300, blank=True, help_text="เช่น กระทรวงมหาดไทย")
    recipient = models.CharField("เรียน", max_length=300, blank=True, help_text="เช่น ผู้ว่าราชการจังหวัด ทุกจังหวัด")
    reference = models.TextField("อ้างถึง", blank=True)
    enclosures = models.TextField("สิ่งที่ส่งมาด้วย", blank=True)
    urgency = models.CharField("ชั้นความเร็ว", max_length=30, blank=True, choices=Urgency.choices)
    body = models.TextField("เนื้อความ", blank=True, help_text="ข้อความของหนังสือตามที่ได้รับ")
    search_text = models.TextField(blank=True, default="", editable=False)  # thai.search_text of the fields below
    signer = models.CharField("ผู้ลงนาม", max_length=300, blank=True)
    is_archived = models.BooleanField("เก็บเข้าคลัง", default=False)
    is_published = models.BooleanField("เผยแพร่เป็นข้อมูลเปิด", default=False)
    published_at = models.DateTimeField("เผยแพร่เมื่อ", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = "หนังสือสั่งการ"
        verbose_name_plural = "หนังสือสั่งการ"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number_key", "date"],
                name="letter_number_unique_per_date",
                violation_error_message="มีหนังสือที่และลงวันที่นี้อยู่ในระบบแล้ว",
            ),
        ]
        indexes = [models.Index(fields=["-date", "-id"])]

    def __str__(self) -> str:
        if not self.date:
            return f"หนังสือ ที่ {self.number_label}"
        return f"หนังสือ ที่ {self.number_label} ลงวันที่ {thai.date_long(self.date)}"

    SEARCH_FIELDS = ("number", "subject", "sender", "reference", "body")

    def save(self, *args, **kwargs):
        self.number_key = self.key_for(self.number)
        thai.refresh_search_text(self, self.SEARCH_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def _source_values(self) -> dict:
        return {"source_date": self.__dict__.get("date")}

    @staticmethod
    def key_for(number: str) -> str:
        return " ".join(thai.arabic_digits(number or "").split())

    @property
    def number_label(self) -> str:
        """The ที่ as printed: Thai digits."""
        return thai.thai_digits(self.number)

    def clean(self) -> None:
        self.number_key = self.key_for(self.number)
