"""Two-factor sign-in (django-otp): a TOTP app plus one-time recovery codes.

Optional for the secretariat and executives, required for the roles named in
REQUIRE_2FA_ROLES. At login the session is marked "verify" (the user has an app set
up) or "setup" (their role requires one and they have none); TwoFactorMiddleware then
sends the session to that page until a code has been accepted.
"""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import Profile
from agencies.roles import actor_for

SESSION_KEY = "people_2fa"
VERIFY, SETUP = "verify", "setup"
ROLES_ALLOWED = (Profile.Role.SECRETARIAT, Profile.Role.EXECUTIVE)
RECOVERY_CODE_COUNT = 10
TOTP_NAME = "แอปยืนยันตัวตน"
STATIC_NAME = "รหัสกู้คืน"


def allowed_for(user) -> bool:
    return actor_for(user).role in ROLES_ALLOWED


def required_for(user) -> bool:
    return actor_for(user).role in settings.REQUIRE_2FA_ROLES


def mark_session(request, user) -> None:
    """Called on login: what this session must do before anything else."""
    if user_has_device(user, confirmed=True):
        request.session[SESSION_KEY] = VERIFY
    elif required_for(user):
        request.session[SESSION_KEY] = SETUP
    else:
        request.session.pop(SESSION_KEY, None)


def is_enabled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def pending_totp(user) -> TOTPDevice:
    """The unconfirmed app being set up (made once, so reloading the page keeps the
    same QR code)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).filter(confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def secret_base32(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the app with its first code; returns fresh recovery codes, or None
    when the code is wrong."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    return recovery_codes_new(device.user)


@transaction.atomic
def recovery_codes_new(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=STATIC_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def verify(user, token: str):
    """The device that accepts ``token`` (an app code or a recovery code), else None."""
    token = token.strip().replace(" ", "")
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(token):
                return device
    return None


@transaction.atomic
def disable(user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
