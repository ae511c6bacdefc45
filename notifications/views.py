from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import require_known_role, require_secretariat
from agencies.models import Agency
from agencies.roles import actor_for

from . import calendars, services
from .access import get_agency_for_calendar, get_notification_for_user, get_outbox_row
from .forms import AgencySettingForm, DefaultsForm, OutboxFilter, PreferenceForm, tri_value
from .models import AgencySetting, Channel, Notification, Preference

logger = logging.getLogger(__name__)


@require_GET
def notification_list(request):
    """การแจ้งเตือน: the user's in-app notifications, newest first."""
    require_known_role(request)
    rows = Notification.objects.for_user(request.user).order_by("-created_at", "-id")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_GET
def notification_open(request, pk: int):
    """Mark one notification read and go where it points."""
    notification = get_notification_for_user(request, pk)
    services.mark_read(user=request.user, notification=notification)
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        target = reverse("notification_list")
    return redirect(target)


@require_POST
def notification_read_all(request):
    require_known_role(request)
    services.mark_read(user=request.user)
    messages.success(request, "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด")
    return redirect("notification_list")


@require_http_methods(["GET", "POST"])
def preferences(request):
    """ตั้งค่าการแจ้งเตือน: channels, mode, LINE link and the calendar links."""
    require_known_role(request)
    pref = services.preference_for(request.user)
    initial = {"email_on": tri_value(pref.email_on), "line_on": tri_value(pref.line_on), "mode": pref.mode}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned())
        messages.success(request, "บันทึกการตั้งค่าการแจ้งเตือนแล้ว")
        return redirect("notification_preferences")
    actor = actor_for(request.user)
    agency_setting = services.agency_setting_for(actor.agency) if actor.is_agency else None
    context = {
        "form": form,
        "pref": pref,
        "defaults": services.Defaults.current(),
        "agency_setting": agency_setting,
        "line_code_valid": bool(pref.line_code) and pref.line_code_expires and pref.line_code_expires > timezone.now(),
        "user_feed": request.build_absolute_uri(reverse("calendar_user", args=[pref.calendar_token])),
        "agency_feed": request.build_absolute_uri(reverse("calendar_agency", args=[agency_setting.calendar_token]))
        if agency_setting
        else "",
    }
    return render(request, "notifications/preferences.html", context, status=400 if form.errors else 200)


@require_POST
def line_code(request):
    require_known_role(request)
    services.line_code_issue(user=request.user)
    messages.success(request, "สร้างรหัสเชื่อม LINE แล้ว ส่งรหัสนี้ทางแชตถึงบัญชี LINE ทางการของจังหวัด")
    return redirect("notification_preferences")


@require_POST
def line_unlink(request):
    require_known_role(request)
    services.line_unlink(user=request.user)
    messages.success(request, "ยกเลิกการเชื่อมบัญชี LINE แล้ว")
    return redirect("notification_preferences")


@require_POST
def calendar_renew(request):
    require_known_role(request)
    services.calendar_renew_user(user=request.user)
    messages.success(request, "สร้างลิงก์ปฏิทินใหม่แล้ว ลิงก์เดิมใช้ไม่ได้อีกต่อไป")
    return redirect("notification_preferences")


@require_POST
def agency_calendar_renew(request, pk: int):
    agency = get_agency_for_calendar(request, pk)
    services.calendar_renew_agency(agency=agency)
    messages.success(request, "สร้างลิงก์ปฏิทินของหน่วยงานใหม่แล้ว ลิงก์เดิมใช้ไม่ได้อีกต่อไป")
    if actor_for(request.user).is_secretariat:
        return redirect("notification_agency", pk=agency.pk)
    return redirect("notification_preferences")


# -- the secretariat ---------------------------------------------------------


