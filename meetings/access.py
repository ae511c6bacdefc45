"""Who may read and change meetings. Meetings, letters and their summaries are circulated
to every agency, so every signed-in role reads them; only the secretariat writes."""

from django.shortcuts import get_object_or_404

from agencies.access import require_known_role, require_secretariat

from .models import Letter, Meeting


def get_meeting_for_user(request, pk: int, *, write: bool = False) -> Meeting:
    require_known_role(request)
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if write:
        require_secretariat(request)
    return meeting


def get_letter_for_user(request, pk: int, *, write: bool = False) -> Letter:
    """Letters, like meetings, are read by every signed-in role; only the secretariat writes."""
    require_known_role(request)
    letter = get_object_or_404(Letter, pk=pk)
    if write:
        require_secretariat(request)
    return letter


def openable_directive_ids(actor, directives) -> set[int] | None:
    """Of a meeting's or a letter's ``directives``, the ids an agency user may open:
    those assigned to their agency. None for the roles that read everything."""
    if actor.reads_all:
        return None
    rows = directives.filter(assignments__agency=actor.agency).values_list("pk")
    return {pk for (pk,) in rows}
