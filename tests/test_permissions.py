"""Every URL × every role, against a table of expected status codes.

A new URL without a row in EXPECTED fails this test: decide who may open it, then
add the row. (pretix's test_permissions.py does the same.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from directives import services
from directives.models import Status, today
from meetings.services import letter_create, meeting_create
from minutes import services as minutes_services
from tests.base import TempMediaMixin, TrackerTestCase, login_redirect, png_upload

ROLES = ("anonymous", "secretariat", "agency_a", "agency_b", "executive")

# Not ours to police: Django's admin has its own permission system, and the login and
# logout views are what anonymous visitors are sent to.
SKIPPED_PREFIXES = ("admin/",)
SKIPPED_NAMES = {"login", "logout"}


@dataclass(frozen=True)
class Row:
    """Expected GET status per role. Objects in ``kwargs`` belong to agency A, so
    agency B is "another agency" and must get 404 wherever an object is agency-owned."""

    kwargs: Callable[[PermissionMatrixTests], dict]
    secretariat: int
    agency_a: int
    agency_b: int
    executive: int
    anonymous: int = 302


def no_kwargs(t):
    return {}


def everyone(kwargs=no_kwargs) -> Row:
    return Row(kwargs, secretariat=200, agency_a=200, agency_b=200, executive=200)


def secretariat_only(kwargs=no_kwargs, *, other_agency: int = 403) -> Row:
    return Row(kwargs, secretariat=200, agency_a=403, agency_b=other_agency, executive=403)


def post_only(kwargs) -> Row:
    return Row(kwargs, secretariat=405, agency_a=405, agency_b=405, executive=405)


def readers_and_own_agency(kwargs) -> Row:
    return Row(kwargs, secretariat=200, agency_a=200, agency_b=404, executive=200)


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
    return {"pk": t.later.pk}


def agenda_item(t):
    return {"pk": t.item.pk}


EXPECTED: dict[str, Row] = {
    # the load balancer's health check: no login, nothing private in it
    "healthz": Row(no_kwargs, secretariat=200, agency_a=200, agency_b=200, executive=200, anonymous=200),
    # agencies
    "agency_list": everyone(),
    "agency_detail": readers_and_own_agency(agency),
    # meetings: circulated to every agency, written by the secretariat
    "meeting_list": everyone(),
    "meeting_detail": everyone(meeting),
    "meeting_create": secretariat_only(),
    "meeting_edit": secretariat_only(meeting),
    # letters (หนังสือสั่งการ): read like meetings by every role, written by the secretariat
    "letter_list": everyone(),
    "search": everyone(),
    "letter_create": secretariat_only(),
    "letter_detail": everyone(letter),
    "letter_edit": secretariat_only(letter),
    "letter_directive_create": secretariat_only(lambda t: {"letter_pk": t.letter.pk}),
    "letter_summary_pdf": everyone(letter),
    "letter_followup_pdf": everyone(letter),
    # directives
    "home": everyone(),
    "inbox": Row(no_kwargs, secretariat=403, agency_a=200, agency_b=200, executive=403),
    "directive_list": everyone(),
    "directive_detail": readers_and_own_agency(directive),
    "directive_edit": secretariat_only(directive, other_agency=404),
    "directive_close": post_only(directive),
    "directive_reopen": post_only(directive),
    "directive_create": secretariat_only(lambda t: {"meeting_pk": t.meeting.pk}),
    "directive_bulk": secretariat_only(lambda t: {"meeting_pk": t.meeting.pk}),
    "directive_suggest_agencies": secretariat_only(),
    "assignment_detail": readers_and_own_agency(assignment),
    "assignment_acknowledge": post_only(assignment),
    "assignment_extension": Row(assignment, secretariat=403, agency_a=200, agency_b=404, executive=403),
    "report_review": Row(lambda t: {"pk": t.report_a.pk}, secretariat=200, agency_a=403, agency_b=404, executive=403),
    "attachment_download": readers_and_own_agency(lambda t: {"pk": t.attachment.pk}),
    # printed documents
    "meeting_summary_pdf": everyone(meeting),
    "meeting_followup_pdf": everyone(meeting),
    "agency_report_pdf": readers_and_own_agency(agency),
    # minutes: read by every role, written by the secretariat, corrections from agencies
    "minutes_detail": everyone(minutes_meeting),
    "minutes_pdf": everyone(minutes_meeting),
    "minutes_start": post_only(meeting),
    "minutes_edit": secretariat_only(minutes_meeting),
    "minutes_letter": secretariat_only(minutes_meeting),
    "minutes_attendees": secretariat_only(minutes_meeting),
    "minutes_attendees_add": post_only(minutes_meeting),
    "minutes_section_edit": secretariat_only(lambda t: {"pk": t.later.pk, "number": 4}),
    "minutes_item_create": secretariat_only(lambda t: {"pk": t.later.pk, "number": 4}),
    "minutes_item_edit": secretariat_only(agenda_item),
    "minutes_item_delete": post_only(agenda_item),
    "minutes_item_directive": secretariat_only(agenda_item),
    "minutes_circulate": post_only(minutes_meeting),
    "minutes_certify_previous": post_only(minutes_meeting),
    "minutes_correction_create": post_only(minutes_meeting),
    "minutes_correction_decide": post_only(lambda t: {"pk": t.correction.pk}),
    # imports: the secretariat's tool; a preview lives in the session of whoever uploaded
    "import_new": secretariat_only(),
    "import_preview": Row(
        lambda t: {"token": "no-such-import"}, secretariat=404, agency_a=403, agency_b=403, executive=403
    ),
}


def url_names(patterns, prefix: str = ""):
    """(name, route) of every URL pattern, descending into includes."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route.startswith(SKIPPED_PREFIXES):
                continue
            yield from url_names(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and entry.name not in SKIPPED_NAMES:
            yield entry.name, route


class PermissionMatrixTests(TempMediaMixin, TrackerTestCase):
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
        cls.later = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        minutes = minutes_services.minutes_start(meeting=cls.later, by=cls.secretariat)
        section = minutes.sections.get(number=4)
        cls.item = minutes_services.item_create(section=section, title="เรื่องเพื่อทราบ", by=cls.secretariat)
        minutes_services.minutes_circulate(
            minutes=minutes, deadline=today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        cls.correction = minutes_services.correction_request(
            minutes=minutes, section=section, text="ขอแก้ชื่อ", agency=cls.agency_a, by=cls.user_a
        )

    def users(self):
        return {
            "anonymous": None,
            "secretariat": self.secretariat,
            "agency_a": self.user_a,
            "agency_b": self.user_b,
            "executive": self.executive,
        }

    def test_it_answers_every_url_for_every_role_as_the_table_says(self):
        found = list(url_names(get_resolver().url_patterns))
        names = [name for name, _ in found]
        problems = [
            f"URL {route!r} has no name; name it and add a row to EXPECTED" for name, route in found if not name
        ]
        problems += [
            f"URL {name!r} ({route}) has no row in EXPECTED: decide who may open it and add one"
            for name, route in found
            if name and name not in EXPECTED
        ]
        problems += [
            f"EXPECTED has a row for {name!r}, which is not a URL any more" for name in EXPECTED if name not in names
        ]
        checked = 0
        for name in sorted({n for n in names if n in EXPECTED}):
            row = EXPECTED[name]
            url = reverse(name, kwargs=row.kwargs(self))
            for role, user in self.users().items():
                self.login(user)
                response = self.client.get(url)
                expected = getattr(row, role)
                checked += 1
                if response.status_code != expected:
                    problems.append(f"{role} GET {url} ({name}): expected {expected}, got {response.status_code}")
                elif role == "anonymous" and expected == 302 and response["Location"] != login_redirect(url):
                    problems.append(f"anonymous GET {url} ({name}): redirected to {response['Location']}, not login")
                if response.streaming:
                    b"".join(response.streaming_content)  # read to the end, so the client closes the file
        if problems:
            self.fail(f"{len(problems)} permission problem(s):\n" + "\n".join(problems))
        self.assertEqual(checked, len(EXPECTED) * len(ROLES))
