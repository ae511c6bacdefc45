from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.access import require_known_role
from agencies.roles import actor_for
from lampang_tracker import limits

from . import queries


@require_GET
def search(request):
    """/search/?q=…: every kind the user may read. Any q is answered (too long is cut to
    the limit and said so; nothing searchable gives a hint), never a 500."""
    require_known_role(request)
    raw = request.GET.get("q", "")
    query = raw[: limits.SEARCH].strip()
    words, groups = queries.search(actor_for(request.user), query)
    return render(
        request,
        "search/results.html",
        {
            "query": query,
            "too_long": len(raw) > limits.SEARCH,
            "words": words,
            "groups": groups,
            "total": sum(len(g.hits) for g in groups),
        },
    )
