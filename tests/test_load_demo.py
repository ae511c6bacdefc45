"""manage.py load_demo: the real Lampang reference data, the seed meeting and the seed letter."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Q
from django.http import HttpRequest
from django.test import TestCase, override_settings

from agencies.models import Agency, AgencyGroup, Profile
from directives.models import Assignment, Directive, ProgressReport, ResponsibleParty, Status, Strategy, today
from lampang_tracker.thai import arabic_digits
from meetings.models import Letter, Meeting, MeetingSeries

SEEDS = Path(settings.BASE_DIR) / "tests" / "data"
MEETING_SEED = SEEDS / "meeting-summary-lampang-10-2560.txt"
STRATEGIES_SEED = SEEDS / "lampang-pao-strategies.txt"
LETTER_SEED = SEEDS / "moi-letter-soft-power-2567.txt"

DISTRICTS = [
    "เมืองลำปาง",
    "แม่เมาะ",
    "เกาะคา",
    "เสริมงาม",
    "งาว",
    "แจ้ห่ม",
    "วังเหนือ",
    "เถิน",
    "แม่พริก",
    "แม่ทะ",
    "สบปราบ",
    "ห้างฉัตร",
    "เมืองปาน",
]
NUMBERS = ["1", "2", "3", "4", "5", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6"]
ALL_AGENCIES = "ทุกส่วนราชการ/หน่วยงาน"

# The หน่วยงานรับผิดชอบ column as it must print: the source's words, without the
# spaces the PDF put there only to wrap lines.
EXPECTED_PARTIES = {
    "1": ["สำนักงานศึกษาธิการจังหวัดลำปาง"],
    "2": ["สำนักงานวัฒนธรรมจังหวัดลำปาง"],
    "3": ["สำนักงานปศุสัตว์จังหวัดลำปาง"],
    "4": ["สำนักงานสาธารณสุขจังหวัดลำปาง", ALL_AGENCIES],
    "5": ["สำนักงานท่องเที่ยวและกีฬาจังหวัดลำปาง", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง", ALL_AGENCIES],
    "6": ["สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง", "เทศบาลนครลำปาง", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"],
    "7": [],
    "7.1": ["สำนักงานจังหวัดลำปาง และหน่วยงานที่เกี่ยวข้อง"],
    "7.2": [ALL_AGENCIES],
    "7.3": ["ทุกส่วนราชการ/หน่วยงานที่ได้รับการจัดสรรงบฯ"],
    "7.4": ["ที่ทำการปกครองจังหวัดลำปาง และส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"],
    "7.5": ["สำนักงานพระพุทธศาสนาจังหวัด และหน่วยงานที่เกี่ยวข้อง"],
    "7.6": ["สำนักงานเกษตรจังหวัด", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด"],
}


def seed_rows() -> list[list[str]]:
    """The table rows of the meeting-summary seed: ลำดับ, ประเด็น, หน่วยงานรับผิดชอบ."""
    lines = MEETING_SEED.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.count("\t") == 2 and not line.startswith("ลำดับ\t")]


def seed_items() -> dict[str, tuple[str, str]]:
    """number -> (heading, text), read independently of the fixture.

    A row with an empty ลำดับ continues the item before it (a page break);
    ``<p>`` paragraphs join with a blank line; "๗.๑ …" paragraphs start sub-items.
    """
    items: dict[str, list[str]] = {}
    current = ""
    for number_cell, issue_cell, _ in seed_rows():
        if number_cell:
            current = arabic_digits(number_cell)
            items[current] = ["", ""]
        for paragraph in re.findall(r"<p>(.*?)</p>", issue_cell) or [issue_cell]:
            if match := re.match(r"^<u>(.*?)</u> ?(.*)$", paragraph):
                items[current][0], paragraph = match[1], match[2]
            if match := re.match(r"^([๐-๙]+\.[๐-๙]+) (.*)$", paragraph):
                current = arabic_digits(match[1])
                items[current] = ["", match[2]]
            elif paragraph:
                items[current][1] = "\n\n".join(part for part in (items[current][1], paragraph) if part)
    return {number: (heading, text) for number, (heading, text) in items.items()}


def load_demo(**env: str) -> str:
    out = io.StringIO()
    with mock.patch.dict(os.environ, env):
        if "DEMO_PASSWORD" not in env:
            os.environ.pop("DEMO_PASSWORD", None)
        call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [
        Agency,
        AgencyGroup,
        AgencyGroup.members.through,
        Strategy,
        MeetingSeries,
        Meeting,
        Letter,
        Directive,
        ResponsibleParty,
        Assignment,
        ProgressReport,
        get_user_model(),
        Profile,
    ]
    counts = {model._meta.label: model.objects.count() for model in models}
    for model in [
        Agency,
        AgencyGroup,
        Meeting,
        Letter,
        Directive,
        ResponsibleParty,
        Assignment,
        ProgressReport,
        Profile,
    ]:
        counts[f"{model._meta.label} history"] = model.history.count()
    return counts


@override_settings(DEBUG=True)
class LoadDemoTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()
        cls.meeting = Meeting.objects.get(series__name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง", number=10, year_be=2560)

    def directive(self, number: str) -> Directive:
        return Directive.objects.get(meeting=self.meeting, number=number)

    def test_it_loads_at_least_40_agencies_including_the_13_districts(self):
        self.assertGreaterEqual(Agency.objects.count(), 40)
        districts = Agency.objects.filter(kind=Agency.Kind.DISTRICT)
        self.assertEqual(sorted(districts.values_list("name", flat=True)), sorted(f"อำเภอ{d}" for d in DISTRICTS))
        for name in ["สำนักงานวัฒนธรรมจังหวัดลำปาง", "เทศบาลนครลำปาง", "องค์การบริหารส่วนจังหวัดลำปาง"]:
            self.assertTrue(Agency.objects.filter(name=name).exclude(short_name="").exists(), name)

    def test_it_loads_the_groups_with_their_members(self):
        every_agency = AgencyGroup.objects.get(name=ALL_AGENCIES)
        self.assertEqual(
            set(every_agency.members.all()),
            set(Agency.objects.filter(kind__in=[Agency.Kind.PROVINCIAL, Agency.Kind.CENTRAL])),
        )
        self.assertEqual(
            set(AgencyGroup.objects.get(name="ทุกอำเภอ").members.all()), set(Agency.objects.filter(kind="district"))
        )

    def test_it_loads_the_six_strategies_named_as_in_the_seed(self):
        seed = STRATEGIES_SEED.read_text(encoding="utf-8")
        names = {int(m[1]): m[2].strip() for m in re.finditer(r"^ยุทธศาสตร์ที่ (\d+)\s+(.*)$", seed, re.M)}
        self.assertEqual(dict(Strategy.objects.values_list("number", "name")), names)
        self.assertIn("1 \xa0ส่งเสริมศักยภาพผู้สูงอายุ", Strategy.objects.get(number=1).goal)

    def test_it_loads_the_seed_meeting_with_items_1_to_7_and_7_1_to_7_6(self):
        self.assertEqual(self.meeting.date.isoformat(), "2017-11-29")
        self.assertEqual(self.meeting.start_time.strftime("%H:%M"), "09:30")
        self.assertEqual(self.meeting.venue, "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง")
        self.assertEqual(self.meeting.series.office_line, "กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔")
        self.assertEqual(list(self.meeting.directives.in_print_order().values_list("number", flat=True)), NUMBERS)
        seven = self.directive("7")
        self.assertEqual((seven.heading, seven.text), ("ประเด็นอื่น ๆ", ""))
        self.assertEqual(sorted(seven.children.values_list("number", flat=True)), NUMBERS[7:])

    def test_it_keeps_every_heading_and_text_exactly_as_the_seed(self):
        seed = seed_items()
        self.assertEqual(list(seed), NUMBERS)
        loaded = {d.number: (d.heading, d.text) for d in self.meeting.directives.all()}
        self.assertEqual({n: heading for n, (heading, _) in loaded.items()}, {n: h for n, (h, _) in seed.items()})
        for number in NUMBERS:
            with self.subTest(number=number):
                self.assertEqual(loaded[number][1], seed[number][1])
        # The source's own spellings survive.
        self.assertIn("ครอบครัวยุบอุ่น", self.directive("4").heading)
        self.assertIn("ถือปฏิบัติกรดำเนินงาน", self.directive("7.3").text)
        self.assertIn("ในทิศทางเดียวกัน\n\nขณะนี้ จังหวัดฯ", self.directive("5").text)
        self.assertEqual(self.directive("6").text.count("\n\n"), 1)

    def test_it_prints_the_responsible_parties_as_written(self):
        for number, expected in EXPECTED_PARTIES.items():
            with self.subTest(number=number):
                directive = self.directive(number)
                self.assertEqual([party.text for party in directive.parties.all()], expected)
                self.assertEqual(directive.parties_bulleted, number in {"5", "6", "7.6"})

    def test_it_keeps_every_word_of_the_seeds_responsible_column(self):
        def squash(text: str) -> str:
            return re.sub(r"</?p>|[\s-]", "", text)

        source = "".join(squash(column) for _, _, column in seed_rows())
        loaded = "".join(squash(party.text) for number in NUMBERS for party in self.directive(number).parties.all())
        self.assertEqual(loaded, source)

    def test_it_assigns_agencies_through_the_services(self):
        culture = Agency.objects.get(name="สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertEqual([a.agency for a in self.directive("2").assignments.all()], [culture])
        group_size = AgencyGroup.objects.get(name=ALL_AGENCIES).members.count()
        self.assertEqual(self.directive("7.2").assignments.count(), group_size)
        # "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง" only prints; the named agencies lead.
        six = self.directive("6").assignments.all()
        self.assertEqual({a.agency.name for a in six}, {"สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง", "เทศบาลนครลำปาง"})
        tourism = self.directive("5").assignments.get(role=Assignment.Role.LEAD)
        self.assertEqual(tourism.agency.name, "สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง")
        self.assertFalse(self.directive("7").assignments.exists())

    def test_it_creates_demo_users_for_every_role_and_assigned_agency(self):
        roles = dict(Profile.objects.values_list("user__username", "role"))
        self.assertEqual(roles["secretariat"], Profile.Role.SECRETARIAT)
        self.assertEqual(roles["executive"], Profile.Role.EXECUTIVE)
        assigned = Agency.objects.filter(
            Q(assignments__directive__meeting=self.meeting) | Q(assignments__directive__letter__isnull=False)
        ).distinct()
        self.assertEqual(
            set(Profile.objects.filter(role=Profile.Role.AGENCY).values_list("agency", flat=True)),
            set(assigned.values_list("pk", flat=True)),
        )
        for username, agency in [
            ("culture", "สำนักงานวัฒนธรรมจังหวัดลำปาง"),
            ("education", "สำนักงานศึกษาธิการจังหวัดลำปาง"),
            ("nakhon", "เทศบาลนครลำปาง"),
        ]:
            self.assertEqual(Profile.objects.get(user__username=username).agency.name, agency)
        self.assertIn("culture", self.output)
        self.assertIn("education", self.output)

    def test_it_publishes_the_demo_meeting_on_the_open_data_page_and_not_the_letter(self):
        self.assertTrue(self.meeting.is_published)
        self.assertIsNotNone(self.meeting.published_at)
        self.assertFalse(Letter.objects.get().is_published)
        published = Directive.objects.published()
        self.assertEqual(set(published.values_list("meeting_id", flat=True)), {self.meeting.pk})
        self.assertEqual(published.count(), self.meeting.directives.count())

    def test_it_loads_the_seed_letter_with_its_four_directives(self):
        letter = Letter.objects.get()
        self.assertEqual(letter.number, "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertEqual(letter.date.isoformat(), "2024-12-07")
        self.assertEqual(letter.urgency, "ด่วนที่สุด")
        self.assertTrue(letter.subject.startswith("การขับเคลื่อนนโยบายสำคัญของกระทรวงมหาดไทย ด้านเศรษฐกิจ"))
        self.assertIn("ที่ มท ๐๒๑๑.๖/ว ๑๑๓๐๓ ลงวันที่ ๒๕ ตุลาคม ๒๕๖๗", letter.reference)
        self.assertNotIn("/๓. ขอให้จังหวัด...", letter.body)  # the page-foot continuation line is not text
        directives = list(letter.directives.in_print_order())
        self.assertEqual([d.number for d in directives], ["1", "2", "3", "4"])
        seed = re.sub(r"\s+", "", LETTER_SEED.read_text(encoding="utf-8"))
        for directive in directives:
            with self.subTest(number=directive.number):
                self.assertIn(re.sub(r"\s+", "", directive.text), seed)  # every word as the letter has it
        fourth = directives[3]
        self.assertEqual((fourth.report_day, fourth.report_until.isoformat()), (25, "2025-09-30"))
        self.assertEqual(fourth.reporting_cycle_label, "รายงานทุกวันที่ ๒๕ ของเดือน จนถึง ๓๐ กันยายน ๒๕๖๘")
        districts = Agency.objects.filter(kind=Agency.Kind.DISTRICT, is_active=True).count()
        self.assertEqual(directives[1].assignments.filter(agency__kind=Agency.Kind.DISTRICT).count(), districts)
        self.assertEqual(
            [p.text for p in directives[0].parties.all()][:3],
            ["สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง", "สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", "สำนักงานวัฒนธรรมจังหวัดลำปาง"],
        )
        report = ProgressReport.objects.get(assignment__directive=fourth)
        self.assertEqual(report.assignment.agency.name, "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง")
        self.assertEqual(fourth.state, Status.IN_PROGRESS)
        self.assertIn("letter: หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕", self.output)

    def test_it_lets_culture_and_education_log_in_with_the_demo_password(self):
        # django-axes checks every authenticate() call and needs a request to count by;
        # the test client passes none, so give it a blank one (as the axes docs advise).
        for username in ["culture", "education", "secretariat", "executive"]:
            self.assertTrue(self.client.login(request=HttpRequest(), username=username, password="demo"), username)
        with self.assertLogs("axes", "WARNING"):  # a failed login is logged
            self.assertFalse(self.client.login(request=HttpRequest(), username="culture", password="wrong"))

    def test_it_shows_every_state_and_inbox_bucket(self):
        on = today()
        assignments = Assignment.objects.filter(directive__meeting=self.meeting)
        self.assertTrue(assignments.overdue(on).exists())
        self.assertTrue(assignments.due_soon(on).exists())
        self.assertTrue(assignments.filter(is_open=True, due_date__isnull=True).exists())
        self.assertTrue(assignments.filter(acknowledged_at__isnull=False, reports__isnull=True).exists())
        reports = ProgressReport.objects.filter(assignment__directive__meeting=self.meeting)
        self.assertTrue(reports.filter(review=ProgressReport.Review.ACCEPTED).exists())
        self.assertTrue(reports.filter(review=ProgressReport.Review.RETURNED).exists())
        extension = reports.get(status=Status.EXTENSION)
        self.assertEqual(extension.review, ProgressReport.Review.PENDING)
        self.assertEqual(self.directive("1").state, Status.EXTENSION)

    def test_it_changes_nothing_when_run_twice(self):
        before = row_counts()
        output = load_demo()
        self.assertEqual(row_counts(), before)
        self.assertIn("nothing (already loaded)", output)

    def test_it_leaves_edited_demo_data_alone(self):
        culture = Agency.objects.get(name="สำนักงานวัฒนธรรมจังหวัดลำปาง")
        culture.short_name = "วธ.ลป."
        culture.save()
        load_demo()
        culture.refresh_from_db()
        self.assertEqual(culture.short_name, "วธ.ลป.")

    def test_it_leaves_the_id_sequences_ready_for_new_rows(self):
        # Fixture rows carry explicit pks; on PostgreSQL the sequences must follow.
        agency = Agency.objects.create(name="สำนักงานทดสอบจังหวัดลำปาง")
        group = AgencyGroup.objects.create(name="กลุ่มทดสอบ")
        strategy = Strategy.objects.create(number=7, name="ยุทธศาสตร์ทดสอบ")
        self.assertGreater(agency.pk, Agency.objects.exclude(pk=agency.pk).order_by("-pk").first().pk)
        self.assertGreater(group.pk, 2)
        self.assertGreater(strategy.pk, 6)

    @override_settings(DEBUG=False)
    def test_it_refuses_to_run_with_debug_off(self):
        before = row_counts()
        with self.assertRaisesMessage(CommandError, "DEBUG"):
            load_demo()
        self.assertEqual(row_counts(), before)


@override_settings(DEBUG=True)
class LoadDemoPasswordTest(TestCase):
    def test_it_takes_the_password_from_demo_password(self):
        load_demo(DEMO_PASSWORD="s3cret-demo")
        self.assertTrue(self.client.login(request=HttpRequest(), username="education", password="s3cret-demo"))
        with self.assertLogs("axes", "WARNING"):
            self.assertFalse(self.client.login(request=HttpRequest(), username="education", password="demo"))
