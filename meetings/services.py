"""Writes to meetings go through here (see directives/services.py for the pattern)."""

from __future__ import annotations

from django.db import transaction

from .models import Meeting


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
