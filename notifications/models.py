"""The outbox (one row per message), preferences, LINE links and calendar tokens.

Every message is a row of :class:`Notification` before it leaves: unique per
recipient × event × channel × subject object × day, so queueing the same reminder
twice inserts nothing, and ``send_notifications`` can run as often as cron likes.
"""

from __future__ import annotations

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import Agency


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Event(models.TextChoices):
    ASSIGNED = "assigned", "ได้รับมอบหมายข้อสั่งการใหม่"
    REPORT_RETURNED = "report_returned", "รายงานถูกส่งกลับให้แก้ไข"
    EXTENSION_DECIDED = "extension_decided", "ผลการพิจารณาขอขยายเวลา"
    REPORT_PENDING = "report_pending", "รายงานรอตรวจ"
    DUE_SOON = "due_soon", "ใกล้ครบกำหนด"
    REPORT_DAY = "report_day", "ถึงกำหนดรายงานผลประจำเดือน"
    OVERDUE = "overdue", "เกินกำหนด"
    CRITICAL_DIGEST = "critical_digest", "สรุปข้อสั่งการเกินกำหนดวิกฤต"
    MINUTES_CIRCULATED = "minutes_circulated", "เวียนรายงานการประชุมเพื่อรับรอง"
    CORRECTION_DECIDED = "correction_decided", "ผลการพิจารณาคำขอแก้ไขรายงานการประชุม"


class Channel(models.TextChoices):
    EMAIL = "email", "อีเมล"
    LINE = "line", "LINE"
    INAPP = "inapp", "ในระบบ"


class Mode(models.TextChoices):
    EACH = "each", "แจ้งทุกเรื่องทันที"
    DIGEST = "digest", "สรุปวันละครั้ง (๐๗.๓๐ น.)"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user, channel=Channel.INAPP)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def due(self, now: datetime.datetime) -> NotificationQuerySet:
        """Queued messages whose turn has come (not waiting for a digest)."""
        return self.filter(state=Notification.State.QUEUED, digest=False, next_attempt_at__lte=now)


class Notification(models.Model):  # การแจ้งเตือน — one outbox row
    class State(models.TextChoices):
        QUEUED = "queued", "รอส่ง"
        SENT = "sent", "ส่งแล้ว"
        FAILED = "failed", "ส่งไม่สำเร็จ"

    # "user:<pk>" or "line-group:<agency pk>": one text column so the unique
    # constraint holds (NULLs would be distinct).
    recipient = models.CharField("ผู้รับ", max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event = models.CharField("เรื่อง", max_length=30, choices=Event.choices)
    channel = models.CharField("ช่องทาง", max_length=10, choices=Channel.choices)
    # What the message is about ("assignment:12", "report:5:returned", "minutes:3" …)
    key = models.CharField(max_length=80)
    due_day = models.DateField("สำหรับวันที่")
    subject = models.CharField("หัวเรื่อง", max_length=300)
    body = models.TextField("ข้อความ")
    url = models.CharField("ลิงก์", max_length=300, blank=True)
    digest = models.BooleanField("รอสรุปประจำวัน", default=False)
    state = models.CharField("สถานะ", max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField("จำนวนครั้งที่ส่ง", default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField("ข้อผิดพลาดล่าสุด", blank=True)
    sent_at = models.DateTimeField("ส่งเมื่อ", null=True, blank=True)
    read_at = models.DateTimeField("อ่านเมื่อ", null=True, blank=True)
    created_at = models.DateTimeField("สร้างเมื่อ", default=timezone.now)
    # LINE's X-Line-Retry-Key: a retried push is delivered at most once.
    retry_key = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "การแจ้งเตือน"
        verbose_name_plural = "การแจ้งเตือน"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event", "channel", "key", "due_day"], name="notification_once_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["state", "digest", "next_attempt_at"], name="notification_outbox"),
            models.Index(fields=["user", "channel", "read_at"], name="notification_inapp"),
            models.Index(fields=["-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject}"


class Defaults(models.Model):
    """The secretariat's defaults for users who set no preference (one row, pk=1)."""

    email_on = models.BooleanField("แจ้งทางอีเมล", default=True)
    line_on = models.BooleanField("แจ้งทาง LINE", default=True)
    mode = models.CharField("รูปแบบ", max_length=10, choices=Mode.choices, default=Mode.EACH)

    class Meta:
        verbose_name = "ค่าเริ่มต้นการแจ้งเตือน"
        verbose_name_plural = "ค่าเริ่มต้นการแจ้งเตือน"

    def __str__(self) -> str:
        return "ค่าเริ่มต้นการแจ้งเตือน"

    @classmethod
    def current(cls) -> Defaults:
        return cls.objects.get_or_create(pk=1)[0]


class Preference(models.Model):
    """One user's channels and mode, their LINE link and their calendar token."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_pref")
    # None: follow the secretariat's default.
    email_on = models.BooleanField("แจ้งทางอีเมล", null=True, blank=True)
    line_on = models.BooleanField("แจ้งทาง LINE", null=True, blank=True)
    mode = models.CharField("รูปแบบ", max_length=10, choices=Mode.choices, blank=True)
    line_user_id = models.CharField("LINE userId", max_length=64, blank=True)
    line_code = models.CharField(max_length=12, blank=True)
    line_code_expires = models.DateTimeField(null=True, blank=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = "การตั้งค่าการแจ้งเตือน"
        verbose_name_plural = "การตั้งค่าการแจ้งเตือน"
        constraints = [
            models.UniqueConstraint(
                fields=["line_user_id"], condition=~models.Q(line_user_id=""), name="preference_line_user_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)


class AgencySetting(models.Model):
    """Per agency: its LINE group, its head (for escalation) and its calendar token."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="notify_setting")
    line_group_id = models.CharField("LINE groupId ของหน่วยงาน", max_length=64, blank=True)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="หัวหน้าหน่วยงาน (รับแจ้งเมื่อเกินกำหนดรุนแรง)",
    )
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = "การแจ้งเตือนของหน่วยงาน"
        verbose_name_plural = "การแจ้งเตือนของหน่วยงาน"

    def __str__(self) -> str:
        return str(self.agency)
