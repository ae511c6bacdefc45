from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import require_known_role, require_secretariat
from agencies.roles import actor_for
from lampang_tracker.forms import errors_to_form
from lampang_tracker.query import parse_id

from .access import get_meeting_for_user, openable_directive_ids
from .forms import MeetingForm
from .models import Meeting
from .services import meeting_create, meeting_update


@require_GET
def meeting_list(request):
    require_known_role(request)
    meetings = Meeting.objects.active().select_related("series")
    if request.GET.get("series"):
        # A series that is not a number (², -1, …) matches no meeting.
        meetings = meetings.filter(series_id=parse_id(request.GET["series"]) or 0)
    page = Paginator(meetings, 30).get_page(request.GET.get("page"))
    return render(request, "meetings/meeting_list.html", {"page": page})


@require_GET
def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    # The directives app provides the rows; this app only follows the reverse relation.
    directives = meeting.directives.filter(is_archived=False).prefetch_related("parties__agency", "parties__group")
    linked = openable_directive_ids(actor_for(request.user), directives)
    context = {"meeting": meeting, "directives": directives, "linked": linked}
    return render(request, "meetings/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def meeting_create_view(request):
    require_secretariat(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"สร้างการประชุมครั้งที่ {meeting.number_label} แล้ว")
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk: int):
    meeting = get_meeting_for_user(request, pk, write=True)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกการแก้ไขแล้ว")
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting})
