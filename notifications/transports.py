"""One small class per channel, as healthchecks' hc/api/transports.py: ``notify_one``
and ``notify_digest`` return None when the message went, or the error as text."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from lampang_tracker import thai

from .models import Channel, Notification, Preference
from .services import absolute


class Transport:
    def notify_one(self, row: Notification) -> str | None:
        return self.send(row, subject=row.subject, context={"items": [row], "single": True})

    def notify_digest(self, rows: list[Notification], *, day: datetime.date) -> str | None:
        subject = f"สรุปการแจ้งเตือนประจำวันที่ {thai.date_long(day)} ({thai.thai_digits(len(rows))} เรื่อง)"
        return self.send(rows[0], subject=subject, context={"items": rows, "single": False, "day": day})

    def send(self, row: Notification, *, subject: str, context: dict) -> str | None:
        raise NotImplementedError


def _context(context: dict, subject: str) -> dict:
    items = [{"row": r, "link": absolute(r.url) if r.url else ""} for r in context["items"]]
    return {**context, "items": items, "subject": subject, "site_url": settings.SITE_URL}


class Email(Transport):
    def send(self, row: Notification, *, subject: str, context: dict) -> str | None:
        if row.user is None or not row.user.email:
            return "ผู้รับไม่มีอีเมล"
        context = _context(context, subject)
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("notifications/email/message.txt", context),
            to=[row.user.email],
        )
        message.attach_alternative(render_to_string("notifications/email/message.html", context), "text/html")
        try:
            message.send()
        except Exception as exc:  # SMTP and socket errors of every kind: record and retry
            return f"{type(exc).__name__}: {exc}"
        return None


class Line(Transport):
    """Push through the Messaging API (official line-bot-sdk) to a linked user or an
    agency's group; LINE_API_BASE_URL lets tests use a fake server on 127.0.0.1."""

    MAX_TEXT = 4900  # LINE allows 5,000 characters per text message

    def __init__(self):
        self._api = None

    def api(self):
        if self._api is None:
            from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

            configuration = Configuration(
                host=settings.LINE_API_BASE_URL, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
            )
            configuration.retries = 0  # our outbox retries, with backoff
            self._api = MessagingApi(ApiClient(configuration))
        return self._api

    def target(self, row: Notification) -> str | None:
        if row.recipient.startswith("line-group:"):
            setting = getattr(row.agency, "notify_setting", None) if row.agency else None
            return setting.line_group_id if setting and setting.line_group_id else None
        pref = Preference.objects.filter(user_id=row.user_id).first()
        return pref.line_user_id if pref and pref.line_user_id else None

    def send(self, row: Notification, *, subject: str, context: dict) -> str | None:
        if not settings.LINE_CHANNEL_ACCESS_TOKEN:
            return "ยังไม่ได้ตั้งค่า LINE_CHANNEL_ACCESS_TOKEN"
        to = self.target(row)
        if not to:
            return "ผู้รับยังไม่ได้เชื่อมบัญชี LINE หรือหน่วยงานยังไม่ได้ตั้งกลุ่ม LINE"
        from linebot.v3.messaging import PushMessageRequest, TextMessage
        from linebot.v3.messaging.exceptions import ApiException

        text = render_to_string("notifications/line/message.txt", _context(context, subject)).strip()
        if len(text) > self.MAX_TEXT:
            text = text[: self.MAX_TEXT - 1] + "…"
        try:
            self.api().push_message(
                PushMessageRequest(to=to, messages=[TextMessage(text=text)]),
                x_line_retry_key=str(row.retry_key),
                _request_timeout=settings.LINE_TIMEOUT_SECONDS,
            )
        except ApiException as exc:
            return f"LINE {exc.status}: {exc.reason} {(exc.body or '')[:500]}"
        except Exception as exc:  # connection refused, timeout …
            return f"{type(exc).__name__}: {exc}"[:2000]
        return None


class InApp(Transport):
    def send(self, row: Notification, *, subject: str, context: dict) -> str | None:
        return None  # the row itself is what the user sees


def transports() -> dict[str, Transport]:
    return {Channel.EMAIL: Email(), Channel.LINE: Line(), Channel.INAPP: InApp()}
