from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from lampang_tracker.thai import thai_sorted


class AgencyQuerySet(models.QuerySet):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)

    def thai_sorted(self) -> list[Agency]:
        """Agencies in Thai dictionary order; the database sorts by code point."""
        return thai_sorted(self, key=lambda agency: agency.name)


class Agency(models.Model):  # หน่วยงาน
    class Kind(models.TextChoices):
        PROVINCIAL = "provincial", "ส่วนราชการส่วนภูมิภาค"
        CENTRAL = "central", "ส่วนราชการส่วนกลางในจังหวัด"
        DISTRICT = "district", "อำเภอ"
        LOCAL = "local", "องค์กรปกครองส่วนท้องถิ่น"
        ENTERPRISE = "enterprise", "รัฐวิสาหกิจ"
        EDUCATION = "education", "สถาบันการศึกษา"
        OTHER = "other", "อื่น ๆ"

    name = models.CharField("ชื่อหน่วยงาน", max_length=200, unique=True)
    short_name = models.CharField("ชื่อย่อ", max_length=60, blank=True)
    kind = models.CharField("ประเภท", max_length=20, choices=Kind.choices, default=Kind.PROVINCIAL)
    print_order = models.PositiveIntegerField("ลำดับการพิมพ์", default=1000)
    head_name = models.CharField("ชื่อหัวหน้าหน่วยงาน", max_length=200, blank=True)
    head_position = models.CharField(
        "ตำแหน่งหัวหน้าหน่วยงาน", max_length=200, blank=True, help_text="เช่น วัฒนธรรมจังหวัดลำปาง"
    )
    is_active = models.BooleanField("ใช้งาน", default=True)
    history = HistoricalRecords()

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = "หน่วยงาน"
        verbose_name_plural = "หน่วยงาน"
        ordering = ["print_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def head_title(self) -> str:
        """The head's position as minutes print it: as entered, else the office's
        name without สำนักงาน (สำนักงานวัฒนธรรมจังหวัดลำปาง → วัฒนธรรมจังหวัดลำปาง)."""
        if self.head_position:
            return self.head_position
        return self.name.removeprefix("สำนักงาน") if self.name.startswith("สำนักงาน") else f"หัวหน้า{self.name}"


class AgencyGroup(models.Model):  # กลุ่มหน่วยงาน เช่น "ทุกส่วนราชการ/หน่วยงาน", "ทุกอำเภอ"
    name = models.CharField("ชื่อกลุ่ม (พิมพ์ตามนี้)", max_length=200, unique=True)
    members = models.ManyToManyField(Agency, related_name="groups", verbose_name="หน่วยงานในกลุ่ม", blank=True)
    print_order = models.PositiveIntegerField("ลำดับการพิมพ์", default=1000)
    is_active = models.BooleanField("ใช้งาน", default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = "กลุ่มหน่วยงาน"
        verbose_name_plural = "กลุ่มหน่วยงาน"
        ordering = ["print_order", "name"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """Which role a user has and, for agency users, which one agency they act for."""

    class Role(models.TextChoices):
        SECRETARIAT = "secretariat", "ฝ่ายเลขานุการ (กลุ่มงานอำนวยการ)"
        AGENCY = "agency", "ผู้ใช้หน่วยงาน"
        EXECUTIVE = "executive", "ผู้บริหาร"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField("บทบาท", max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name="หน่วยงาน"
    )
    position = models.CharField("ตำแหน่ง", max_length=200, blank=True)
    phone = models.CharField("โทรศัพท์", max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "ผู้ใช้และบทบาท"
        verbose_name_plural = "ผู้ใช้และบทบาท"
        constraints = [
            models.CheckConstraint(
                name="profile_agency_iff_agency_role",
                condition=(
                    models.Q(role="agency", agency__isnull=False)
                    | (~models.Q(role="agency") & models.Q(agency__isnull=True))
                ),
                violation_error_message="ผู้ใช้หน่วยงานต้องสังกัดหน่วยงานเดียว และบทบาทอื่นต้องไม่ผูกกับหน่วยงาน",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"
