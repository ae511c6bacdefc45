"""The one write of an import: a reviewed set of items, all or nothing.

Every item goes through ``directives.services.directive_create`` (so assignments,
derived states, the audit trail — and later the notifications of the issue
"Pushing work to agencies" — come out exactly as from the directive form), parents
before children, then an ``ImportBatch`` records the document's hash.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, AgencyGroup
from directives import services as directive_services
from directives.models import Directive, sort_key_for
from directives.services import DomainError, Party
from lampang_tracker import thai
from meetings.models import Letter, Meeting
from meetings.services import letter_create

from .models import ImportBatch


class ItemError(DomainError):
    """A reviewed item the directive service refused; ``index`` is its row."""

    def __init__(self, message: str, *, index: int, field: str | None = None):
        super().__init__(message, field=field)
        self.index = index


@dataclass
class ReviewedParty:
    label: str
    agency_id: int | None = None
    group_id: int | None = None
    paragraph: int = 0  # printed beside this paragraph of the text (0: the first)


@dataclass
class ReviewedItem:
    number: str
    heading: str = ""
    text: str = ""
    parties: list[ReviewedParty] = field(default_factory=list)
    due_date: datetime.date | None = None
    report_day: int | None = None
    report_until: datetime.date | None = None
    parties_bulleted: bool = False
    heading_apart: bool = False


def reviewed_as_parsed(item, matches) -> ReviewedItem:
    """A parsed item (``parsers.ParsedItem``) taken as read, its parties as matched
    (``matching.Match`` each): what the command imports without a preview."""
    paragraphs = list(item.party_paragraphs) + [0] * (len(matches) - len(item.party_paragraphs))
    return ReviewedItem(
        number=item.number,
        heading=item.heading,
        text=item.text,
        parties=[
            ReviewedParty(m.label, m.agency_id, m.group_id, paragraph=at)
            for m, at in zip(matches, paragraphs, strict=False)
        ],
        due_date=item.due_date,
        report_day=item.report_day,
        report_until=item.report_until,
        parties_bulleted=item.parties_bulleted,
        heading_apart=item.heading_apart,
    )


def content_sha256(*, data: bytes | None = None, text: str | None = None) -> str:
    """The hash an import is known by: the file's bytes, or pasted text normalised
    (so the same text pasted twice with other line ends is the same document)."""
    from .parsers import normalised_for_hash

    if data is not None:
        return hashlib.sha256(data).hexdigest()
    return hashlib.sha256(normalised_for_hash(text or "").encode()).hexdigest()


def previous_imports(sha256: str):
    return ImportBatch.objects.same_document(sha256)


def _parties(item: ReviewedItem, agencies: dict[int, Agency], groups: dict[int, AgencyGroup]) -> list[Party]:
    out = []
    for party in item.parties:
        label = party.label.strip()
        if party.agency_id:
            agency = agencies[party.agency_id]
            out.append(Party(agency=agency, label="" if label == agency.name else label, paragraph=party.paragraph))
        elif party.group_id:
            group = groups[party.group_id]
            out.append(Party(group=group, label="" if label == group.name else label, paragraph=party.paragraph))
        elif label:
            out.append(Party(label=label, paragraph=party.paragraph))
    return out


@transaction.atomic
def import_commit(
    *,
    kind: str,
    items: Sequence[ReviewedItem],
    sha256: str,
    filename: str = "",
    source_format: str = "",
    meeting: Meeting | None = None,
    letter_fields: dict | None = None,
    again: bool = False,
    by,
) -> ImportBatch:
    """Write every reviewed item into ``meeting`` or into a new letter made from
    ``letter_fields`` (number, date, subject, sender, recipient, reference,
    enclosures, urgency, body, signer). Nothing is written if any item fails."""
    if not items:
        raise DomainError("ไม่มีข้อสั่งการให้นำเข้า")
    if kind == ImportBatch.Kind.SUMMARY and meeting is None:
        raise DomainError("กรุณาเลือกการประชุมที่จะนำเข้าข้อสั่งการ")
    previous = previous_imports(sha256).first()
    if previous and not again:
        raise DomainError(
            f"เอกสารนี้นำเข้าแล้วเมื่อ {thai.date_long(timezone.localtime(previous.created_at).date())} ({previous.item_count} ข้อ) "
            "หากต้องการนำเข้าซ้ำ กรุณาเลือก “นำเข้าซ้ำ”",
            field="again",
        )
    letter = None
    if kind == ImportBatch.Kind.LETTER:
        fields = dict(letter_fields or {})
        if Letter.objects.same_as(number=fields.get("number", ""), date=fields.get("date")).exists():
            raise DomainError("มีหนังสือที่และลงวันที่นี้อยู่ในระบบแล้ว", field="number")
        try:
            letter = letter_create(by=by, **fields)
        except ValidationError as error:
            messages = getattr(error, "message_dict", {})
            name, texts = next(iter(messages.items()), (None, error.messages))
            raise DomainError(" ".join(texts), field=name) from error
        meeting = None

    agency_ids = {p.agency_id for item in items for p in item.parties if p.agency_id}
    group_ids = {p.group_id for item in items for p in item.parties if p.group_id}
    agencies = Agency.objects.in_bulk(agency_ids)
    groups = AgencyGroup.objects.in_bulk(group_ids)
    if missing := (agency_ids - set(agencies)) | (group_ids - set(groups)):
        raise DomainError(f"ไม่พบหน่วยงานที่เลือก ({len(missing)} รายการ) กรุณาเลือกใหม่")

    existing = Directive.objects.filter(meeting=meeting) if meeting else Directive.objects.none()
    created: dict[str, Directive] = {d.number: d for d in existing}
    order = sorted(range(len(items)), key=lambda i: sort_key_for(items[i].number))
    for index in order:
        item = items[index]
        parent = None
        if "." in item.number:
            parent_number = item.number.rsplit(".", 1)[0]
            parent = created.get(parent_number)
            if parent is None:
                raise ItemError(
                    f"ข้อ {thai.thai_digits(item.number)} ไม่มีข้อหลัก {thai.thai_digits(parent_number)}",
                    index=index,
                    field="number",
                )
        try:
            created[item.number] = directive_services.directive_create(
                meeting=meeting,
                letter=letter,
                number=item.number,
                heading=item.heading,
                text=item.text,
                parent=parent,
                due_date=item.due_date,
                report_day=item.report_day,
                report_until=item.report_until,
                parties=_parties(item, agencies, groups),
                parties_bulleted=item.parties_bulleted,
                heading_apart=item.heading_apart,
                by=by,
            )
        except ValidationError as error:
            messages = getattr(error, "message_dict", {"__all__": error.messages})
            name, texts = next(iter(messages.items()))
            raise ItemError(
                f"ข้อ {thai.thai_digits(item.number)}: {' '.join(texts)}",
                index=index,
                field=None if name == "__all__" else name,
            ) from error
        except DomainError as error:
            raise ItemError(f"ข้อ {thai.thai_digits(item.number)}: {error}", index=index, field=error.field) from error

    batch = ImportBatch(
        kind=kind,
        sha256=sha256,
        filename=filename[:255],
        source_format=source_format,
        meeting=meeting,
        letter=letter,
        item_count=len(items),
        created_by=by,
    )
    batch.full_clean()
    batch.save()
    return batch
