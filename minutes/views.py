"""Pages of the minutes: one page that reads like the document, and small forms
for each part. Thin views: one access helper, a form, one service call."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.roles import actor_for
from directives.forms import DirectiveForm
from directives.models import today
from directives.services import EditConflict
from lampang_tracker.forms import errors_to_form
from lampang_tracker.query import parse_id
from meetings.access import get_meeting_for_user

from . import services
from .access import (
    get_correction_for_decision,
    get_item_for_user,
    get_minutes_for_user,
    get_section_for_user,
    require_agency_user,
    visible_to,
)
from .forms import (
    AttendeeFormSet,
    AttendeeLinesForm,
    CertifyForm,
    CirculateForm,
    CorrectionForm,
    DecisionForm,
    HeadsForm,
    ItemForm,
    LetterForm,
    MinutesForm,
    ReasonForm,
    SectionForm,
    drop_removed_rows,
)
from .models import AgendaItem, Attendee, CorrectionRequest, DirectiveOrigin, Minutes, Section, Standing

DEFAULT_CIRCULATION_DAYS = 14


def _to_detail(minutes: Minutes | int, anchor: str = ""):
    """Back to the minutes page (of a Minutes, or of a meeting's pk), at ``anchor``."""
    meeting_pk = minutes if isinstance(minutes, int) else minutes.meeting_id
    response = redirect("minutes_detail", pk=meeting_pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _sections_with_items(minutes: Minutes) -> list[dict]:
    items = (
        AgendaItem.objects.filter(section__minutes=minutes)
        .prefetch_related(
            Prefetch("directive_links", queryset=DirectiveOrigin.objects.select_related("directive")),
        )
        .order_by("sort_key")
    )
    by_section: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in items:
        by_section[item.section_id].append(item)
    return [{"section": section, "items": by_section[section.pk]} for section in minutes.sections.all()]


def _detail(request, minutes: Minutes, *, status: int = 200, **forms):
    actor = actor_for(request.user)
    meeting = minutes.meeting
    previous = meeting.previous()
    previous_minutes = Minutes.objects.filter(meeting=previous).first() if previous else None
    corrections = minutes.corrections.select_related("section", "item", "agency", "requested_by", "decided_by")
    if actor.is_agency:
        corrections = corrections.filter(agency=actor.agency)
    corrections = list(corrections)
    bound = forms.get("decision_forms") or {}
    for correction in corrections:
        # A refused decision shows its form (with why) even when the request was decided meanwhile.
        if correction.status == CorrectionRequest.Status.PENDING or correction.pk in bound:
            correction.decision_form = bound.get(correction.pk) or DecisionForm(prefix=f"c{correction.pk}")
    follow_up, follow_up_as_of = services.follow_up_rows(minutes, previous=previous)
    follow_up = [
        {
            **row,
            "agencies": [
                {**a, "report_date": datetime.date.fromisoformat(a["report_date"]) if a["report_date"] else None}
                for a in row["agencies"]
            ],
        }
        for row in follow_up
    ]
    standing = minutes.standing()
    attendees = defaultdict(list)
    for attendee in minutes.attendees.all():
        attendees[attendee.kind].append(attendee)
    context = {
        "minutes": minutes,
        "meeting": meeting,
        "standing": standing,
        "Standing": Standing,
        "days_left": (minutes.certify_deadline - today()).days if minutes.certify_deadline else None,
        "present": attendees[Attendee.Kind.PRESENT],
        "absent": attendees[Attendee.Kind.ABSENT],
        "guests": attendees[Attendee.Kind.GUEST],
        "sections": _sections_with_items(minutes),
        "follow_up": follow_up,
        "follow_up_as_of": follow_up_as_of,
        "previous": previous,
        "previous_minutes": previous_minutes,
        "certified_here": Minutes.objects.filter(certified_in=meeting).select_related("meeting"),
        "corrections": corrections,
        "amendments": minutes.amendments.select_related("by"),
        "circulate_form": forms.get("circulate_form")
        or CirculateForm(initial={"deadline": today() + datetime.timedelta(days=DEFAULT_CIRCULATION_DAYS)}),
        "certify_form": forms.get("certify_form") or CertifyForm(),
        "correction_form": forms.get("correction_form") or CorrectionForm(minutes=minutes),
        "FOLLOW_UP": Section.FOLLOW_UP,
        "CERTIFY": Section.CERTIFY,
    }
    return render(request, "minutes/minutes_detail.html", context, status=status)


@require_GET
def minutes_detail(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting__series", "certified_in").first()
    if minutes is None:
        return render(request, "minutes/minutes_missing.html", {"meeting": meeting})
    if not visible_to(actor_for(request.user), minutes):  # a draft: not yet circulated to agencies
        return render(request, "minutes/minutes_missing.html", {"meeting": meeting, "draft": True}, status=404)
    return _detail(request, minutes)


@require_POST
def minutes_start(request, pk: int):
    meeting = get_meeting_for_user(request, pk, write=True)
    try:
        services.minutes_start(meeting=meeting, by=request.user)
        messages.success(request, "จัดทำร่างรายงานการประชุมแล้ว: ระเบียบวาระมาตรฐานและรายชื่อจากการประชุมครั้งก่อน")
    except services.DomainError as error:
        messages.error(request, str(error))
    return redirect("minutes_detail", pk=meeting.pk)


@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk: int):
    minutes = get_minutes_for_user(request, pk, write=True)
    form = MinutesForm(request.POST or None, instance=minutes)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_update(
                minutes=minutes,
                by=request.user,
                reason=form.reason,
                expected_version=form.loaded_version,
                **form.values(),
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
            status = 409
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกแล้ว")
            return _to_detail(minutes)
    context = {"form": form, "minutes": minutes, "title": "ส่วนหัวรายงาน"}
    return render(request, "minutes/minutes_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def minutes_letter(request, pk: int):
    minutes = get_minutes_for_user(request, pk, write=True)
    form = LetterForm(request.POST or None, instance=minutes)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_update(
                minutes=minutes, by=request.user, expected_version=form.loaded_version, **form.values()
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
            status = 409
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกหนังสือนำส่งแล้ว")
            return _to_detail(minutes, "letter")
    context = {"form": form, "minutes": minutes, "title": "หนังสือนำส่งรายงานการประชุม"}
    return render(request, "minutes/minutes_form.html", context, status=status)


def _attendees_page(request, minutes: Minutes, *, removed=(), status: int = 200, **forms):
    formset = forms.get("formset") or AttendeeFormSet(queryset=minutes.attendees.in_print_order())
    context = {
        "minutes": minutes,
        "meeting": minutes.meeting,
        "locked": minutes.is_locked(),
        "formset": formset,
        "conflicts": [row for row in formset.forms if row.edit_conflict],
        "removed": removed,
        "table_form": forms.get("table") or ReasonForm(minutes=minutes, prefix="table"),
        "lines_form": forms.get("lines") or AttendeeLinesForm(minutes=minutes),
        "heads_form": forms.get("heads") or HeadsForm(minutes=minutes),
        "previous_form": forms.get("previous") or ReasonForm(minutes=minutes, prefix="previous"),
        "previous": minutes.meeting.previous(),
    }
    return render(request, "minutes/attendees.html", context, status=status)


@require_http_methods(["GET", "POST"])
def minutes_attendees(request, pk: int):
    minutes = get_minutes_for_user(request, pk, write=True)
    if request.method == "GET":
        return _attendees_page(request, minutes)
    data, removed = drop_removed_rows(request.POST, minutes)
    formset = AttendeeFormSet(data, queryset=minutes.attendees.in_print_order())
    form = ReasonForm(request.POST, minutes=minutes, prefix="table")
    if removed:  # someone else removed people this user had typed into: show who, save nothing yet
        return _attendees_page(request, minutes, formset=formset, table=form, removed=removed, status=409)
    if formset.is_valid() and form.is_valid():
        changed = [
            (row.instance, values)
            for row in formset.forms
            if row.instance.pk and not row.cleaned_data.get("DELETE") and (values := row.values_changed())
        ]
        deleted = [row.instance for row in formset.deleted_forms if row.instance.pk]
        versions = {row.instance.pk: row.loaded_version for row in formset.forms if row.instance.pk}
        try:
            services.attendees_save(
                minutes=minutes,
                changed=changed,
                deleted=deleted,
                reason=form.reason,
                versions=versions,
                by=request.user,
            )
        except services.EditConflicts as error:
            rows = {row.instance.pk: row for row in formset.forms}
            for conflict in error.conflicts:
                rows[conflict.current.pk].show_conflict(conflict)
            return _attendees_page(request, minutes, formset=formset, table=form, status=409)
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกรายชื่อแล้ว")
            return redirect("minutes_attendees", pk=pk)
    return _attendees_page(request, minutes, formset=formset, table=form)


ADD_FORMS = {"lines": AttendeeLinesForm, "heads": HeadsForm, "previous": ReasonForm}


@require_POST
def minutes_attendees_add(request, pk: int):
    """Add people three ways: pasted lines, ticked agency heads, or the previous meeting's."""
    minutes = get_minutes_for_user(request, pk, write=True)
    action = request.POST.get("action")
    action = action if action in ADD_FORMS else "lines"
    prefix = "previous" if action == "previous" else None
    form = ADD_FORMS[action](request.POST, minutes=minutes, prefix=prefix)
    if form.is_valid():
        try:
            if action == "previous":
                added = services.attendees_copy_previous(minutes=minutes, reason=form.reason, by=request.user)
            elif action == "heads":
                added = services.attendees_add_heads(
                    minutes=minutes, agencies=form.chosen(), reason=form.reason, by=request.user
                )
            else:
                data = form.cleaned_data
                added = services.attendees_add_lines(
                    minutes=minutes, text=data["lines"], kind=data["kind"], reason=form.reason, by=request.user
                )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"เพิ่ม {len(added)} รายชื่อแล้ว" if added else "ไม่มีรายชื่อใหม่ที่ต้องเพิ่ม")
            return redirect("minutes_attendees", pk=pk)
    return _attendees_page(request, minutes, **{action: form})


@require_http_methods(["GET", "POST"])
def minutes_section_edit(request, pk: int, number: int):
    section = get_section_for_user(request, pk, number)
    form = SectionForm(request.POST or None, instance=section)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section,
                by=request.user,
                reason=form.reason,
                expected_version=form.loaded_version,
                **form.values(),
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
            status = 409
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึก{section.heading}แล้ว")
            return _to_detail(section.minutes, f"section-{section.number}")
    context = {"form": form, "minutes": section.minutes, "title": section.heading}
    return render(request, "minutes/minutes_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def minutes_item_create(request, pk: int, number: int):
    section = get_section_for_user(request, pk, number)
    minutes = section.minutes
    parent = None
    if request.GET.get("parent"):
        parent = get_object_or_404(AgendaItem, section=section, pk=parse_id(request.GET["parent"]))
    initial = {"number": services.next_item_number(section, parent)}
    form = ItemForm(request.POST or None, minutes=minutes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(
                section=section, parent=parent, reason=form.reason, by=request.user, **form.values()
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"เพิ่มเรื่อง {item.number_label} แล้ว")
            if "add_another" in request.POST:
                return redirect(request.get_full_path())
            return _to_detail(minutes, f"item-{item.pk}")
    title = f"เพิ่มเรื่องย่อยของ {parent.number_label}" if parent else f"เพิ่มเรื่องใน{section.heading}"
    context = {"form": form, "minutes": minutes, "title": title, "add_another": True}
    return render(request, "minutes/minutes_form.html", context)


@require_http_methods(["GET", "POST"])
def minutes_item_edit(request, pk: int):
    item = get_item_for_user(request, pk)
    minutes = item.section.minutes
    form = ItemForm(request.POST or None, instance=item, minutes=minutes)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                item=item, by=request.user, reason=form.reason, expected_version=form.loaded_version, **form.values()
            )
        except EditConflict as conflict:
            form.show_conflict(conflict)
            status = 409
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกเรื่อง {item.number_label} แล้ว")
            return _to_detail(minutes, f"item-{item.pk}")
    context = {"form": form, "minutes": minutes, "title": f"แก้ไขเรื่อง {item.number_label}", "item": item}
    return render(request, "minutes/minutes_form.html", context, status=status)


@require_POST
def minutes_item_delete(request, pk: int):
    item = get_item_for_user(request, pk)
    minutes = item.section.minutes
    try:
        services.item_delete(item=item, by=request.user)
        messages.success(request, f"ลบเรื่อง {item.number_label} แล้ว")
    except services.DomainError as error:
        messages.error(request, str(error))
    return _to_detail(minutes, f"section-{item.section.number}")


@require_http_methods(["GET", "POST"])
def minutes_item_directive(request, pk: int):
    """The item's instruction as a directive of this meeting, with its agencies."""
    item = get_item_for_user(request, pk)
    meeting = item.section.minutes.meeting
    initial = {
        "number": services.next_directive_number(meeting),
        "heading": item.title[:500],
        "text": item.resolution or item.body,
    }
    if item.presenter_agency_id:
        initial["parties"] = [f"a{item.presenter_agency_id}"]
    form = DirectiveForm(request.POST or None, meeting=meeting, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.item_to_directive(
                item=item, parties=form.party_list(), by=request.user, **form.directive_fields()
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"สร้างข้อสั่งการข้อ {directive.number_label} จากเรื่อง {item.number_label} แล้ว")
            return _to_detail(item.section.minutes, f"item-{item.pk}")
    context = {"form": form, "meeting": meeting, "item": item}
    return render(request, "minutes/item_directive.html", context)


@require_POST
def minutes_circulate(request, pk: int):
    minutes = get_minutes_for_user(request, pk, write=True)
    form = CirculateForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_circulate(minutes=minutes, deadline=form.cleaned_data["deadline"], by=request.user)
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "เวียนรายงานการประชุมเพื่อรับรองแล้ว")
            return _to_detail(minutes)
    return _detail(request, minutes, circulate_form=form, status=400)


@require_POST
def minutes_certify_previous(request, pk: int):
    """Record, with this meeting, the certification of the previous meeting's minutes."""
    meeting = get_meeting_for_user(request, pk, write=True)
    previous = meeting.previous()
    earlier = get_object_or_404(Minutes, meeting=previous) if previous else None
    if earlier is None:
        messages.error(request, "ไม่พบรายงานการประชุมครั้งก่อนของการประชุมชุดนี้")
        return redirect("minutes_detail", pk=meeting.pk)
    form = CertifyForm(request.POST)
    if form.is_valid():
        try:
            services.minutes_certify(
                minutes=earlier, at_meeting=meeting, note=form.cleaned_data["note"], by=request.user
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกการรับรองรายงานการประชุมครั้งที่ {previous.number_label} แล้ว")
            return _to_detail(meeting.pk, f"section-{Section.CERTIFY}")
    minutes = Minutes.objects.filter(meeting=meeting).select_related("meeting__series", "certified_in").first()
    if minutes is None:  # the form lives on this meeting's minutes page; without one, say it on top
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("minutes_detail", pk=meeting.pk)
    return _detail(request, minutes, certify_form=form, status=400)


@require_POST
def minutes_correction_create(request, pk: int):
    actor = require_agency_user(request)
    minutes = get_minutes_for_user(request, pk)
    form = CorrectionForm(request.POST, minutes=minutes)
    if form.is_valid():
        try:
            services.correction_request(
                minutes=minutes,
                section=form.cleaned_data["section"],
                item=form.cleaned_data["item"],
                text=form.cleaned_data["text"],
                agency=actor.agency,
                by=request.user,
            )
        except services.DomainError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "ส่งคำขอแก้ไขแล้ว ฝ่ายเลขานุการจะพิจารณาและแจ้งผล")
            return _to_detail(minutes, "corrections")
    return _detail(request, minutes, correction_form=form, status=400)


@require_POST
def minutes_correction_decide(request, pk: int):
    correction = get_correction_for_decision(request, pk)
    minutes = correction.minutes
    form = DecisionForm(request.POST, prefix=f"c{correction.pk}")
    if form.is_valid():
        try:
            services.correction_decide(
                correction=correction,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.DomainError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกผลการพิจารณาคำขอแก้ไขแล้ว")
            return _to_detail(minutes, "corrections")
    minutes = Minutes.objects.select_related("meeting__series", "certified_in").get(pk=minutes.pk)
    return _detail(request, minutes, decision_forms={correction.pk: form}, status=400)
