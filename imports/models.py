from __future__ import annotations

from django.conf import settings
from django.db import models

from meetings.models import Letter, Meeting


class ImportBatchQuerySet(models.QuerySet):
    def same_document(self, sha256: str) -> ImportBatchQuerySet:
        return self.filter(sha256=sha256).select_related("meeting__series", "letter", "created_by")


class ImportBatch(models.Model):  # การนำเข้าข้อสั่งการหนึ่งครั้ง
    """One confirmed import: which document (by content hash), into which meeting or
    letter, how many items, by whom and when. Importing the same content again is
    noticed by its hash."""

    class Kind(models.TextChoices):
        SUMMARY = "summary", "สรุปประเด็นการประชุม"
        LETTER = "letter", "หนังสือสั่งการ"

    kind = models.CharField("ชนิดเอกสาร", max_length=10, choices=Kind.choices)
    sha256 = models.CharField("รหัสเนื้อหา (SHA-256)", max_length=64, db_index=True)
    filename = models.CharField("ชื่อไฟล์", max_length=255, blank=True)
    source_format = models.CharField("รูปแบบ", max_length=10, blank=True, help_text="docx, pdf หรือ text")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="imports", verbose_name="การประชุม"
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="imports", verbose_name="หนังสือสั่งการ"
    )
    item_count = models.PositiveIntegerField("จำนวนข้อ", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("นำเข้าเมื่อ", auto_now_add=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = "การนำเข้าข้อสั่งการ"
        verbose_name_plural = "การนำเข้าข้อสั่งการ"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="import_batch_has_one_target",
                condition=(
                    models.Q(meeting__isnull=False, letter__isnull=True)
                    | models.Q(meeting__isnull=True, letter__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename or self.sha256[:12]} ({self.item_count} ข้อ)"

    @property
    def target(self) -> Meeting | Letter:
        return self.meeting or self.letter
