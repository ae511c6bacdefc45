"""What the open-data page may show, read through Directive.objects.published() only.

Every public page and file is built from :func:`public_rows`: the fields listed in
FIELDS and nothing else. No person's name (chair, signer, reporter, reviewer), no
report text, no unpublished meeting or letter can reach it, because none is read.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from directives.models import Assignment, Directive, ProgressReport, ResponsibleParty, Status, today

# The data dictionary (คำอธิบายชุดข้อมูล): column, type, Thai description. The CSV
# columns, the JSON keys and the dictionary page all come from this list.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("id", "integer", "รหัสข้อสั่งการในระบบ (ไม่เปลี่ยนแปลง)"),
    ("source_type", "text", "ประเภทที่มา: meeting = การประชุม, letter = หนังสือสั่งการ"),
    ("source", "text", "ชื่อการประชุมและครั้งที่ หรือเลขที่และวันที่ของหนังสือสั่งการ"),
    ("source_date", "date", "วันที่ประชุมหรือวันที่ของหนังสือ (ค.ศ. รูปแบบ YYYY-MM-DD)"),
    ("number", "text", "ลำดับของข้อสั่งการ เช่น 7.1"),
    ("heading", "text", "หัวข้อ (วาระ) ถ้ามี"),
    ("text", "text", "ข้อความข้อสั่งการ"),
    ("responsible", "text", "หน่วยงานรับผิดชอบตามที่พิมพ์ในเอกสาร คั่นด้วย ; "),
    ("strategy", "integer", "ยุทธศาสตร์การพัฒนาจังหวัดลำปางที่ (๑–๖) ถ้าระบุ"),
    ("due_date", "date", "กำหนดเสร็จ (ค.ศ. รูปแบบ YYYY-MM-DD) ถ้ามี"),
    ("status", "text", "รหัสสถานะ: not_started, in_progress, done, extension, closed"),
    ("status_label", "text", "สถานะเป็นภาษาไทย"),
    ("overdue", "boolean", "เกินกำหนดหรือไม่ ณ วันที่สร้างไฟล์"),
    ("agencies_total", "integer", "จำนวนหน่วยงานที่ได้รับมอบหมาย"),
    ("agencies_reported", "integer", "จำนวนหน่วยงานที่รายงานผลแล้วอย่างน้อยหนึ่งครั้ง"),
    ("agencies_done", "integer", "จำนวนหน่วยงานที่รายงานว่าดำเนินการแล้วเสร็จ"),
    ("published_at", "datetime", "วันเวลาที่เผยแพร่ที่มา (ISO 8601)"),
)
COLUMNS = tuple(name for name, _type, _description in FIELDS)


def _assignment_count(*conditions):
    """How many of a directive's assignments meet ``conditions``: a correlated
    subquery, so a page of rows costs the same whatever the size of the table."""
    assignments = Assignment.objects.filter(*conditions, directive=OuterRef("pk")).order_by()
    count = assignments.values("directive").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def published_directives():
    """Published directives that say something (a heading-only row such as
    "๗ ประเด็นอื่น ๆ" is structure, not an item), with their progress counted."""
    has_party = Exists(ResponsibleParty.objects.filter(directive=OuterRef("pk")))
    return (
        Directive.objects.published()
        .exclude(Q(text="") & ~has_party)
        .select_related("meeting__series", "letter", "strategy")
        .prefetch_related("parties__agency", "parties__group")
        .annotate(
            agencies_total=_assignment_count(),
            agencies_reported=_assignment_count(Exists(ProgressReport.objects.filter(assignment=OuterRef("pk")))),
            agencies_done=_assignment_count(Q(status=Status.DONE)),
        )
        .newest_source_first()
    )


def public_row(directive: Directive, on: datetime.date | None = None) -> dict:
    source = directive.source
    return {
        "id": directive.pk,
        "source_type": "letter" if directive.letter_id else "meeting",
        "source": str(source),
        "source_date": source.date.isoformat(),
        "number": directive.number,
        "heading": directive.heading,
        "text": directive.text,
        "responsible": "; ".join(party.text for party in directive.parties.all()),
        "strategy": directive.strategy.number if directive.strategy_id else None,
        "due_date": directive.due_date.isoformat() if directive.due_date else None,
        "status": directive.state,
        "status_label": Status(directive.state).label,
        "overdue": directive.state not in (Status.DONE, Status.CLOSED) and directive.is_overdue(on),
        "agencies_total": directive.agencies_total,
        "agencies_reported": directive.agencies_reported,
        "agencies_done": directive.agencies_done,
        "published_at": source.published_at.isoformat() if source.published_at else None,
    }


def public_rows(on: datetime.date | None = None) -> Iterator[dict]:
    on = on or today()
    for directive in published_directives().iterator(chunk_size=500):
        yield public_row(directive, on)
