"""The people pages (/people/): the secretariat adds, edits, invites and switches off
accounts; executives may read them; agency users may not open them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agencies.access import require_secretariat
from agencies.models import Agency, Profile
from lampang_tracker.forms import errors_to_form
from lampang_tracker.thai import thai_digits

from . import bulk, services
from .access import get_person_for_user, require_people_reader
from .filters import PeopleFilter
from .forms import PersonForm, UploadForm
from .history import account_history
from .lookups import people
from .tables import PersonTable

IMPORT_SESSION_KEY = "people_import_rows"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _invite(request, user) -> None:
    try:
        services.invitation_send(user=user, base_url=_base_url(request), by=request.user)
    except services.PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"ส่งคำเชิญไปที่ {user.email} แล้ว")


class PersonListView(SingleTableMixin, FilterView):
    table_class = PersonTable
    filterset_class = PeopleFilter
    template_name = "people/person_list.html"
    table_pagination = {"per_page": 50}
    http_method_names = ["get"]

    def get_queryset(self):
        require_people_reader(self.request)
        return people()


person_list = PersonListView.as_view()


@require_http_methods(["GET", "POST"])
def person_create(request):
    require_secretariat(request)
    form = PersonForm(request.POST if request.method == "POST" else None, initial={"role": Profile.Role.AGENCY})
    if request.method == "POST" and form.is_valid():
        try:
            user = services.person_create(**form.cleaned_data, by=request.user)
        except (services.PeopleError, ValidationError) as error:
            errors_to_form(form, error)
        else:
            _invite(request, user)
            return redirect("person_detail", pk=user.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@require_GET
def person_detail(request, pk: int):
    person = get_person_for_user(request, pk)
    context = {
        "person": person,
        "profile": getattr(person, "profile", None),
        "invitations": person.invitations.select_related("sent_by")[:10],
        "history": account_history(person),
        "has_password": person.has_usable_password(),
    }
    return render(request, "people/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = get_person_for_user(request, pk, write=True)
    profile = getattr(person, "profile", None)
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": profile.role if profile else "",
        "agency": profile.agency_id if profile else None,
        "position": profile.position if profile else "",
        "phone": profile.phone if profile else "",
    }
    form = PersonForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(user=person, **form.cleaned_data, by=request.user)
        except (services.PeopleError, ValidationError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกข้อมูลผู้ใช้แล้ว")
            return redirect("person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@require_POST
def person_deactivate(request, pk: int):
    person = get_person_for_user(request, pk, write=True)
    try:
        services.person_deactivate(user=person, by=request.user)
    except services.PeopleError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "ปิดการใช้งานบัญชีแล้ว ผู้ใช้นี้เข้าสู่ระบบไม่ได้อีก ข้อมูลที่เคยบันทึกยังอยู่ครบ")
    return redirect("person_detail", pk=person.pk)


@require_POST
def person_activate(request, pk: int):
    person = get_person_for_user(request, pk, write=True)
    services.person_activate(user=person, by=request.user)
    messages.success(request, "เปิดใช้งานบัญชีอีกครั้งแล้ว")
    return redirect("person_detail", pk=person.pk)


@require_POST
def person_invite(request, pk: int):
    person = get_person_for_user(request, pk, write=True)
    _invite(request, person)
    return redirect("person_detail", pk=person.pk)


@require_http_methods(["GET", "POST"])
def people_import(request):
    """Upload (POST a file) → preview of every row with its problems."""
    require_secretariat(request)
    form = UploadForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    rows = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = bulk.parse(upload.read(bulk.MAX_BYTES + 1), upload.name)
        except bulk.BulkFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[IMPORT_SESSION_KEY] = [row.as_dict() for row in rows]
    context = {
        "form": form,
        "rows": rows,
        "good": sum(1 for row in rows or [] if row.ok),
        "bad": sum(1 for row in rows or [] if not row.ok),
    }
    return render(request, "people/people_import.html", context)


@require_POST
def people_import_confirm(request):
    """Create the rows the preview showed as good, and invite each one."""
    require_secretariat(request)
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored:
        messages.error(request, "ไม่พบรายชื่อที่ตรวจไว้ กรุณาอัปโหลดไฟล์อีกครั้ง")
        return redirect("people_import")
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in stored if row.get("agency_id")])
    created, failed = 0, []
    for row in stored:
        if row.get("errors"):
            continue
        try:
            user = services.person_create(
                first_name=row["first_name"],
                last_name=row["last_name"],
                email=row["email"],
                role=row["role"],
                agency=agencies.get(row.get("agency_id")),
                position=row["position"],
                by=request.user,
            )
            services.invitation_send(user=user, base_url=_base_url(request), by=request.user)
        except (services.PeopleError, ValidationError) as error:
            message = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            failed.append(f"แถวที่ {thai_digits(row['line'])}: {message}")
        else:
            created += 1
    messages.success(request, f"เพิ่มผู้ใช้และส่งคำเชิญแล้ว {thai_digits(created)} คน")
    for problem in failed:
        messages.error(request, problem)
    return redirect("person_list")


@require_GET
def people_import_template(request):
    require_secretariat(request)
    response = HttpResponse(
        bulk.template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''people-template.xlsx"
    return response
