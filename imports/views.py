"""Upload or paste → preview (one formset, nothing written) → confirm (one service call).

The parsed document waits in the session under a random token between the two
steps, so nothing reaches the database before the secretariat confirms.
"""

from __future__ import annotations

import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from agencies.access import require_known_role, require_secretariat
from directives.services import DomainError
from lampang_tracker import thai
from lampang_tracker.forms import errors_to_form
from meetings.models import Meeting

from . import parsers
from .forms import FREE_TEXT, ConfirmForm, ItemFormSet, LetterFieldsForm, UploadForm
from .matching import Matcher
from .models import ImportBatch
from .services import ItemError, ReviewedItem, ReviewedParty, content_sha256, import_commit, previous_imports

SESSION_PREFIX = "import:"
LETTER_FIELDS = ("urgency", "number", "date", "subject", "sender", "recipient", "reference", "enclosures", "signer")


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _state(document: parsers.ParsedDocument, matcher: Matcher, **extra) -> dict:
    """The parsed document as the session keeps it (JSON types only)."""
    items = []
    for item in document.items:
        matches = [matcher.match(label) for label in item.party_labels]
        items.append(
            {
                "number": item.number,
                "heading": item.heading,
                "text": item.text,
                "parties": [{**m.as_json(), "name": m.name} for m in matches],
                "due_date": _iso(item.due_date),
                "report_day": item.report_day,
                "report_until": _iso(item.report_until),
                "bulleted": item.parties_bulleted,
                "heading_apart": item.heading_apart,
                "party_paragraphs": item.party_paragraphs,
                "line_no": item.line_no,
            }
        )
    source = {k: _iso(v) for k, v in document.source.items()}
    return {"kind": document.kind, "items": items, "source": source, "problems": document.problems, **extra}


@require_http_methods(["GET", "POST"])
def import_new(request):
    require_known_role(request)
    require_secretariat(request)
    initial = {}
    meeting_id = request.GET.get("meeting", "")
    if meeting_id.isdigit() and Meeting.objects.filter(pk=meeting_id).exists():
        initial["meeting"] = int(meeting_id)
    if request.GET.get("kind") == parsers.LETTER:
        initial["kind"] = parsers.LETTER
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                data = upload.read()
                document = parsers.parse(kind=kind, data=data, filename=upload.name or "")
                sha, fmt, filename = content_sha256(data=data), upload.name.rsplit(".", 1)[-1].lower(), upload.name
            else:
                text = form.cleaned_data["text"]
                document = parsers.parse(kind=kind, text=text)
                sha, fmt, filename = content_sha256(text=text), "text", ""
        except parsers.DocumentError as error:
            form.add_error("file" if upload else "text", str(error))
        else:
            if not document.items:
                message = "ไม่พบข้อสั่งการที่มีลำดับในเอกสารนี้"
                if kind == parsers.SUMMARY and document.problems and not upload:
                    message += " (ไม่พบตาราง ลำดับ / ประเด็น / หน่วยงานรับผิดชอบ หากเป็นหนังสือสั่งการ กรุณาเลือก “หนังสือสั่งการ”)"
                form.add_error("file" if upload else "text", message)
            else:
                meeting = form.cleaned_data.get("meeting") if kind == parsers.SUMMARY else None
                token = secrets.token_urlsafe(12)
                request.session[SESSION_PREFIX + token] = _state(
                    document,
                    Matcher(),
                    sha256=sha,
                    format=fmt,
                    filename=filename[:255],
                    meeting_id=meeting.pk if meeting else None,
                )
                return redirect("import_preview", token=token)
    return render(request, "imports/import_new.html", {"form": form})


def _formset(state: dict, matcher: Matcher, data=None) -> ItemFormSet:
    initial = []
    for item in state["items"]:
        row = {
            "number": item["number"],
            "heading": item["heading"],
            "text": item["text"],
            "due_date": _date(item["due_date"]),
            "report_day": item["report_day"],
            "report_until": _date(item["report_until"]),
            "parties_bulleted": item["bulleted"],
            "heading_apart": item.get("heading_apart", False),
        }
        paragraphs = item.get("party_paragraphs") or []
        for index, party in enumerate(item["parties"]):
            row[f"party_{index}_paragraph"] = (paragraphs[index] if index < len(paragraphs) else 0) + 1
            if party["agency_id"]:
                row[f"party_{index}"] = f"a:{party['agency_id']}"
            elif party["group_id"]:
                row[f"party_{index}"] = f"g:{party['group_id']}"
            else:
                row[f"party_{index}"] = FREE_TEXT
            row[f"party_{index}_label"] = party["label"]
        initial.append(row)
    return ItemFormSet(
        data,
        initial=initial,
        prefix="items",
        party_counts=[len(item["parties"]) for item in state["items"]],
        choices=matcher.choices(),
        matches=[item["parties"] for item in state["items"]],
    )


