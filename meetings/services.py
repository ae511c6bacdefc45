"""Writes to meetings go through here (see directives/services.py for the pattern)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from .models import Letter, Meeting


@transaction.atomic
def meeting_create(*, by, **fields) -> Meeting:
    meeting = Meeting(created_by=by, **fields)
    if not meeting.year_be and meeting.date:
        meeting.year_be = meeting.date.year + 543
    meeting.full_clean()
    meeting._history_user = by
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by, **fields) -> Meeting:
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting._history_user = by
    meeting.save()
    return meeting


LETTER_FIELDS = frozenset(
    {"number", "date", "subject", "sender", "recipient", "reference", "enclosures", "urgency", "body", "signer"}
)


def _letter_clean_text(fields: dict) -> dict:
    # Single-line header fields lose stray spaces and line breaks pasted from Word;
    # the multi-line ones (reference, enclosures, body) keep their lines.
    for name in ("number", "subject", "sender", "recipient", "signer", "urgency"):
        if name in fields and isinstance(fields[name], str):
            fields[name] = " ".join(fields[name].split())
    for name in ("reference", "enclosures", "body"):
        if name in fields and isinstance(fields[name], str):
            fields[name] = fields[name].strip()
    return fields


@transaction.atomic
def letter_create(
    *,
    number: str,
    date: datetime.date,
    subject: str,
    sender: str = "",
    recipient: str = "",
    reference: str = "",
    enclosures: str = "",
    urgency: str = "",
    body: str = "",
    signer: str = "",
    by,
) -> Letter:
    """Record a หนังสือสั่งการ; its directives are added with directives.services.directive_create(letter=…)."""
    fields = _letter_clean_text(
        dict(
            number=number,
            date=date,
            subject=subject,
            sender=sender,
            recipient=recipient,
            reference=reference,
            enclosures=enclosures,
            urgency=urgency,
            body=body,
            signer=signer,
        )
    )
    letter = Letter(created_by=by, **fields)
    letter.full_clean()
    letter._history_user = by
    letter.save()
    return letter


@transaction.atomic
def letter_update(*, letter: Letter, by, **fields) -> Letter:
    unknown = set(fields) - LETTER_FIELDS
    if unknown:
        raise TypeError(f"letter_update() got unexpected fields: {', '.join(sorted(unknown))}")
    for name, value in _letter_clean_text(fields).items():
        setattr(letter, name, value)
    letter.full_clean()
    letter._history_user = by
    letter.save()
    return letter


@transaction.atomic
def source_publish(*, source: Meeting | Letter, published: bool, by) -> Meeting | Letter:
    """เผยแพร่ / ยกเลิกการเผยแพร่: put a meeting's or a letter's directives on the public
    open-data page, or take them off. ``published_at`` keeps the last time it was published."""
    source = type(source).objects.select_for_update().get(pk=source.pk)
    if source.is_published == published:
        return source
    source.is_published = published
    if published:
        source.published_at = timezone.now()
    source._history_user = by
    source.save(update_fields=["is_published", "published_at", "updated_at"])
    return source
