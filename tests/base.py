"""The cast every view test needs, built once per class (setUpTestData)."""

from __future__ import annotations

import datetime
import logging
import shutil
import struct
import tempfile
import zlib
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.test import TestCase, override_settings

from agencies.models import Agency, AgencyGroup, Profile
from directives import services
from directives.models import Directive, today
from meetings.models import Meeting, MeetingSeries
from meetings.services import meeting_create

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(username: str, role: str, agency: Agency | None = None) -> User:
    user = User.objects.create_user(username, password="pw", first_name=username)
    Profile.objects.create(user=user, role=role, agency=agency)
    return user


def login_redirect(path: str) -> str:
    """Where LoginRequiredMiddleware sends an anonymous visitor of ``path``."""
    return f"{resolve_url(settings.LOGIN_URL)}?next={quote(path)}"


def png_bytes() -> bytes:
    """A real 1×1 PNG, so anything that sniffs the file sees an image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def png_upload(name: str = "หลักฐาน.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


class TempMediaMixin:
    """Uploads go to a throw-away directory for the whole class (setUpTestData
    included), never into the project's var/uploads or the static tree."""

    @classmethod
    def setUpClass(cls):
        cls.media_root = tempfile.mkdtemp(prefix="lampang-media-")
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": cls.media_root, "base_url": None},
            },
        }
        media = override_settings(MEDIA_ROOT=cls.media_root, STORAGES=storages)
        media.enable()
        cls.addClassCleanup(shutil.rmtree, cls.media_root, True)
        cls.addClassCleanup(media.disable)
        super().setUpClass()


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class TrackerTestCase(TestCase):
    """Secretariat, agency A's user, agency B's user, an executive and anonymous."""

    @classmethod
    def setUpClass(cls):
        # 403/404 answers are what these tests expect; keep their tracebacks out of the output.
        request_logger = logging.getLogger("django.request")
        cls.addClassCleanup(request_logger.setLevel, request_logger.level)
        request_logger.setLevel(logging.ERROR)
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        cls.agency_a = Agency.objects.create(name="สำนักงานวัฒนธรรมจังหวัดลำปาง", short_name="วธ.ลป.", print_order=1)
        cls.agency_b = Agency.objects.create(name="สำนักงานศึกษาธิการจังหวัดลำปาง", short_name="ศธจ.ลป.", print_order=2)
        cls.district = Agency.objects.create(name="อำเภอเกาะคา", kind=Agency.Kind.DISTRICT, print_order=50)
        cls.group = AgencyGroup.objects.create(name="ทุกอำเภอ")
        cls.group.members.add(cls.district)
        cls.secretariat = make_user("secretariat", Profile.Role.SECRETARIAT)
        cls.user_a = make_user("culture", Profile.Role.AGENCY, cls.agency_a)
        cls.user_b = make_user("education", Profile.Role.AGENCY, cls.agency_b)
        cls.executive = make_user("executive", Profile.Role.EXECUTIVE)
        cls.series = MeetingSeries.objects.create(
            name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง",
            summary_title="สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ",
            office_line="กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔",
        )
        cls.meeting = meeting_create(
            by=cls.secretariat,
            series=cls.series,
            number=10,
            year_be=2560,
            date=datetime.date(2017, 11, 29),
            start_time=datetime.time(9, 30),
            venue="ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
        )
        cls.directive = services.directive_create(
            meeting=cls.meeting,
            number="2",
            heading="วาระรักลำปาง",
            text="ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์",
            due_date=today() + datetime.timedelta(days=30),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        cls.assignment_a = cls.directive.assignments.get(agency=cls.agency_a)
        cls.directive_b = services.directive_create(
            meeting=cls.meeting,
            number="1",
            text="ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการ",
            due_date=today() - datetime.timedelta(days=3),
            parties=services.parties_from(agencies=[cls.agency_b]),
            by=cls.secretariat,
        )
        cls.assignment_b = cls.directive_b.assignments.get(agency=cls.agency_b)
        cls.report_a = services.progress_report(
            assignment=cls.assignment_a, text="จัดประชุมชี้แจงแล้ว", status="in_progress", percent=30, by=cls.user_a
        )

    # -- helpers -------------------------------------------------------------

    def login(self, user: User | None) -> None:
        """Sign ``user`` in (None stays anonymous); force_login skips the hasher."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)

    def assertLoginRedirect(self, response, path: str) -> None:
        self.assertRedirects(response, login_redirect(path), fetch_redirect_response=False)


class SpreadMixin:
    """Many rows over many agencies, for the assertNumQueries tests: a page's query
    count must not grow when rows are added (no N+1)."""

    spread_counter = 0

    @classmethod
    def spread_agencies(cls, count: int, *, prefix: str = "หน่วยงานทดสอบ") -> list[Agency]:
        start = Agency.objects.count()
        return [
            Agency.objects.create(
                name=f"{prefix} {start + i}", short_name=f"ทส.{start + i}", print_order=100 + start + i
            )
            for i in range(count)
        ]

    @classmethod
    def spread_rows(
        cls,
        *,
        agencies: list[Agency],
        directives: int,
        by: User,
        reporters: dict[int, User] | None = None,
        meeting: Meeting | None = None,
        group: AgencyGroup | None = None,
        always: Agency | None = None,
    ) -> list[Directive]:
        """``directives`` new directives (in ``meeting`` or in a new meeting), each
        assigned to three of ``agencies`` in turn (plus ``always`` if given), some
        overdue, some with a report by the agency's user from ``reporters``, every
        third one naming ``group`` and a free-text party as well."""
        reporters = reporters or {}
        SpreadMixin.spread_counter += 1
        if meeting is None:
            series = MeetingSeries.objects.order_by("pk").first()
            meeting = meeting_create(
                by=by,
                series=series,
                number=100 + SpreadMixin.spread_counter,
                year_be=2567,
                date=datetime.date(2024, 1, 1) + datetime.timedelta(days=SpreadMixin.spread_counter),
                venue="ศาลากลางจังหวัดลำปาง",
            )
        made = []
        # "<batch>.<n>": unique in any meeting, and valid ลำดับ (at most three digits a level).
        batch = 10 + SpreadMixin.spread_counter
        for i in range(directives):
            chosen = [agencies[(i + k) % len(agencies)] for k in range(3)]
            if always is not None and always not in chosen:
                chosen.append(always)
            groups = [group] if group is not None and i % 3 == 0 else []
            free_text = ["ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"] if i % 3 == 0 else []
            directive = services.directive_create(
                meeting=meeting,
                number=f"{batch}.{i + 1}",
                heading=f"หัวข้อทดสอบ {i}" if i % 2 else "",
                text=f"ข้อสั่งการทดสอบที่ {batch}.{i + 1}",
                due_date=today() + datetime.timedelta(days=(i % 5) * 7 - 10),
                parties=services.parties_from(agencies=chosen, groups=groups, free_text=free_text),
                by=by,
            )
            for assignment in directive.assignments.select_related("agency"):
                reporter = reporters.get(assignment.agency_id)
                if reporter is not None or i % 2 == 0:
                    services.progress_report(
                        assignment=assignment,
                        text=f"รายงานความคืบหน้า {i}",
                        status="in_progress" if i % 4 else "done",
                        percent=50,
                        by=reporter or by,
                    )
            made.append(directive)
        return made
