"""The open-data pages (no login) and the secretariat's publish switch.

The public views render without the request (render_to_string), so no session or
user is read: the answer is the same for everyone and may be cached by any proxy.
"""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Max
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from directives.models import Directive, today
from lampang_tracker.exports import neutralise_cell
from lampang_tracker.query import BoundedPaginator
from meetings.access import get_letter_for_user, get_meeting_for_user
from meetings.models import Letter, Meeting
from meetings.services import source_publish

from .queries import COLUMNS, FIELDS, public_row, public_rows, published_directives

PUBLIC_MAX_AGE = getattr(settings, "PUBLIC_CACHE_SECONDS", 300)
PER_PAGE = 50
DATASET_NAME = "lampang-governor-directives"
DATASET_TITLE = "ข้อสั่งการผู้ว่าราชการจังหวัดลำปางและความคืบหน้า"
ORGANIZATION = {"name": "lampang-provincial-office", "title": "สำนักงานจังหวัดลำปาง"}
LICENSE = {"id": "cc-by", "title": "Creative Commons Attribution"}


def public(view):
    """No login, GET (or HEAD) only, cacheable by browsers and proxies for a few minutes."""
    return login_not_required(require_safe(cache_control(public=True, max_age=PUBLIC_MAX_AGE)(view)))


def _page(template: str, context: dict, *, content_type: str = "text/html; charset=utf-8") -> HttpResponse:
    return HttpResponse(render_to_string(template, context), content_type=content_type)


@public
def public_index(request):
    on = today()
    paginator = BoundedPaginator(published_directives(), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {**public_row(directive, on), "due": directive.due_date, "source_day": directive.source.date}
        for directive in page.object_list
    ]
    return _page("opendata/index.html", {"page": page, "rows": rows, "today": on, "title": DATASET_TITLE})


@public
def public_dictionary(request):
    return _page("opendata/dictionary.html", {"fields": FIELDS, "title": DATASET_TITLE})


@public
def public_csv(request):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads the Thai as UTF-8
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in public_rows():
        writer.writerow([neutralise_cell("" if row[name] is None else row[name]) for name in COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{DATASET_NAME}.csv"'
    return response


@public
def public_json(request):
    body = {"fields": [{"id": name, "type": kind, "description": text} for name, kind, text in FIELDS]}
    body["records"] = list(public_rows())
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@public
def public_metadata(request):
    """The dataset described as CKAN's package_show answers (data.go.th runs CKAN)."""
    published = Directive.objects.published()
    changed = [
        published.aggregate(at=Max("updated_at"))["at"],
        published.aggregate(at=Max("assignments__updated_at"))["at"],
        Meeting.objects.filter(is_published=True).aggregate(at=Max("published_at"))["at"],
        Letter.objects.filter(is_published=True).aggregate(at=Max("published_at"))["at"],
    ]
    modified = max([at for at in changed if at] or [timezone.now()])
    url = request.build_absolute_uri

    def resource(name: str, route: str, fmt: str, mimetype: str, description: str) -> dict:
        return {
            "name": name,
            "url": url(reverse(route)),
            "format": fmt,
            "mimetype": mimetype,
            "description": description,
        }

    result = {
        "name": DATASET_NAME,
        "title": DATASET_TITLE,
        "notes": (
            "ข้อสั่งการจากการประชุมหัวหน้าส่วนราชการและหนังสือสั่งการที่จังหวัดลำปางเผยแพร่ "
            "พร้อมสถานะและจำนวนหน่วยงานที่รายงานผลแล้ว ไม่มีชื่อบุคคลและข้อความรายงานของหน่วยงาน"
        ),
        "license_id": LICENSE["id"],
        "license_title": LICENSE["title"],
        "organization": ORGANIZATION,
        "url": url(reverse("public_index")),
        "language": "th",
        "update_frequency": "daily",
        "metadata_modified": timezone.localtime(modified).isoformat(),
        "num_resources": 3,
        "resources": [
            resource("ข้อสั่งการ (CSV)", "public_csv", "CSV", "text/csv", "หนึ่งแถวต่อหนึ่งข้อสั่งการ UTF-8"),
            resource("ข้อสั่งการ (JSON)", "public_json", "JSON", "application/json", "records และคำอธิบาย fields"),
            resource("คำอธิบายชุดข้อมูล", "public_dictionary", "HTML", "text/html", "ชื่อคอลัมน์ ชนิด และความหมาย"),
        ],
        "tags": [{"name": "ข้อสั่งการ"}, {"name": "ลำปาง"}, {"name": "การติดตามงาน"}],
    }
    body = {"help": url(reverse("public_metadata")), "success": True, "result": result}
    return HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


# -- the secretariat's switch (login required, POST only) ---------------------


def _publish(request, source, detail_url: str):
    published = request.POST.get("published") == "1"
    source_publish(source=source, published=published, by=request.user)
    messages.success(request, "เผยแพร่ข้อสั่งการในหน้าข้อมูลเปิดแล้ว" if published else "ยกเลิกการเผยแพร่ในหน้าข้อมูลเปิดแล้ว")
    return redirect(detail_url)


@require_POST
def meeting_publish(request, pk: int):
    meeting = get_meeting_for_user(request, pk, write=True)
    return _publish(request, meeting, reverse("meeting_detail", args=[meeting.pk]))


@require_POST
def letter_publish(request, pk: int):
    letter = get_letter_for_user(request, pk, write=True)
    return _publish(request, letter, reverse("letter_detail", args=[letter.pk]))