def _reviewed(formset: ItemFormSet) -> list[ReviewedItem]:
    items = []
    for form in formset.forms:
        data = form.cleaned_data
        parties = []
        for choice, label, paragraph in form.parties():
            kind, _, pk = choice.partition(":")
            parties.append(
                ReviewedParty(
                    label=label,
                    agency_id=int(pk) if kind == "a" else None,
                    group_id=int(pk) if kind == "g" else None,
                    paragraph=paragraph,
                )
            )
        items.append(
            ReviewedItem(
                number=data["number"],
                heading=data.get("heading", "").strip(),
                text=data.get("text", "").strip(),
                parties=parties,
                due_date=data.get("due_date"),
                report_day=data.get("report_day"),
                report_until=data.get("report_until"),
                parties_bulleted=data.get("parties_bulleted", False),
                heading_apart=data.get("heading_apart", False),
            )
        )
    return items


@require_http_methods(["GET", "POST"])
def import_preview(request, token: str):
    require_known_role(request)
    require_secretariat(request)
    state = request.session.get(SESSION_PREFIX + token)
    if not state:
        raise Http404("ไม่พบรายการนำเข้านี้ (อาจหมดอายุ) กรุณาอัปโหลดใหม่")
    meeting = Meeting.objects.select_related("series").filter(pk=state.get("meeting_id")).first()
    matcher = Matcher()
    post = request.POST if request.method == "POST" else None
    formset = _formset(state, matcher, post)
    is_letter = state["kind"] == parsers.LETTER
    letter_initial = {k: _date(v) if k == "date" else v for k, v in state["source"].items() if k in LETTER_FIELDS}
    letter_form = LetterFieldsForm(post, initial=letter_initial, prefix="letter") if is_letter else None
    confirm = ConfirmForm(post)
    earlier = list(previous_imports(state["sha256"])[:3])
    if post is not None and formset.total_form_count() != len(state["items"]):
        # The page always sends one form per item; anything else was not sent by it.
        formset = _formset(state, matcher)
        messages.error(request, "ข้อมูลที่ส่งมาไม่ครบทุกข้อ กรุณาตรวจสอบและกดยืนยันอีกครั้ง")
        post = None
    if post is not None:
        valid = formset.is_valid() & confirm.is_valid() & (letter_form.is_valid() if letter_form else True)
        if valid:
            fields = dict(letter_form.cleaned_data) if letter_form else None
            if fields is not None:
                fields["body"] = state["source"].get("body", "")
            try:
                batch = import_commit(
                    kind=state["kind"],
                    items=_reviewed(formset),
                    sha256=state["sha256"],
                    filename=state.get("filename", ""),
                    source_format=state.get("format", ""),
                    meeting=meeting,
                    letter_fields=fields,
                    again=confirm.cleaned_data["again"],
                    by=request.user,
                )
            except ItemError as error:
                form = formset.forms[error.index]
                if error.field in form.fields:
                    form.add_error(error.field, str(error))
                else:
                    form.add_error(None, str(error))
            except (DomainError, ValidationError) as error:
                target = letter_form if letter_form and getattr(error, "field", None) in letter_form.fields else confirm
                errors_to_form(target, error)
            else:
                del request.session[SESSION_PREFIX + token]
                messages.success(request, f"นำเข้าข้อสั่งการ {thai.thai_digits(batch.item_count)} ข้อแล้ว")
                if batch.kind == ImportBatch.Kind.LETTER:
                    return redirect("letter_detail", pk=batch.letter_id)
                return redirect("meeting_detail", pk=batch.meeting_id)
    mismatch = ""
    read_number = state["source"].get("meeting_number", "")
    if meeting and read_number and read_number != f"{meeting.number}/{meeting.year_be}":
        mismatch = (
            f"เอกสารนี้ระบุว่าเป็นการประชุมครั้งที่ {thai.thai_digits(read_number)} "
            f"แต่เลือกนำเข้าสู่ครั้งที่ {meeting.number_label} กรุณาตรวจสอบ"
        )
    rows = []
    for form, item in zip(formset.forms, state["items"], strict=True):
        rows.append({"form": form, "line_no": item["line_no"]})
    context = {
        "state": state,
        "meeting": meeting,
        "formset": formset,
        "rows": rows,
        "letter_form": letter_form,
        "confirm": confirm,
        "earlier": earlier,
        "mismatch": mismatch,
        "problems": state["problems"],
        # Text is read line by line; a Word or PDF table row by row.
        "place": "บรรทัด" if state.get("format") == "text" else "แถว",
        "flagged": sum(
            1 for item in state["items"] for p in item["parties"] if p["score"] is not None and p["score"] < 95
        ),
    }
    return render(request, "imports/import_preview.html", context)
