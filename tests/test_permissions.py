"""Every URL pattern × every role × GET and POST, against a table of expected answers.

For each pattern EXPECTED says the status each role gets on GET, the status each role
gets on POST, and which roles' POST changes data (a POST from any other role must leave
every row of the project's tables as it was; a GET never changes anything). The POST
sends data a writer's form accepts, so "refused" means refused, not "invalid form".

A new URL pattern without a row fails the test with the row to paste (decide who may
open it and who may change it first). The table is keyed by the route pattern, not the
URL name, so a second route that reuses a name is caught too. (pretix's
test_permissions.py does the same.) The CSRF test sends the same POSTs from a client
that checks CSRF tokens, without a token: every one must be refused with 403.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.forms import CheckboxInput, CheckboxSelectMultiple, SelectMultiple
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from agencies.models import Profile
from directives import services
from directives.models import Status, today
from meetings.models import MeetingSeries
from meetings.services import letter_create, meeting_create
from minutes import services as minutes_services
from notifications import services as notify_services
from notifications.models import Channel, Defaults, Event, Notification, Preference
from tests.base import TempMediaMixin, TrackerTestCase, login_redirect, make_user, png_upload

ROLES = ("anonymous", "secretariat", "agency_a", "agency_b", "executive")

# Not ours to police: Django's admin has its own permission system, and the login and
# logout views are what anonymous visitors are sent to.
SKIPPED_PREFIXES = ("admin/",)
SKIPPED_NAMES = {"login", "logout"}

# POSTs that need no CSRF token, each with the reason. Keep this short.
CSRF_EXEMPT = {
    # LINE's servers post here without a session or a token; the view reads only a body
    # signed with the channel secret (X-Line-Signature) and refuses anything else
    "line/webhook/",
}


def answers(*, secretariat: int, agency_a: int, agency_b: int, executive: int, anonymous: int = 302) -> dict:
    return {
        "anonymous": anonymous,
        "secretariat": secretariat,
        "agency_a": agency_a,
        "agency_b": agency_b,
        "executive": executive,
    }


def no_kwargs(t) -> dict:
    return {}


def no_data(t, url: str) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    """What each role gets from one URL pattern. Objects named by ``kwargs`` belong to
    agency A, so agency B is "another agency" and must get 404 wherever an object is
    agency-owned. ``data(t, url)`` is the POST a writer's form accepts; ``writers``
    are the roles whose POST must change data (everyone else's must not)."""

    name: str
    get: dict
    post: dict
    kwargs: Callable = no_kwargs
    data: Callable = no_data
    writers: frozenset = field(default_factory=frozenset)
    open: bool = False  # reached without a session: anonymous is not sent to the login page
    # how the POST is sent, when not as a form: e.g. a raw body with its content type and headers
    sent_as: Callable = no_kwargs


# -- row builders: one per kind of page -------------------------------------------------

EVERYONE = answers(secretariat=200, agency_a=200, agency_b=200, executive=200)
OWN_AGENCY = answers(secretariat=200, agency_a=200, agency_b=404, executive=200)
NOT_ALLOWED = answers(secretariat=405, agency_a=405, agency_b=405, executive=405)


SECRETARIAT_ONLY = answers(secretariat=200, agency_a=403, agency_b=403, executive=403)
# the secretariat and executives read every agency's work; agency users may not
READERS_OF_ALL = answers(secretariat=200, agency_a=403, agency_b=403, executive=200)
EVERYONE_REDIRECTED = answers(secretariat=302, agency_a=302, agency_b=302, executive=302)
EVERYONE_REFUSED = answers(secretariat=403, agency_a=403, agency_b=403, executive=403)
DRAFT_MINUTES = answers(secretariat=200, agency_a=404, agency_b=404, executive=200)
SIGNED_IN = frozenset({"secretariat", "agency_a", "agency_b", "executive"})


def read(name: str, kwargs=no_kwargs, get: dict = EVERYONE) -> Row:
    """A page or file that is only read: POST is 405 for everyone signed in."""
    return Row(name, get=get, post=NOT_ALLOWED, kwargs=kwargs)


def secretariat_form(name: str, kwargs=no_kwargs, data=no_data, *, ok: int = 302, other_agency: int = 403) -> Row:
    """A GET/POST form of the secretariat's; agencies and executives are refused."""
    refused = {"agency_a": 403, "agency_b": other_agency, "executive": 403}
    return Row(
        name,
        get={"anonymous": 302, "secretariat": 200, **refused},
        post={"anonymous": 302, "secretariat": ok, **refused},
        kwargs=kwargs,
        data=data,
        writers=frozenset({"secretariat"}) if ok in (302, 200) and data is not no_data else frozenset(),
    )


def secretariat_action(name: str, kwargs, data=no_data, *, other_agency: int = 403) -> Row:
    """A POST-only button of the secretariat's (GET is 405)."""
    refused = {"agency_a": 403, "agency_b": other_agency, "executive": 403}
    return Row(
        name,
        get=NOT_ALLOWED,
        post={"anonymous": 302, "secretariat": 302, **refused},
        kwargs=kwargs,
        data=data,
        writers=frozenset({"secretariat"}),
    )


def public(name: str, kwargs=no_kwargs, *, post: int = 405) -> Row:
    """Reached without a session (open data, calendar feeds, the privacy notice, password
    links): every role gets 200 and no POST changes anything."""
    return Row(
        name,
        get=answers(secretariat=200, agency_a=200, agency_b=200, executive=200, anonymous=200),
        post=answers(secretariat=post, agency_a=post, agency_b=post, executive=post, anonymous=post),
        kwargs=kwargs,
        open=True,
    )


def own_form(name: str, data) -> Row:
    """A form about the signed-in user themself: every role opens and changes its own."""
    return Row(name, get=EVERYONE, post=EVERYONE_REDIRECTED, data=data, writers=SIGNED_IN)


def own_action(name: str) -> Row:
    """A POST-only button about the signed-in user themself."""
    return Row(name, get=NOT_ALLOWED, post=EVERYONE_REDIRECTED, writers=SIGNED_IN)


# -- the objects rows point at ------------------------------------------------------


def meeting(t):
    return {"pk": t.meeting.pk}


def directive(t):
    return {"pk": t.directive.pk}


def assignment(t):
    return {"pk": t.assignment_a.pk}


def agency(t):
    return {"pk": t.agency_a.pk}


def letter(t):
    return {"pk": t.letter.pk}


def minutes_meeting(t):
    """Meeting ๑๑/๒๕๖๐, whose minutes are a draft (every part editable)."""
    return {"pk": t.later.pk}


def circulated_meeting(t):
    """Meeting ๑๐/๒๕๖๐, whose minutes are circulating (agencies may ask for corrections)."""
    return {"pk": t.meeting.pk}


def agenda_item(t):
    return {"pk": t.item.pk}


def person(t):
    return {"pk": t.user_a.pk}


def spent_link(t):
    return {"uidb64": "MQ", "token": "spent-token"}


# -- POST data: what the writer's own form shows, with one change --------------------


def form_values(form) -> dict:
    """The values a browser would post for ``form`` as the page shows it."""
    data = {}
    for bound in form:
        value = bound.value()
        widget = bound.field.widget
        if isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(widget, SelectMultiple | CheckboxSelectMultiple):
            data[bound.html_name] = [str(v) for v in value or []]
        elif value is not None:
            shown = widget.format_value(value)
            data[bound.html_name] = shown[0] if isinstance(shown, list) else ("" if shown is None else shown)
    return data


def as_shown(key: str = "form", **changes) -> Callable:
    """POST data: the form ``key`` of the page as the secretariat opens it, with ``changes``."""

    def data(t, url: str) -> dict:
        t.login(t.secretariat)
        shown = t.client.get(url).context[key]
        values = {}
        if hasattr(shown, "management_form"):
            values.update(form_values(shown.management_form))
            for row in shown.forms:
                values.update(form_values(row))
        else:
            values.update(form_values(shown))
        return {**values, **changes}

    return data


def fixed(**values) -> Callable:
    return lambda t, url: dict(values)


LINE_SECRET = "matrix-line-channel-secret"


def line_body(code: str) -> bytes:
    """What LINE posts when a user sends ``code`` to the official account."""
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": 1700000000000,
        "webhookEventId": "01H",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": "r",
        "source": {"type": "user", "userId": "U" + "b" * 32},
        "message": {"id": "1", "type": "text", "text": code, "quoteToken": "q"},
    }
    return json.dumps({"destination": "Uxxxxxxxx", "events": [event]}).encode()


