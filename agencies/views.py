from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lampang_tracker.thai import thai_sorted

from .access import get_agency_for_user, require_known_role
from .models import Agency
from .roles import actor_for


def _with_counts(agencies):
    # Counted through the reverse relation by name: this app does not import directives.
    return agencies.annotate(
        open_count=Count("assignments", filter=Q(assignments__is_open=True)),
        done_count=Count("assignments", filter=Q(assignments__status="done")),
    )


@require_GET
def agency_list(request):
    actor = actor_for(request.user)
    require_known_role(request)
    agencies = Agency.objects.all()
    if actor.is_agency:
        agencies = agencies.filter(pk=actor.agency.pk)
    rows = thai_sorted(_with_counts(agencies), key=lambda a: a.name)
    return render(request, "agencies/agency_list.html", {"agencies": rows})


@require_GET
def agency_detail(request, pk: int):
    agency = get_agency_for_user(request, pk)
    assignments = (
        agency.assignments.filter(is_open=True)
        .select_related("directive__meeting__series", "directive__letter")
        .order_by("due_date", "directive__sort_key")
    )
    return render(
        request,
        "agencies/agency_detail.html",
        {"agency": agency, "assignments": assignments, "members": agency.members.select_related("user")},
    )