@require_GET
def outbox(request):
    """What was sent, to whom, when, delivered or failed; resend from here."""
    require_secretariat(request)
    form = OutboxFilter(request.GET or None)
    rows = Notification.objects.exclude(channel=Channel.INAPP).select_related("user", "agency")
    if form.is_valid():
        for name in ("state", "channel", "event"):
            if form.cleaned_data[name]:
                rows = rows.filter(**{name: form.cleaned_data[name]})
    page = Paginator(rows.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = {
        state: Notification.objects.exclude(channel=Channel.INAPP).filter(state=state).count()
        for state in Notification.State.values
    }
    for row in page:
        row.recipient_label = services.describe_recipient(row)
    return render(
        request,
        "notifications/outbox.html",
        {"page": page, "form": form, "query": query.urlencode(), "counts": counts},
    )


@require_POST
def outbox_resend(request, pk: int):
    row = get_outbox_row(request, pk)
    try:
        services.resend(notification=row)
    except services.NotifyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "จัดคิวส่งใหม่แล้ว จะส่งในรอบถัดไปของ send_notifications")
    return redirect(reverse("notification_outbox") + (f"?{request.GET.urlencode()}" if request.GET else ""))


@require_http_methods(["GET", "POST"])
def notify_settings(request):
    """The secretariat's defaults and each agency's LINE group and head."""
    require_secretariat(request)
    form = DefaultsForm(request.POST or None, instance=services.Defaults.current())
    if request.method == "POST" and form.is_valid():
        services.defaults_update(**form.cleaned_data)
        messages.success(request, "บันทึกค่าเริ่มต้นแล้ว")
        return redirect("notification_settings")
    agencies = Agency.objects.active().thai_sorted()
    by_agency = {s.agency_id: s for s in AgencySetting.objects.select_related("head")}
    rows = [{"agency": a, "setting": by_agency.get(a.pk)} for a in agencies]
    return render(
        request, "notifications/settings.html", {"form": form, "rows": rows}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def agency_setting(request, pk: int):
    require_secretariat(request)
    agency = get_object_or_404(Agency, pk=pk)
    setting = services.agency_setting_for(agency)
    form = AgencySettingForm(request.POST or None, instance=setting, agency=agency)
    if request.method == "POST" and form.is_valid():
        services.agency_setting_update(
            agency=agency, line_group_id=form.cleaned_data["line_group_id"], head=form.cleaned_data["head"]
        )
        messages.success(request, f"บันทึกการแจ้งเตือนของ{agency.name}แล้ว")
        return redirect("notification_settings")
    feed = request.build_absolute_uri(reverse("calendar_agency", args=[setting.calendar_token]))
    return render(
        request,
        "notifications/agency_setting.html",
        {"form": form, "agency": agency, "feed": feed},
        status=400 if form.errors else 200,
    )


# -- without a session --------------------------------------------------------


def _ics(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response


@login_not_required
@require_GET
def calendar_user(request, token: str):
    """A user's feed at a secret URL (calendar programs have no session)."""
    pref = get_object_or_404(Preference.objects.select_related("user"), calendar_token=token, user__is_active=True)
    return _ics(calendars.user_calendar(pref.user, actor_for(pref.user)), "lampang-tracker")


@login_not_required
@require_GET
def calendar_agency(request, token: str):
    setting = get_object_or_404(AgencySetting.objects.select_related("agency"), calendar_token=token)
    return _ics(calendars.agency_calendar(setting.agency), "lampang-tracker-agency")


@login_not_required
@csrf_exempt
@never_cache
@require_POST
def line_webhook(request):
    """The LINE official account's webhook: verifies X-Line-Signature with the channel
    secret (the SDK's WebhookParser) and links the sender of a valid one-time code."""
    from linebot.v3.exceptions import InvalidSignatureError
    from linebot.v3.webhook import WebhookParser
    from linebot.v3.webhooks import MessageEvent, TextMessageContent

    if not settings.LINE_CHANNEL_SECRET:
        return HttpResponseForbidden("LINE is not configured")
    signature = request.headers.get("X-Line-Signature", "")
    try:
        body = request.body.decode("utf-8")
        events = WebhookParser(settings.LINE_CHANNEL_SECRET).parse(body, signature)
    except InvalidSignatureError:
        return HttpResponseForbidden("invalid signature")
    except (ValueError, KeyError, TypeError):
        return HttpResponseBadRequest("invalid body")
    for event in events:
        if not (isinstance(event, MessageEvent) and isinstance(event.message, TextMessageContent)):
            continue
        user_id = getattr(event.source, "user_id", None)
        if not user_id:
            continue
        try:
            pref = services.line_link(code=event.message.text, line_user_id=user_id)
        except services.NotifyError:
            continue
        logger.info("LINE linked for user %s", pref.user_id)
    return HttpResponse("OK")
