"""Every user's own account: details, password, sessions, two-factor, own data;
and the pages reached without a session (invitation link, forgotten password,
privacy notice)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login

from agencies.models import Profile
from directives.models import ProgressReport
from lampang_tracker.forms import errors_to_form
from lampang_tracker.thai import thai_digits

from . import services, twofactor
from .forms import AccountForm, ThaiPasswordChangeForm, ThaiPasswordResetForm, ThaiSetPasswordForm, TokenForm
from .models import UserSession

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _profile(user):
    return Profile.objects.filter(user=user).select_related("agency").first()


@require_http_methods(["GET", "POST"])
def account(request):
    user = request.user
    profile = _profile(user)
    form = AccountForm(
        request.POST if request.method == "POST" else None,
        initial={"email": user.email, "phone": profile.phone if profile else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(user=user, **form.cleaned_data)
        except (services.PeopleError, ValidationError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกอีเมลและโทรศัพท์แล้ว")
            return redirect("account")
    context = {
        "form": form,
        "profile": profile,
        "sessions": UserSession.objects.filter(user=user).live(),
        "current_key": request.session.session_key,
        "two_factor_allowed": twofactor.allowed_for(user),
        "two_factor_on": twofactor.is_enabled(user),
        "two_factor_required": twofactor.required_for(user),
    }
    return render(request, "people/account.html", context)


@require_http_methods(["GET", "POST"])
def account_password(request):
    form = ThaiPasswordChangeForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "เปลี่ยนรหัสผ่านแล้ว")
        return redirect("account")
    return render(request, "people/account_password.html", {"form": form})


@require_POST
def account_sessions_end(request):
    count = services.sessions_end_others(user=request.user, current_key=request.session.session_key)
    messages.success(request, f"ออกจากระบบในอุปกรณ์อื่นแล้ว {thai_digits(count)} รายการ")
    return redirect("account")


@require_GET
def account_export(request):
    """PDPA: everything the system keeps about the signed-in person, as JSON."""
    user = request.user
    profile = _profile(user)
    data = {
        "exported_at": timezone.now(),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "profile": {
            "role": profile.role,
            "agency": profile.agency.name if profile.agency else None,
            "position": profile.position,
            "phone": profile.phone,
        }
        if profile
        else None,
        "sessions": [
            {"signed_in_at": s.created_at, "ip_address": s.ip_address, "browser": s.user_agent}
            for s in UserSession.objects.filter(user=user)
        ],
        "invitations": [{"sent_at": i.sent_at} for i in user.invitations.all()],
        "account_changes": [
            {"at": r.history_date, "type": r.history_type, "email": r.email, "is_active": r.is_active}
            for r in user.history.all()
        ],
        "profile_changes": [
            {"at": r.history_date, "type": r.history_type, "role": r.role, "agency_id": r.agency_id}
            for r in Profile.history.filter(user_id=user.pk)
        ],
        "progress_reports": [
            {"id": r.pk, "assignment_id": r.assignment_id, "created_at": r.created_at, "text": r.text}
            for r in ProgressReport.objects.filter(created_by=user).order_by("created_at")
        ],
        "two_factor": twofactor.is_enabled(user),
    }
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = "attachment; filename=my-data.json"
    return response


@require_GET
@login_not_required
def privacy(request):
    return render(request, "people/privacy.html")


# -- two-factor --------------------------------------------------------------


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return reverse_lazy("home")


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if not twofactor.allowed_for(user):
        raise PermissionDenied("การยืนยันตัวตนสองขั้นตอนใช้กับฝ่ายเลขานุการและผู้บริหาร")
    if twofactor.is_enabled(user) and not user.is_verified():
        return redirect("two_factor_verify")
    if twofactor.is_enabled(user):
        return redirect("account")
    device = twofactor.pending_totp(user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(device, form.cleaned_data["token"])
        if codes is None:
            form.add_error("token", "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว กรุณากรอกรหัสล่าสุดจากแอป")
        else:
            otp_login(request, device)
            request.session.pop(twofactor.SESSION_KEY, None)
            messages.success(request, "เปิดการยืนยันตัวตนสองขั้นตอนแล้ว")
            return render(request, "people/two_factor_codes.html", {"codes": codes, "next": _next_url(request)})
    context = {
        "form": form,
        "qr": twofactor.qr_svg(device),
        "secret": twofactor.secret_base32(device),
        "required": twofactor.required_for(user),
        "next": _next_url(request),
    }
    return render(request, "people/two_factor_setup.html", context)


@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    user = request.user
    if user.is_verified() or not twofactor.is_enabled(user):
        return redirect(_next_url(request))
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["token"])
        if device is None:
            form.add_error("token", "รหัสไม่ถูกต้อง กรุณาลองใหม่ (หากใช้รหัสกู้คืน แต่ละรหัสใช้ได้ครั้งเดียว)")
        else:
            otp_login(request, device)
            request.session.pop(twofactor.SESSION_KEY, None)
            return redirect(_next_url(request))
    return render(request, "people/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _require_verified_two_factor(request) -> None:
    if not twofactor.is_enabled(request.user):
        raise PermissionDenied("ยังไม่ได้เปิดการยืนยันตัวตนสองขั้นตอน")


@require_POST
def two_factor_disable(request):
    _require_verified_two_factor(request)
    if twofactor.required_for(request.user):
        messages.error(request, "บทบาทของท่านต้องใช้การยืนยันตัวตนสองขั้นตอน ปิดไม่ได้")
        return redirect("account")
    twofactor.disable(request.user)
    messages.success(request, "ปิดการยืนยันตัวตนสองขั้นตอนแล้ว")
    return redirect("account")


@require_POST
def two_factor_codes(request):
    _require_verified_two_factor(request)
    codes = twofactor.recovery_codes_new(request.user)
    return render(request, "people/two_factor_codes.html", {"codes": codes, "next": reverse_lazy("account")})


# -- reached without a session -----------------------------------------------


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """A one-time link (Django's token, valid PASSWORD_RESET_TIMEOUT) to set a
    password; then straight to the home page, signed in. A switched-off account's
    link does not work."""

    form_class = ThaiSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = LOGIN_BACKEND
    success_url = reverse_lazy("home")
    success_message = "ตั้งรหัสผ่านใหม่แล้ว"

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, self.success_message)
        return response


invitation_accept = SetPasswordView.as_view(
    template_name="people/invitation_accept.html",
    success_message="ตั้งรหัสผ่านแล้ว ยินดีต้อนรับสู่ระบบติดตามข้อสั่งการ",
)

password_reset = auth_views.PasswordResetView.as_view(
    form_class=ThaiPasswordResetForm,
    template_name="people/password_reset_form.html",
    email_template_name="people/password_reset_email.txt",
    subject_template_name="people/password_reset_subject.txt",
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html")
password_reset_confirm = SetPasswordView.as_view(template_name="people/password_reset_confirm.html")
