"""Writes for people and accounts: add, edit, deactivate, invite, own details.

Keyword-only, atomic, validated; a problem the user can fix raises PeopleError (with
the form field it concerns) or a ValidationError.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from agencies.models import Agency, Profile

from .models import Invitation, UserSession

User = get_user_model()


class PeopleError(Exception):
    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def _check_email_free(email: str, *, exclude_pk: int | None = None) -> None:
    if not email:
        return
    taken = User.objects.filter(email__iexact=email) | User.objects.filter(username__iexact=email)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise PeopleError("อีเมลนี้มีผู้ใช้อยู่แล้ว", field="email")


def _set_history_user(obj, by) -> None:
    # simple_history takes the user from the request (middleware); a service called
    # from a command or a test names the actor explicitly.
    obj._history_user = by


def _profile_fields(role: str, agency: Agency | None) -> tuple[str, Agency | None]:
    if role == Profile.Role.AGENCY and agency is None:
        raise PeopleError("ผู้ใช้หน่วยงานต้องระบุหน่วยงาน", field="agency")
    return role, agency if role == Profile.Role.AGENCY else None


@transaction.atomic
def person_create(
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    agency: Agency | None,
    position: str = "",
    phone: str = "",
    by: AbstractBaseUser,
) -> AbstractBaseUser:
    """A new account that cannot sign in until its owner sets a password from the
    invitation; the user name is the e-mail address."""
    email = normalise_email(email)
    if not email:
        raise PeopleError("กรุณากรอกอีเมล ระบบส่งลิงก์ตั้งรหัสผ่านไปที่อีเมลนี้", field="email")
    _check_email_free(email)
    role, agency = _profile_fields(role, agency)
    user = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.full_clean()
    _set_history_user(user, by)
    user.save()
    profile = Profile(user=user, role=role, agency=agency, position=position.strip(), phone=phone.strip())
    profile.full_clean()
    _set_history_user(profile, by)
    profile.save()
    return user


@transaction.atomic
def person_update(
    *,
    user: AbstractBaseUser,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    agency: Agency | None,
    position: str = "",
    phone: str = "",
    by: AbstractBaseUser,
) -> AbstractBaseUser:
    email = normalise_email(email)
    if not email:
        raise PeopleError("กรุณากรอกอีเมล", field="email")
    _check_email_free(email, exclude_pk=user.pk)
    role, agency = _profile_fields(role, agency)
    if user.pk == by.pk and role != Profile.Role.SECRETARIAT:
        raise PeopleError("เปลี่ยนบทบาทของตนเองไม่ได้ ให้ฝ่ายเลขานุการอีกท่านหนึ่งเปลี่ยนให้", field="role")
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    user.full_clean()
    _set_history_user(user, by)
    user.save()
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"role": role, "agency": agency})
    profile.role, profile.agency, profile.position, profile.phone = role, agency, position.strip(), phone.strip()
    profile.full_clean()
    _set_history_user(profile, by)
    profile.save()
    user._actor = None
    return user


def _end_sessions(user: AbstractBaseUser, *, keep: str | None = None) -> int:
    keys = UserSession.objects.filter(user=user)
    if keep:
        keys = keys.exclude(session_key=keep)
    session_keys = list(keys.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=session_keys).delete()
    keys.delete()
    return len(session_keys)


@transaction.atomic
def person_deactivate(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    """Switch the account off (someone who moved); nothing they did is deleted, and
    every browser they are signed in on is signed out."""
    if user.pk == by.pk:
        raise PeopleError("ปิดบัญชีของตนเองไม่ได้")
    if not user.is_active:
        return
    user.is_active = False
    _set_history_user(user, by)
    user.save()
    _end_sessions(user)


@transaction.atomic
def person_activate(*, user: AbstractBaseUser, by: AbstractBaseUser) -> None:
    if user.is_active:
        return
    user.is_active = True
    _set_history_user(user, by)
    user.save()


def set_password_path(user: AbstractBaseUser) -> str:
    """The one-time link to set a password (valid PASSWORD_RESET_TIMEOUT)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation_accept", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def invitation_send(*, user: AbstractBaseUser, base_url: str, by: AbstractBaseUser) -> Invitation:
    """E-mail ``user`` a link to set their password and record that it was sent.

    Resending works until the person has set a password (the token then no longer
    matches); after that they use "ลืมรหัสผ่าน"."""
    if not user.is_active:
        raise PeopleError("บัญชีนี้ปิดการใช้งานอยู่ เปิดใช้งานก่อนจึงส่งคำเชิญได้")
    if user.has_usable_password():
        raise PeopleError("ผู้ใช้นี้ตั้งรหัสผ่านแล้ว หากลืมรหัสผ่านให้ใช้ลิงก์ “ลืมรหัสผ่าน” ที่หน้าเข้าสู่ระบบ")
    if not user.email:
        raise PeopleError("ผู้ใช้นี้ยังไม่มีอีเมล กรุณาแก้ไขข้อมูลก่อน")
    days = settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)
    context = {
        "user": user,
        "link": base_url.rstrip("/") + set_password_path(user),
        "days": days,
        "login_link": base_url.rstrip("/") + reverse("login"),
    }
    subject = "คำเชิญเข้าใช้ระบบติดตามข้อสั่งการ จังหวัดลำปาง"
    body = render_to_string("people/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError as exc:  # SMTP down or refused: say so, record nothing
        raise PeopleError("ส่งอีเมลไม่สำเร็จ กรุณาลองส่งคำเชิญอีกครั้งภายหลัง") from exc
    return Invitation.objects.create(user=user, sent_by=by)  # sent_at: now (the field's default)


@transaction.atomic
def account_update(*, user: AbstractBaseUser, email: str, phone: str) -> None:
    """A person's own e-mail and phone."""
    email = normalise_email(email)
    _check_email_free(email, exclude_pk=user.pk)
    user.email = email
    user.full_clean()
    _set_history_user(user, user)
    user.save()
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        profile.phone = phone.strip()
        profile.full_clean()
        _set_history_user(profile, user)
        profile.save()


def sessions_end_others(*, user: AbstractBaseUser, current_key: str | None) -> int:
    return _end_sessions(user, keep=current_key)
