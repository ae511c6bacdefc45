"""The cast every view test needs, built once per class (setUpTestData)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.test import TestCase

from agencies.models import Agency, AgencyGroup, Profile
from directives import services
from directives.models import today
from meetings.models import MeetingSeries
from meetings.services import meeting_create


def make_user(username: str, role: str, agency: Agency | None = None) -> User:
    user = User.objects.create_user(username, password="pw", first_name=username)
    Profile.objects.create(user=user, role=role, agency=agency)
    return user


class TrackerTestCase(TestCase):
    """Secretariat, agency A's user, agency B's user, an executive and anonymous."""

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