def line_signature(body: bytes) -> str:
    return base64.b64encode(hmac.new(LINE_SECRET.encode(), body, hashlib.sha256).digest()).decode()


def thai_day(days: int) -> str:
    day = today() + datetime.timedelta(days=days)
    return f"{day.day}/{day.month}/{day.year + 543}"


def bulk_data(t, url: str) -> dict:
    values = as_shown("formset")(t, url)
    values["form-0-text"] = "ข้อสั่งการที่เพิ่มจากตาราง"
    values["form-0-parties"] = t.agency_a.name
    return values


EXPECTED: dict[str, Row] = {
    # the load balancer's health check: no login, nothing private in it
    "healthz": Row(
        "healthz",
        get=answers(secretariat=200, agency_a=200, agency_b=200, executive=200, anonymous=200),
        post=answers(secretariat=405, agency_a=405, agency_b=405, executive=405, anonymous=405),
    ),
    # agencies
    "agencies/": read("agency_list"),
    "agencies/<int:pk>/": read("agency_detail", agency, OWN_AGENCY),
    # meetings: circulated to every agency, written by the secretariat
    "meetings/": read("meeting_list"),
    "meetings/new/": secretariat_form(
        "meeting_create",
        data=lambda t, url: {"series": t.series.pk, "number": "13", "year_be": "2560", "date": "20/12/2560"},
    ),
    "meetings/<int:pk>/": read("meeting_detail", meeting),
    "meetings/<int:pk>/edit/": secretariat_form("meeting_edit", meeting, as_shown(venue="ห้องประชุมใหม่")),
    # letters (หนังสือสั่งการ): read like meetings by every role, written by the secretariat
    "letters/": read("letter_list"),
    "letters/new/": secretariat_form(
        "letter_create", data=fixed(number="ลป ๐๐๑๗/ว ๑", date="1/12/2567", subject="เรื่องทดสอบ")
    ),
    "letters/<int:pk>/": read("letter_detail", letter),
    "letters/<int:pk>/edit/": secretariat_form("letter_edit", letter, as_shown(subject="เรื่องที่แก้แล้ว")),
    "letters/<int:letter_pk>/directives/new/": secretariat_form(
        "letter_directive_create",
        lambda t: {"letter_pk": t.letter.pk},
        lambda t, url: {"number": "2", "text": "ข้อสั่งการจากหนังสือ", "parties": [f"a{t.agency_a.pk}"]},
    ),
    "letters/<int:pk>/summary.pdf": read("letter_summary_pdf", letter),
    # the live follow-up shows every agency's reports: not for agency users, who read
    # others' progress only in a follow-up the secretariat has issued to all
    "letters/<int:pk>/followup.pdf": read("letter_followup_pdf", letter, READERS_OF_ALL),
    "search/": read("search"),
    # directives
    "": read("home"),
    "inbox/": read("inbox", get=answers(secretariat=403, agency_a=200, agency_b=200, executive=403)),
    "directives/": read("directive_list"),
    "directives/<int:pk>/": read("directive_detail", directive, OWN_AGENCY),
    "directives/<int:pk>/edit/": secretariat_form(
        "directive_edit", directive, as_shown(text="ข้อความที่แก้แล้ว"), other_agency=404
    ),
    "directives/<int:pk>/close/": secretariat_action(
        "directive_close", directive, fixed(note="ดำเนินการครบแล้ว"), other_agency=404
    ),
    "directives/<int:pk>/reopen/": secretariat_action(
        "directive_reopen", lambda t: {"pk": t.closed.pk}, other_agency=404
    ),
    "meetings/<int:meeting_pk>/directives/new/": secretariat_form(
        "directive_create",
        lambda t: {"meeting_pk": t.meeting.pk},
        lambda t, url: {"number": "3", "text": "ข้อสั่งการใหม่", "parties": [f"a{t.agency_a.pk}"]},
    ),
    "meetings/<int:meeting_pk>/directives/bulk/": secretariat_form(
        "directive_bulk", lambda t: {"meeting_pk": t.meeting.pk}, bulk_data
    ),
    "directives/suggest-agencies/": read(
        "directive_suggest_agencies", get=answers(secretariat=200, agency_a=403, agency_b=403, executive=403)
    ),
    "assignments/<int:pk>/": Row(
        "assignment_detail",
        get=OWN_AGENCY,
        post=answers(secretariat=403, agency_a=302, agency_b=404, executive=403),
        kwargs=assignment,
        data=fixed(status=Status.IN_PROGRESS, text="ความคืบหน้าใหม่", percent="40"),
        writers=frozenset({"agency_a"}),
    ),
    "assignments/<int:pk>/acknowledge/": Row(
        "assignment_acknowledge",
        get=NOT_ALLOWED,
        post=answers(secretariat=403, agency_a=302, agency_b=404, executive=403),
        kwargs=lambda t: {"pk": t.unacknowledged.pk},
        writers=frozenset({"agency_a"}),
    ),
    "assignments/<int:pk>/extension/": Row(
        "assignment_extension",
        get=answers(secretariat=403, agency_a=200, agency_b=404, executive=403),
        post=answers(secretariat=403, agency_a=302, agency_b=404, executive=403),
        kwargs=assignment,
        data=lambda t, url: {"new_due_date": thai_day(90), "reason": "รองบประมาณ"},
        writers=frozenset({"agency_a"}),
    ),
    "reports/<int:pk>/review/": secretariat_form(
        "report_review", lambda t: {"pk": t.report_a.pk}, fixed(decision="accept", comment=""), other_agency=404
    ),
    "attachments/<int:pk>/": read("attachment_download", lambda t: {"pk": t.attachment.pk}, OWN_AGENCY),
    # printed documents
    "meetings/<int:pk>/summary.pdf": read("meeting_summary_pdf", meeting),
    "meetings/<int:pk>/followup.pdf": read("meeting_followup_pdf", meeting, READERS_OF_ALL),
    "agencies/<int:pk>/report.pdf": read("agency_report_pdf", agency, OWN_AGENCY),
    # minutes: read by every role, written by the secretariat, corrections from agencies
    # (draft minutes carry every agency's progress: agency users read them once circulated)
    "meetings/<int:pk>/minutes/": read("minutes_detail", minutes_meeting, DRAFT_MINUTES),
    "meetings/<int:pk>/minutes.pdf": read("minutes_pdf", minutes_meeting, DRAFT_MINUTES),
    "meetings/<int:pk>/minutes/start/": secretariat_action("minutes_start", lambda t: {"pk": t.fresh.pk}),
    "meetings/<int:pk>/minutes/edit/": secretariat_form(
        "minutes_edit", minutes_meeting, as_shown(recorder_name="นางสาวทดสอบ จดรายงาน")
    ),
    "meetings/<int:pk>/minutes/letter/": secretariat_form(
        "minutes_letter", minutes_meeting, as_shown(letter_to="หัวหน้าส่วนราชการทุกส่วน")
    ),
    "meetings/<int:pk>/minutes/attendees/": secretariat_form(
        "minutes_attendees", minutes_meeting, as_shown("formset", **{"form-0-position": "ปลัดจังหวัด"})
    ),
    "meetings/<int:pk>/minutes/attendees/add/": secretariat_action(
        "minutes_attendees_add", minutes_meeting, fixed(action="lines", kind="present", lines="นายทดสอบ ใจดี")
    ),
    "meetings/<int:pk>/minutes/sections/<int:number>/": secretariat_form(
        "minutes_section_edit",
        lambda t: {"pk": t.later.pk, "number": 4},
        as_shown(body="สาระสำคัญของระเบียบวาระ"),
    ),
    "meetings/<int:pk>/minutes/sections/<int:number>/items/new/": secretariat_form(
        "minutes_item_create", lambda t: {"pk": t.later.pk, "number": 4}, as_shown(title="เรื่องใหม่")
    ),
    "minutes/items/<int:pk>/edit/": secretariat_form("minutes_item_edit", agenda_item, as_shown(title="เรื่องที่แก้")),
    "minutes/items/<int:pk>/delete/": secretariat_action("minutes_item_delete", agenda_item),
    "minutes/items/<int:pk>/directive/": secretariat_form(
        "minutes_item_directive",
        agenda_item,
        lambda t, url: {"number": "5", "text": "ข้อสั่งการจากเรื่อง", "parties": [f"a{t.agency_a.pk}"]},
    ),
    "meetings/<int:pk>/minutes/circulate/": secretariat_action(
        "minutes_circulate", minutes_meeting, lambda t, url: {"deadline": thai_day(14)}
    ),
    "meetings/<int:pk>/minutes/certify-previous/": secretariat_action(
        "minutes_certify_previous", lambda t: {"pk": t.certifying.pk}, fixed(note="รับรองโดยไม่มีการแก้ไข")
    ),
    "meetings/<int:pk>/minutes/corrections/": Row(
        "minutes_correction_create",
        get=NOT_ALLOWED,
        post=answers(secretariat=403, agency_a=302, agency_b=302, executive=403),
        kwargs=circulated_meeting,
        data=lambda t, url: {"section": t.circulated_section.pk, "text": "ขอแก้ตำแหน่ง"},
        writers=frozenset({"agency_a", "agency_b"}),
    ),
    "minutes/corrections/<int:pk>/decide/": secretariat_action(
        "minutes_correction_decide",
        lambda t: {"pk": t.correction.pk},
        lambda t, url: {f"c{t.correction.pk}-decision": "accept", f"c{t.correction.pk}-note": ""},
    ),
    # the review queue: the secretariat accepts or returns reports from one page
    "reviews/": secretariat_form(
        "review_queue",
        data=lambda t, url: {
            "report": t.report_a.pk,
            f"r{t.report_a.pk}-decision": "accept",
            f"r{t.report_a.pk}-comment": "",
        },
    ),
    # a group line kept with chosen members only (the group is not agency A's: B gets 404)
    "directives/<int:pk>/parties/<int:party_pk>/narrow/": Row(
        "directive_narrow_group",
        get=NOT_ALLOWED,
        post=answers(secretariat=302, agency_a=404, agency_b=404, executive=403),
        kwargs=lambda t: {"pk": t.group_directive.pk, "party_pk": t.group_party.pk},
        data=lambda t, url: {"members": [t.district.pk], "label": "เฉพาะอำเภอเกาะคา"},
        writers=frozenset({"secretariat"}),
    ),
    # Word copies of the printed documents: read like the PDFs
    "meetings/<int:pk>/summary.docx": read("meeting_summary_docx", meeting),
    "letters/<int:pk>/summary.docx": read("letter_summary_docx", letter),
    "meetings/<int:pk>/minutes.docx": read("minutes_docx", minutes_meeting, DRAFT_MINUTES),
    # an issued follow-up is frozen and sent to every agency: every role reads it
    "meetings/<int:pk>/followup/issue/": secretariat_action("meeting_followup_issue", meeting),
    "followups/<int:pk>.pdf": read("followup_issued_pdf", lambda t: {"pk": t.issue.pk}),
    # the executive dashboard: for those who read every agency's work
    "dashboard/": read("dashboard", get=READERS_OF_ALL),
    # open data: the secretariat's publish switch, and the public pages (no login, GET only)
    "meetings/<int:pk>/publish/": secretariat_action("meeting_publish", meeting, fixed(published="1")),
    "letters/<int:pk>/publish/": secretariat_action("letter_publish", letter, fixed(published="1")),
    "public/": public("public_index"),
    "public/dictionary/": public("public_dictionary"),
    "public/directives.csv": public("public_csv"),
    "public/directives.json": public("public_json"),
    "public/metadata.json": public("public_metadata"),
    # notifications: each user's own list and preferences (every signed-in role writes
    # its own); the outbox and the agencies' LINE groups are the secretariat's
    "notifications/": read("notification_list"),
    "notifications/<int:pk>/": Row(
        "notification_open",
        # agency A's own notification (already read, so opening it changes nothing)
        get=answers(secretariat=404, agency_a=302, agency_b=404, executive=404),
        post=NOT_ALLOWED,
        kwargs=lambda t: {"pk": t.notification.pk},
    ),
    "notifications/read-all/": Row(
        "notification_read_all",
        get=NOT_ALLOWED,
        post=EVERYONE_REDIRECTED,
        writers=frozenset({"agency_a"}),  # the only one with an unread notification
    ),
    "notifications/preferences/": own_form(
        "notification_preferences", fixed(email_on="off", line_on="on", mode="digest")
    ),
    "notifications/line/code/": own_action("notification_line_code"),
    "notifications/line/unlink/": Row(
        "notification_line_unlink",
        get=NOT_ALLOWED,
        post=EVERYONE_REDIRECTED,
        writers=frozenset({"agency_a"}),  # the only one whose LINE is linked
    ),
    "notifications/calendar/renew/": own_action("notification_calendar_renew"),
    "notifications/outbox/": read("notification_outbox", get=SECRETARIAT_ONLY),
    "notifications/outbox/<int:pk>/resend/": secretariat_action(
        "notification_resend", lambda t: {"pk": t.outbox_row.pk}
    ),
    "notifications/settings/": secretariat_form("notification_settings", data=as_shown(mode="digest")),
    "notifications/agencies/<int:pk>/": secretariat_form(
        "notification_agency", agency, as_shown(line_group_id="C0123456789abcdef0123456789abcdef")
    ),
    # the agency's calendar link: renewed by the secretariat or the agency's own users
    "notifications/agencies/<int:pk>/calendar/renew/": Row(
        "notification_agency_calendar_renew",
        get=NOT_ALLOWED,
        post=answers(secretariat=302, agency_a=302, agency_b=404, executive=403),
        kwargs=agency,
        writers=frozenset({"secretariat", "agency_a"}),
    ),
    # calendar feeds: no session, whoever holds the secret link reads it
    "calendar/user/<str:token>.ics": public("calendar_user", lambda t: {"token": t.user_feed_token}),
    "calendar/agency/<str:token>.ics": public("calendar_agency", lambda t: {"token": t.agency_feed_token}),
    # LINE's webhook: no session and no CSRF token (see CSRF_EXEMPT); only a body
    # signed with the channel secret is read, anything else is refused
    # signed with the channel secret (see MatrixData), here carrying agency B's one-time
    # code, so whoever relays it links agency B's user (LINE's servers have no session)
    "line/webhook/": Row(
        "line_webhook",
        get=answers(secretariat=405, agency_a=405, agency_b=405, executive=405, anonymous=405),
        post=answers(secretariat=200, agency_a=200, agency_b=200, executive=200, anonymous=200),
        data=lambda t, url: line_body(t.line_code),
        sent_as=lambda t: {
            "content_type": "application/json",
            "headers": {"X-Line-Signature": line_signature(line_body(t.line_code))},
        },
        writers=frozenset(ROLES),
        open=True,
    ),
    # people: managed by the secretariat, read by executives, never by agency users
    "people/": read("person_list", get=READERS_OF_ALL),
    "people/new/": secretariat_form(
        "person_create",
        data=lambda t, url: {
            "first_name": "สมหญิง",
            "last_name": "ทดสอบ",
            "email": "somying@example.com",
            "role": "agency",
            "agency": t.agency_a.pk,
            "position": "นักวิชาการวัฒนธรรม",
            "phone": "",
        },
    ),
    "people/import/": secretariat_form("people_import", ok=200),  # a preview: nothing written
    "people/import/confirm/": Row(
        # without a preview in the session there is nothing to confirm
        "people_import_confirm",
        get=NOT_ALLOWED,
        post=answers(secretariat=302, agency_a=403, agency_b=403, executive=403),
    ),
    "people/import/template.xlsx": read("people_import_template", get=SECRETARIAT_ONLY),
    "people/<int:pk>/": read("person_detail", person, READERS_OF_ALL),
    "people/<int:pk>/edit/": secretariat_form(
        "person_edit", person, as_shown(position="หัวหน้ากลุ่มงาน", email="culture@example.com")
    ),
    "people/<int:pk>/deactivate/": secretariat_action("person_deactivate", person),
    "people/<int:pk>/activate/": secretariat_action("person_activate", lambda t: {"pk": t.inactive.pk}),
    "people/<int:pk>/invite/": secretariat_action("person_invite", lambda t: {"pk": t.invitee.pk}),
    # every signed-in user's own account
    "account/": own_form("account", fixed(email="changed@example.com", phone="054123456")),
    "account/password/": own_form(
        "account_password",
        fixed(old_password="pw", new_password1="Lampang-2567-ใหม่", new_password2="Lampang-2567-ใหม่"),
    ),
    # ends the user's sessions on other devices (each user has one, see setUpTestData)
    "account/sessions/end/": own_action("account_sessions_end"),
    "account/export.json": read("account_export"),
    # two-factor: for the secretariat and executives; nobody has it on here, so a wrong
    # code changes nothing, there is nothing to verify, disable or renew
    "account/2fa/": Row(
        "two_factor_setup",
        get=READERS_OF_ALL,
        post=answers(secretariat=200, agency_a=403, agency_b=403, executive=200),
        data=fixed(token="000000"),
    ),
    "account/2fa/verify/": Row("two_factor_verify", get=EVERYONE_REDIRECTED, post=EVERYONE_REDIRECTED),
    "account/2fa/disable/": Row("two_factor_disable", get=NOT_ALLOWED, post=EVERYONE_REFUSED),
    "account/2fa/codes/": Row("two_factor_codes", get=NOT_ALLOWED, post=EVERYONE_REFUSED),
    # reached without a session
    "privacy/": public("privacy"),
    # a link whose token is not valid shows "this link cannot be used" to anyone and
    # changes nothing
    "welcome/<uidb64>/<token>/": public("invitation_accept", spent_link, post=200),
    "accounts/password-reset/": Row(
        "password_reset",
        get=answers(secretariat=200, agency_a=200, agency_b=200, executive=200, anonymous=200),
        post=answers(secretariat=302, agency_a=302, agency_b=302, executive=302, anonymous=302),
        data=fixed(email="nobody@example.com"),
        open=True,
    ),
    "accounts/password-reset/sent/": public("password_reset_done"),
    "accounts/password-reset/<uidb64>/<token>/": public("password_reset_confirm", spent_link, post=200),
    # imports: the secretariat's tool; a preview lives in the session of whoever uploaded,
    # so nothing is written until a preview is confirmed
    "imports/new/": secretariat_form("import_new", ok=200),
    "imports/<str:token>/": Row(
        "import_preview",
        get=answers(secretariat=404, agency_a=403, agency_b=403, executive=403),
        post=answers(secretariat=404, agency_a=403, agency_b=403, executive=403),
        kwargs=lambda t: {"token": "no-such-import"},
    ),
}


