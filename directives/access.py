"""One access helper per object. Another agency's object answers 404 (its existence
is not revealed); a role that may read but not write gets PermissionDenied (403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.access import require_known_role, require_secretariat
from agencies.roles import actor_for

from .models import Assignment, Attachment, Directive, FollowUpIssue, ProgressReport, page_directive


def directives_for_user(request):
    """The directives a user may see: all of them, or an agency's own."""
    actor = actor_for(request.user)
    require_known_role(request)
    if actor.is_agency:
        return Directive.objects.active_for_agency(actor.agency)
    return Directive.objects.active()


def get_directive_for_user(
    request,
    pk: int,
    *,
    write: bool = False,
    related: tuple[str, ...] = ("meeting__series", "letter", "parent", "strategy"),
    queryset: QuerySet[Directive] | None = None,
) -> Directive:
    """``related``: the relations read in the same query (select_related);
    ``queryset``: the directives to read it from, with what a page adds (annotations,
    deferred columns)."""
    actor = actor_for(request.user)
    require_known_role(request)
    directives = (Directive.objects.all() if queryset is None else queryset).select_related(*related)
    if actor.is_agency:
        # Whether it is the agency's, in the same query.
        mine = Assignment.objects.filter(directive=OuterRef("pk"), agency=actor.agency)
        directives = directives.annotate(assigned_to_actor=Exists(mine))
    directive = get_object_or_404(directives, pk=pk)
    if actor.is_agency and not directive.assigned_to_actor:
        raise Http404("ไม่พบข้อสั่งการ")
    if write:
        require_secretariat(request)
    return directive


def get_page_directive_for_user(request, pk: int) -> Directive:
    """``get_directive_for_user`` for the directive page: the directive with what the
    page shows of it (models.page_directive), the same answers to the same users."""
    actor = actor_for(request.user)
    require_known_role(request)
    directive = page_directive(pk, agency=actor.agency if actor.is_agency else None)
    if directive is None or (actor.is_agency and not directive.assigned_to_actor):
        raise Http404("ไม่พบข้อสั่งการ")
    return directive


def get_assignment_for_user(request, pk: int, *, write: bool = False) -> Assignment:
    """Agency users read and write their own agency's assignments only; the
    secretariat reads all and writes (reviews); executives only read."""
    actor = actor_for(request.user)
    require_known_role(request)
    assignment = get_object_or_404(
        Assignment.objects.select_related(
            "directive__meeting__series", "directive__letter", "agency", "acknowledged_by"
        ),
        pk=pk,
    )
    if actor.is_agency:
        if assignment.agency_id != actor.agency.pk:
            raise Http404("ไม่พบงานนี้")
        return assignment
    if write:
        raise PermissionDenied("เฉพาะหน่วยงานที่รับผิดชอบเท่านั้นที่รายงานผลได้")
    return assignment


def get_report_for_review(request, pk: int) -> ProgressReport:
    actor = actor_for(request.user)
    require_known_role(request)
    report = get_object_or_404(
        ProgressReport.objects.select_related("assignment__directive", "assignment__agency"), pk=pk
    )
    if actor.is_agency and report.assignment.agency_id != actor.agency.pk:
        raise Http404("ไม่พบรายงาน")
    require_secretariat(request)
    return report


def get_attachment_for_user(request, pk: int) -> Attachment:
    actor = actor_for(request.user)
    require_known_role(request)
    attachment = get_object_or_404(Attachment.objects.select_related("report__assignment"), pk=pk)
    if actor.is_agency and attachment.report.assignment.agency_id != actor.agency.pk:
        raise Http404("ไม่พบไฟล์")
    return attachment


def require_agency_user(request) -> None:
    if not actor_for(request.user).is_agency:
        raise PermissionDenied("หน้านี้สำหรับผู้ใช้ของหน่วยงาน")


def require_reads_all(request) -> None:
    """Live views of every agency's progress (the follow-up as it stands today) are the
    secretariat's and executives' only: agency users read others' progress only in a
    document the secretariat has issued to all."""
    require_known_role(request)
    if not actor_for(request.user).reads_all:
        raise PermissionDenied("เฉพาะฝ่ายเลขานุการและผู้บริหาร หน่วยงานดูได้จากรายงานติดตามผลที่เผยแพร่แล้ว")


def get_followup_issue_for_user(request, pk: int) -> FollowUpIssue:
    """An issued follow-up is sent to every agency: every signed-in role reads it."""
    require_known_role(request)
    return get_object_or_404(FollowUpIssue.objects.select_related("meeting__series"), pk=pk)