def url_patterns(patterns, prefix: str = ""):
    """(route, name) of every URL pattern, descending into includes."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            yield from url_patterns(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name not in SKIPPED_NAMES:
            yield route, entry.name


def project_tables() -> list:
    """Every model of the project's own apps (history tables included)."""
    base = str(settings.BASE_DIR)
    return [
        model
        for config in apps.get_app_configs()
        if config.path.startswith(base) and "site-packages" not in config.path
        for model in config.get_models()
    ]


def snapshot() -> dict:
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in project_tables()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in after if before.get(label) != after[label]]


def missing_row(route: str, name: str | None) -> str:
    return (
        f"URL pattern {route!r} (name {name!r}) has no row in EXPECTED: decide who may open and "
        f"who may change it, then add e.g.\n"
        f'    "{route}": secretariat_form("{name}", kwargs=..., data=...),  # or read(...), Row(...)'
    )


@override_settings(LINE_CHANNEL_SECRET=LINE_SECRET)
class MatrixData(TempMediaMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        report = services.progress_report(
            assignment=cls.assignment_a,
            text="ภาพกิจกรรม",
            status=Status.IN_PROGRESS,
            files=[png_upload()],
            by=cls.user_a,
        )
        cls.attachment = report.attachments.get()
        cls.closed = services.directive_create(
            meeting=cls.meeting,
            number="9",
            text="ข้อที่ปิดประเด็นแล้ว",
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        services.directive_close(directive=cls.closed, note="เสร็จแล้ว", by=cls.secretariat)
        cls.letter = letter_create(
            number="มท ๐๘๑๐.๖/ว ๑๒๕๐๕",
            date=datetime.date(2024, 12, 7),
            subject="การขับเคลื่อนนโยบายสำคัญของกระทรวงมหาดไทย",
            by=cls.secretariat,
        )
        services.directive_create(
            letter=cls.letter,
            number="1",
            text="จัดประชุมซักซ้อมแนวทางการดำเนินงาน",
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        # ๑๐/๒๕๖๐: minutes circulating, with an agency's correction request
        circulated = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        minutes_services.minutes_circulate(
            minutes=circulated, deadline=today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        cls.circulated_section = circulated.sections.get(number=4)
        cls.correction = minutes_services.correction_request(
            minutes=circulated, section=cls.circulated_section, text="ขอแก้ชื่อ", agency=cls.agency_a, by=cls.user_a
        )
        # ๑๑/๒๕๖๐: minutes in draft, with one attendee and one item
        cls.later = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        minutes = minutes_services.minutes_start(meeting=cls.later, by=cls.secretariat)
        minutes_services.attendees_add_lines(
            minutes=minutes, text="นายสมชาย ใจดี ผู้ว่าราชการจังหวัดลำปาง", kind="present", by=cls.secretariat
        )
        cls.item = minutes_services.item_create(
            section=minutes.sections.get(number=4), title="เรื่องเพื่อทราบ", by=cls.secretariat
        )
        # ๑๒/๒๕๖๐: no minutes yet
        cls.fresh = meeting_create(
            by=cls.secretariat, series=cls.series, number=12, year_be=2560, date=datetime.date(2018, 1, 31)
        )
        # another series: ๑/๒๕๖๑ circulated without corrections, to be certified at ๒/๒๕๖๑
        board = MeetingSeries.objects.create(name="การประชุมกรมการจังหวัดลำปาง", summary_title="สรุปประเด็น")
        held = meeting_create(by=cls.secretariat, series=board, number=1, year_be=2561, date=datetime.date(2018, 1, 5))
        minutes_services.minutes_circulate(
            minutes=minutes_services.minutes_start(meeting=held, by=cls.secretariat),
            deadline=today() + datetime.timedelta(days=7),
            by=cls.secretariat,
        )
        cls.certifying = meeting_create(
            by=cls.secretariat, series=board, number=2, year_be=2561, date=datetime.date(2018, 2, 5)
        )
        # an item agency A has not acknowledged yet
        cls.unacknowledged = cls.letter.directives.get().assignments.get(agency=cls.agency_a)
        # a line given to a group (ทุกอำเภอ), to narrow to some of its members
        cls.group_directive = services.directive_create(
            meeting=cls.meeting,
            number="6",
            text="ขอให้ทุกอำเภอรายงานผล",
            parties=services.parties_from(groups=[cls.group]),
            by=cls.secretariat,
        )
        cls.group_party = cls.group_directive.parties.get()
        cls.issue = services.followup_issue(meeting=cls.meeting, by=cls.secretariat)
        # people: agency A's user has an email (to be invited); a switched-off account
        type(cls.user_a).objects.filter(pk=cls.user_a.pk).update(email="culture@example.com")
        cls.user_a.refresh_from_db()
        cls.inactive = make_user("retired", Profile.Role.AGENCY, cls.agency_a)
        cls.inactive.is_active = False
        cls.inactive.save()
        cls.invitee = make_user("newcomer", Profile.Role.AGENCY, cls.agency_a)
        cls.invitee.email = "newcomer@example.com"
        cls.invitee.set_unusable_password()
        cls.invitee.save()
        # every user is signed in on another device too
        for user in (cls.secretariat, cls.user_a, cls.user_b, cls.executive):
            Client().force_login(user)
        # notifications: everyone's preferences and each agency's settings exist already
        # (opening a page creates them), agency A's LINE is linked; one notification of
        # agency A's already read (opening it changes nothing), one unread; a failed email
        Defaults.current()
        for user in (cls.secretariat, cls.user_a, cls.user_b, cls.executive):
            notify_services.preference_for(user)
        Preference.objects.filter(user=cls.user_a).update(line_user_id="U0123456789abcdef0123456789abcdef")
        for each in (cls.agency_a, cls.agency_b):
            notify_services.agency_setting_for(each)
        common = {
            "recipient": f"user:{cls.user_a.pk}",
            "user": cls.user_a,
            "event": Event.DUE_SOON,
            "key": f"assignment:{cls.assignment_a.pk}",
            "due_day": today(),
            "subject": "ใกล้ครบกำหนด",
            "body": "ใกล้ครบกำหนด",
            "url": f"/assignments/{cls.assignment_a.pk}/",
        }
        cls.notification = Notification.objects.create(
            **common, channel=Channel.INAPP, read_at=datetime.datetime.now(datetime.UTC)
        )
        Notification.objects.create(**{**common, "key": f"assignment:{cls.assignment_a.pk}:2"}, channel=Channel.INAPP)
        cls.outbox_row = Notification.objects.create(**common, channel=Channel.EMAIL, state=Notification.State.FAILED)
        cls.line_code = notify_services.line_code_issue(user=cls.user_b).line_code
        cls.user_feed_token = notify_services.preference_for(cls.user_a).calendar_token
        cls.agency_feed_token = notify_services.agency_setting_for(cls.agency_a).calendar_token

    def users(self):
        return {
            "anonymous": None,
            "secretariat": self.secretariat,
            "agency_a": self.user_a,
            "agency_b": self.user_b,
            "executive": self.executive,
        }

    def routes(self) -> dict[str, str | None]:
        return dict(url_patterns(get_resolver().url_patterns))

    def url_of(self, route: str, row: Row) -> str:
        url = reverse(row.name, kwargs=row.kwargs(self))
        # A second pattern reusing the name would reverse to one of the two only.
        self.assertEqual(resolve(url).route, route, f"{row.name!r} reverses to another pattern than {route!r}")
        return url

    def request(self, client: Client, method: str, url: str, data: dict | None = None, sent_as: dict | None = None):
        """One request whose writes are undone afterwards; the answer and what it changed."""
        with transaction.atomic():
            before = snapshot()
            response = client.get(url) if method == "GET" else client.post(url, data or {}, **(sent_as or {}))
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end, so the client closes the file
            changed = changed_tables(before, snapshot())
            transaction.set_rollback(True)
        return response, changed


class PermissionMatrixTests(MatrixData):
    def test_it_has_a_row_for_every_url_pattern(self):
        routes = self.routes()
        problems = [missing_row(route, name) for route, name in routes.items() if route not in EXPECTED]
        problems += [
            f"EXPECTED has a row for {route!r}, which is not a URL pattern any more"
            for route in EXPECTED
            if route not in routes
        ]
        problems += [
            f"EXPECTED[{route!r}] names {EXPECTED[route].name!r} but the pattern is named {name!r}"
            for route, name in routes.items()
            if route in EXPECTED and EXPECTED[route].name != name
        ]
        self.assertEqual(problems, [], "\n".join(problems))

    def test_it_answers_every_url_for_every_role_and_method_as_the_table_says(self):
        problems = []
        checked = set()
        for route in sorted(set(self.routes()) & set(EXPECTED)):
            row = EXPECTED[route]
            url = self.url_of(route, row)
            data = row.data(self, url)
            for role, user in self.users().items():
                for method in ("GET", "POST"):
                    self.login(user)
                    response, changed = self.request(self.client, method, url, data, row.sent_as(self))
                    checked.add((route, role, method))
                    expected = (row.get if method == "GET" else row.post)[role]
                    where = f"{role} {method} {url} ({route!r})"
                    if response.status_code != expected:
                        problems.append(f"{where}: expected {expected}, got {response.status_code}")
                    elif (
                        role == "anonymous"
                        and expected == 302
                        and not row.open
                        and response["Location"] != login_redirect(url)
                    ):
                        problems.append(f"{where}: redirected to {response['Location']}, not to the login page")
                    writes = method == "POST" and role in row.writers
                    if writes and not changed:
                        problems.append(f"{where}: answered {response.status_code} but changed nothing")
                    elif changed and not writes:
                        problems.append(f"{where}: must change nothing, changed {', '.join(changed)}")
        if problems:
            self.fail(f"{len(problems)} permission problem(s):\n" + "\n".join(problems))
        # Every row was asked by every role with both methods (not only the ones that answered).
        self.assertEqual(len(checked), len(EXPECTED) * len(ROLES) * 2)

    def test_it_refuses_every_post_without_a_csrf_token(self):
        """Behind the same URLs, a client that checks CSRF tokens: a POST without the
        token is refused (403) and changes nothing, whoever sends it."""
        csrf_client = Client(enforce_csrf_checks=True)
        problems = []
        refusals = self.enterContext(self.assertLogs("django.security.csrf", "WARNING"))
        for route in sorted(set(self.routes()) & set(EXPECTED)):
            row = EXPECTED[route]
            url = self.url_of(route, row)
            data = row.data(self, url)
            role = min(row.writers) if row.writers else "secretariat"
            csrf_client.force_login(self.users()[role])
            response, changed = self.request(csrf_client, "POST", url, data, row.sent_as(self))
            if route in CSRF_EXEMPT:
                # not refused for the token (no refusal logged), but answered as the table says
                if response.status_code != row.post[role] or bool(changed) != (role in row.writers):
                    problems.append(f"{role} POST {url} (CSRF-exempt): {response.status_code}, changed {changed}")
                continue
            if response.status_code != 403 or changed:
                problems.append(f"{role} POST {url} without a CSRF token: {response.status_code}, changed {changed}")
            # The same client, with the token of a page it opened, is let through.
            if row.writers:
                csrf_client.get(reverse("home"))
                token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
                response, changed = self.request(csrf_client, "POST", url, {**data, "csrfmiddlewaretoken": token})
                if response.status_code == 403 or not changed:
                    problems.append(f"{role} POST {url} with the token: {response.status_code}, changed nothing")
        self.assertEqual(problems, [], "\n".join(problems))
        self.assertEqual(
            len(refusals.records), len(EXPECTED) - len(CSRF_EXEMPT), "one CSRF refusal logged per URL not exempt"
        )
