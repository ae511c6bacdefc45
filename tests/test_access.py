"""The access helpers called directly, role by role: who gets the object, who gets
404 (another agency's object) and who gets 403, with the Thai message each says.
Fast enough for mutation testing (make mutate) to run after every mutant."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.test import RequestFactory

from agencies.access import get_agency_for_user, require_known_role, require_secretariat
from directives import access as directive_access
from directives import services
from directives.models import FollowUpIssue, Status, Strategy
from meetings.access import get_letter_for_user, get_meeting_for_user
from meetings.models import Meeting, MeetingSeries
from meetings.services import letter_create
from minutes import access as minutes_access
from minutes import services as minutes_services
from minutes.models import DirectiveOrigin, Section
from notifications.access import get_agency_for_calendar, get_notification_for_user
from notifications.models import Channel, Event, Notification
from people.access import get_person_for_user, require_people_reader
from tests.base import TempMediaMixin, TrackerTestCase, png_upload

SECRETARIAT_ONLY = "เฉพาะฝ่ายเลขานุการเท่านั้น"
NO_ROLE = "บัญชีนี้ยังไม่ได้กำหนดบทบาท กรุณาติดต่อฝ่ายเลขานุการ"
OK = "ok"


class AccessHelperTests(TempMediaMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.nobody = User.objects.create_user("nobody", password="pw")  # signed in, no role
        cls.superuser = User.objects.create_superuser("root", password="pw")  # no profile: the secretariat
        cls.letter = letter_create(
            number="มท ๐๒๑๑.๖/ว ๑", date=datetime.date(2024, 10, 1), subject="ทดสอบ", by=cls.secretariat
        )
        report = services.progress_report(
            assignment=cls.assignment_a, text="ภาพ", status=Status.IN_PROGRESS, files=[png_upload()], by=cls.user_a
        )
        cls.attachment = report.attachments.get()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        cls.section = cls.minutes.sections.get(number=Section.FOR_INFORMATION)
        cls.item = minutes_services.item_create(section=cls.section, title="เรื่องแจ้ง", by=cls.secretariat)
        minutes_services.minutes_circulate(
            minutes=cls.minutes, deadline=datetime.date.today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        cls.correction = minutes_services.correction_request(
            minutes=cls.minutes, section=cls.section, text="ขอแก้", agency=cls.agency_a, by=cls.user_a
        )
        # A second of everything, so that a lookup that forgets its pk or its minutes
        # finds two and fails, and relations that are filled in, to count queries on.
        cls.sub_directive = services.directive_create(
            meeting=cls.meeting,
            number="2.1",
            text="ข้อย่อย",
            parent=cls.directive,
            strategy=Strategy.objects.create(number=1, name="ยุทธศาสตร์ทดสอบ"),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        services.progress_report(
            assignment=cls.assignment_b, text="ภาพ", status=Status.IN_PROGRESS, files=[png_upload()], by=cls.user_b
        )
        later = Meeting.objects.create(series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27))
        other = minutes_services.minutes_start(meeting=later, by=cls.secretariat)
        cls.sub_item = minutes_services.item_create(
            section=cls.section, parent=cls.item, title="เรื่องย่อย", by=cls.secretariat
        )
        minutes_services.minutes_circulate(
            minutes=other, deadline=datetime.date.today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        minutes_services.correction_request(
            minutes=other, section=other.sections.get(number=1), text="ขอแก้", agency=cls.agency_b, by=cls.user_b
        )
        cls.letter_directive = services.directive_create(
            letter=cls.letter,
            number="1",
            text="ข้อสั่งการจากหนังสือ",
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        # minutes certified at the next meeting of another series
        board = MeetingSeries.objects.create(name="การประชุมกรมการจังหวัดลำปาง", summary_title="สรุปประเด็น")
        cls.certified_meeting = Meeting.objects.create(
            series=board, number=1, year_be=2561, date=datetime.date(2018, 1, 5)
        )
        certified = minutes_services.minutes_start(meeting=cls.certified_meeting, by=cls.secretariat)
        minutes_services.minutes_circulate(
            minutes=certified, deadline=datetime.date.today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        minutes_services.minutes_certify(
            minutes=certified,
            at_meeting=Meeting.objects.create(series=board, number=2, year_be=2561, date=datetime.date(2018, 2, 5)),
            by=cls.secretariat,
        )

    def request(self, user):
        request = RequestFactory().get("/")
        request.user = user
        return request

    def outcome(self, helper, user, *args, **kwargs):
        """OK with the object returned, or the exception's class and message."""
        try:
            result = helper(self.request(user), *args, **kwargs)
        except (Http404, PermissionDenied) as error:
            return type(error).__name__, str(error)
        return OK, result

    def assertOutcomes(self, helper, args, expected: dict, **kwargs):
        users = {
            "secretariat": self.secretariat,
            "superuser": self.superuser,
            "agency_a": self.user_a,
            "agency_b": self.user_b,
            "executive": self.executive,
            "nobody": self.nobody,
            "anonymous": AnonymousUser(),
        }
        for role, want in expected.items():
            with self.subTest(helper=helper.__name__, role=role, **kwargs):
                self.assertEqual(self.outcome(helper, users[role], *args, **kwargs), want)

    def test_it_lets_only_the_secretariat_pass_require_secretariat(self):
        refused = ("PermissionDenied", SECRETARIAT_ONLY)
        self.assertOutcomes(
            require_secretariat,
            (),
            {"secretariat": (OK, None), "superuser": (OK, None), "agency_a": refused, "executive": refused},
        )
        self.assertOutcomes(require_secretariat, (), {"nobody": refused, "anonymous": refused})

    def test_it_refuses_a_user_without_a_role(self):
        refused = ("PermissionDenied", NO_ROLE)
        for role in ("secretariat", "agency_a", "executive", "superuser"):
            self.assertOutcomes(require_known_role, (), {role: (OK, None)})
        self.assertOutcomes(require_known_role, (), {"nobody": refused, "anonymous": refused})
        for helper, args in (
            (get_agency_for_user, (self.agency_a.pk,)),
            (get_meeting_for_user, (self.meeting.pk,)),
            (get_letter_for_user, (self.letter.pk,)),
            (directive_access.get_directive_for_user, (self.directive.pk,)),
            (directive_access.get_assignment_for_user, (self.assignment_a.pk,)),
            (directive_access.get_report_for_review, (self.report_a.pk,)),
            (directive_access.get_attachment_for_user, (self.attachment.pk,)),
            (minutes_access.get_item_for_user, (self.item.pk,)),
            (minutes_access.get_correction_for_decision, (self.correction.pk,)),
            (minutes_access.require_agency_user, ()),
        ):
            self.assertOutcomes(helper, args, {"nobody": refused})

    def test_it_shows_an_agency_to_readers_and_its_own_users(self):
        own = (OK, self.agency_a)
        self.assertOutcomes(
            get_agency_for_user,
            (self.agency_a.pk,),
            {"secretariat": own, "executive": own, "agency_a": own, "agency_b": ("Http404", "ไม่พบหน่วยงาน")},
        )
        self.assertOutcomes(
            get_agency_for_user, (999999,), {"secretariat": ("Http404", "No Agency matches the given query.")}
        )

    def test_it_lets_everyone_read_meetings_and_letters_and_the_secretariat_write(self):
        for helper, obj in ((get_meeting_for_user, self.meeting), (get_letter_for_user, self.letter)):
            readers = {role: (OK, obj) for role in ("secretariat", "executive", "agency_a", "agency_b")}
            self.assertOutcomes(helper, (obj.pk,), readers)
            self.assertOutcomes(helper, (obj.pk,), readers | {}, write=False)
            refused = ("PermissionDenied", SECRETARIAT_ONLY)
            self.assertOutcomes(
                helper,
                (obj.pk,),
                {"secretariat": (OK, obj), "executive": refused, "agency_a": refused, "agency_b": refused},
                write=True,
            )
        self.assertEqual(get_meeting_for_user(self.request(self.secretariat), self.meeting.pk).series, self.series)

    def test_it_lists_an_agencys_own_directives_only(self):
        mine = directive_access.directives_for_user(self.request(self.user_a))
        # Which rows, not their order: the helper does not sort (a letter's directive has
        # no meeting, and SQLite and PostgreSQL put NULLs at opposite ends).
        self.assertCountEqual(list(mine), [self.directive, self.sub_directive, self.letter_directive])
        everything = directive_access.directives_for_user(self.request(self.executive))
        self.assertEqual(set(everything), {self.directive, self.sub_directive, self.directive_b, self.letter_directive})
        self.directive_b.is_archived = True
        self.directive_b.save()
        self.assertCountEqual(
            list(directive_access.directives_for_user(self.request(self.secretariat))),
            [self.directive, self.sub_directive, self.letter_directive],
        )
        with self.assertRaisesMessage(PermissionDenied, NO_ROLE):
            directive_access.directives_for_user(self.request(self.nobody))

    def test_it_hides_another_agencys_directive_and_lets_the_secretariat_write(self):
        own = (OK, self.directive)
        hidden = ("Http404", "ไม่พบข้อสั่งการ")
        refused = ("PermissionDenied", SECRETARIAT_ONLY)
        helper = directive_access.get_directive_for_user
        self.assertOutcomes(
            helper, (self.directive.pk,), {"secretariat": own, "executive": own, "agency_a": own, "agency_b": hidden}
        )
        self.assertOutcomes(
            helper,
            (self.directive.pk,),
            {"secretariat": own, "executive": refused, "agency_a": refused, "agency_b": hidden},
            write=True,
        )

    def test_it_lets_only_the_agency_report_on_its_assignment(self):
        own = (OK, self.assignment_a)
        helper = directive_access.get_assignment_for_user
        hidden = ("Http404", "ไม่พบงานนี้")
        self.assertOutcomes(
            helper, (self.assignment_a.pk,), {"secretariat": own, "executive": own, "agency_a": own, "agency_b": hidden}
        )
        refused = ("PermissionDenied", "เฉพาะหน่วยงานที่รับผิดชอบเท่านั้นที่รายงานผลได้")
        self.assertOutcomes(
            helper,
            (self.assignment_a.pk,),
            {"secretariat": refused, "executive": refused, "agency_a": own, "agency_b": hidden},
            write=True,
        )
        got = helper(self.request(self.user_a), self.assignment_a.pk)
        self.assertEqual(got.directive.meeting.series, self.series)

    def test_it_lets_only_the_secretariat_review_a_report(self):
        helper = directive_access.get_report_for_review
        refused = ("PermissionDenied", SECRETARIAT_ONLY)
        self.assertOutcomes(
            helper,
            (self.report_a.pk,),
            {
                "secretariat": (OK, self.report_a),
                "executive": refused,
                "agency_a": refused,
                "agency_b": ("Http404", "ไม่พบรายงาน"),
            },
        )

    def test_it_gives_an_attachment_to_readers_and_its_agency(self):
        own = (OK, self.attachment)
        self.assertOutcomes(
            directive_access.get_attachment_for_user,
            (self.attachment.pk,),
            {"secretariat": own, "executive": own, "agency_a": own, "agency_b": ("Http404", "ไม่พบไฟล์")},
        )

    def test_it_lets_only_agency_users_through_the_agency_pages(self):
        refused = ("PermissionDenied", "หน้านี้สำหรับผู้ใช้ของหน่วยงาน")
        self.assertOutcomes(
            directive_access.require_agency_user,
            (),
            {"agency_a": (OK, None), "agency_b": (OK, None), "secretariat": refused, "executive": refused},
        )

    def test_it_lets_everyone_read_minutes_and_the_secretariat_write_them(self):
        helper = minutes_access.get_minutes_for_user
        readers = {role: (OK, self.minutes) for role in ("secretariat", "executive", "agency_a", "agency_b")}
        self.assertOutcomes(helper, (self.meeting.pk,), readers)
        refused = ("PermissionDenied", SECRETARIAT_ONLY)
        self.assertOutcomes(
            helper,
            (self.meeting.pk,),
            {"secretariat": (OK, self.minutes), "executive": refused, "agency_a": refused},
            write=True,
        )
        later = Meeting.objects.create(series=self.series, number=12, year_be=2560, date=datetime.date(2018, 1, 31))
        self.assertOutcomes(helper, (later.pk,), {"secretariat": ("Http404", "การประชุมนี้ยังไม่มีรายงานการประชุม")})
        got = helper(self.request(self.executive), self.meeting.pk)
        self.assertEqual(got.meeting.series, self.series)

    def test_it_gives_sections_items_and_corrections_to_the_secretariat_only(self):
        refused = ("PermissionDenied", SECRETARIAT_ONLY)
        cases = (
            (minutes_access.get_section_for_user, (self.meeting.pk, Section.FOR_INFORMATION), self.section),
            (minutes_access.get_item_for_user, (self.item.pk,), self.item),
            (minutes_access.get_correction_for_decision, (self.correction.pk,), self.correction),
        )
        for helper, args, obj in cases:
            self.assertOutcomes(
                helper, args, {"secretariat": (OK, obj), "executive": refused, "agency_a": refused, "agency_b": refused}
            )
        self.assertOutcomes(
            minutes_access.get_section_for_user,
            (self.meeting.pk, 99),
            {"secretariat": ("Http404", "No AgendaSection matches the given query.")},
        )
        section = minutes_access.get_section_for_user(
            self.request(self.secretariat), self.meeting.pk, Section.FOR_INFORMATION
        )
        self.assertEqual(section.minutes.meeting, self.meeting)

    def test_it_lets_only_agency_users_ask_for_corrections(self):
        refused = ("PermissionDenied", "คำขอแก้ไขรายงานการประชุมส่งโดยผู้ใช้ของหน่วยงาน")
        helper = minutes_access.require_agency_user
        actor = helper(self.request(self.user_a))
        self.assertEqual((actor.role, actor.agency), ("agency", self.agency_a))
        self.assertOutcomes(helper, (), {"secretariat": refused, "executive": refused})

    def test_it_loads_with_the_object_what_the_pages_read_of_it(self):
        """Each helper fetches the related rows its pages use in the same query."""
        secretariat = self.request(self.secretariat)
        letter_assignment = self.letter_directive.assignments.get()
        reads = (
            (get_meeting_for_user, (self.meeting.pk,), ("series",)),
            (directive_access.get_directive_for_user, (self.letter_directive.pk,), ("letter",)),
            (directive_access.get_assignment_for_user, (letter_assignment.pk,), ("directive.letter",)),
            (minutes_access.get_minutes_for_user, (self.certified_meeting.pk,), ("certified_in",)),
            (
                directive_access.get_directive_for_user,
                (self.sub_directive.pk,),
                ("meeting.series", "parent", "strategy"),
            ),
            (
                directive_access.get_assignment_for_user,
                (self.assignment_a.pk,),
                ("directive.meeting.series", "agency", "acknowledged_by"),
            ),
            (
                directive_access.get_report_for_review,
                (self.report_a.pk,),
                ("assignment.directive", "assignment.agency"),
            ),
            (directive_access.get_attachment_for_user, (self.attachment.pk,), ("report.assignment",)),
            (minutes_access.get_minutes_for_user, (self.meeting.pk,), ("meeting.series",)),
            (minutes_access.get_section_for_user, (self.meeting.pk, Section.FOR_INFORMATION), ("minutes.meeting",)),
            (minutes_access.get_item_for_user, (self.sub_item.pk,), ("section.minutes.meeting.series", "parent")),
            (minutes_access.get_correction_for_decision, (self.correction.pk,), ("minutes.meeting",)),
        )
        for helper, args, paths in reads:
            obj = helper(secretariat, *args)
            for path in paths:
                with self.subTest(helper=helper.__name__, path=path), self.assertNumQueries(0):
                    value = obj
                    for name in path.split("."):
                        value = getattr(value, name)
                    self.assertIsNotNone(value)

    def test_it_loads_what_a_page_asks_for_besides(self):
        """The directive page asks for the minutes item it came from in the same query."""
        DirectiveOrigin.objects.create(directive=self.directive, item=self.item)
        directive = directive_access.get_directive_for_user(
            self.request(self.secretariat), self.directive.pk, related=("origin__item",)
        )
        with self.assertNumQueries(0):
            self.assertEqual(directive.origin.item, self.item)

    def test_it_hides_draft_minutes_from_agencies_until_they_are_circulated(self):
        meeting = Meeting.objects.create(series=self.series, number=13, year_be=2561, date=datetime.date(2018, 2, 28))
        draft = minutes_services.minutes_start(meeting=meeting, by=self.secretariat)
        hidden = ("Http404", "รายงานการประชุมนี้ยังไม่ได้เวียนให้หน่วยงาน")
        self.assertOutcomes(
            minutes_access.get_minutes_for_user,
            (meeting.pk,),
            {"secretariat": (OK, draft), "executive": (OK, draft), "agency_a": hidden, "agency_b": hidden},
        )

    def test_it_shows_the_live_follow_up_to_the_secretariat_and_executives_only(self):
        refused = ("PermissionDenied", "เฉพาะฝ่ายเลขานุการและผู้บริหาร หน่วยงานดูได้จากรายงานติดตามผลที่เผยแพร่แล้ว")
        self.assertOutcomes(
            directive_access.require_reads_all,
            (),
            {
                "secretariat": (OK, None),
                "superuser": (OK, None),
                "executive": (OK, None),
                "agency_a": refused,
                "agency_b": refused,
                "nobody": ("PermissionDenied", NO_ROLE),
            },
        )

    def test_it_gives_an_issued_follow_up_to_every_role(self):
        issues = [
            FollowUpIssue.objects.create(
                meeting=self.meeting,
                as_of=datetime.date(2017, 12, day),
                file=ContentFile(b"%PDF-1.7", name=f"followup-{day}.pdf"),
                filename=f"followup-{day}.pdf",
                issued_by=self.secretariat,
            )
            for day in (1, 15)
        ]
        for issue in issues:
            own = (OK, issue)
            self.assertOutcomes(
                directive_access.get_followup_issue_for_user,
                (issue.pk,),
                {
                    "secretariat": own,
                    "executive": own,
                    "agency_a": own,
                    "agency_b": own,
                    "nobody": ("PermissionDenied", NO_ROLE),
                },
            )
        got = directive_access.get_followup_issue_for_user(self.request(self.user_a), issues[0].pk)
        with self.assertNumQueries(0):
            self.assertEqual(got.meeting.series, self.series)

    def test_it_opens_a_users_own_notifications_only(self):
        def note(user, key):
            return Notification.objects.create(
                recipient=f"user:{user.pk}",
                user=user,
                event=Event.DUE_SOON,
                channel=Channel.INAPP,
                key=key,
                due_day=datetime.date.today(),
                subject="ใกล้ครบกำหนด",
                body="ข้อความ",
            )

        first, second, others = note(self.user_a, "a:1"), note(self.user_a, "a:2"), note(self.user_b, "b:1")
        missing = ("Http404", "No Notification matches the given query.")
        for own in (first, second):
            self.assertOutcomes(
                get_notification_for_user,
                (own.pk,),
                {
                    "agency_a": (OK, own),
                    "agency_b": missing,
                    "secretariat": missing,
                    "nobody": ("PermissionDenied", NO_ROLE),
                },
            )
        self.assertOutcomes(get_notification_for_user, (others.pk,), {"agency_b": (OK, others), "agency_a": missing})

    def test_it_lets_the_secretariat_and_the_agencys_own_users_renew_its_calendar(self):
        refused = ("PermissionDenied", "เฉพาะฝ่ายเลขานุการหรือผู้ใช้ของหน่วยงานนี้")
        for agency, own_user, other_user in (
            (self.agency_a, "agency_a", "agency_b"),
            (self.agency_b, "agency_b", "agency_a"),
        ):
            self.assertOutcomes(
                get_agency_for_calendar,
                (agency.pk,),
                {
                    "secretariat": (OK, agency),
                    "superuser": (OK, agency),
                    own_user: (OK, agency),
                    other_user: ("Http404", "ไม่พบหน่วยงาน"),
                    "executive": refused,
                    "nobody": ("PermissionDenied", NO_ROLE),
                },
            )

    def test_it_lets_the_secretariat_manage_people_and_executives_read_them(self):
        readers_only = ("PermissionDenied", "เฉพาะฝ่ายเลขานุการและผู้บริหารเท่านั้น")
        self.assertOutcomes(
            require_people_reader,
            (),
            {"secretariat": (OK, None), "executive": (OK, None), "agency_a": readers_only, "nobody": readers_only},
        )
        person = (OK, self.user_a)
        self.assertOutcomes(
            get_person_for_user,
            (self.user_a.pk,),
            {"secretariat": person, "executive": person, "agency_a": readers_only},
        )
        self.assertOutcomes(
            get_person_for_user,
            (self.user_a.pk,),
            {
                "secretariat": person,
                "executive": ("PermissionDenied", "เฉพาะฝ่ายเลขานุการเท่านั้นที่แก้ไขข้อมูลผู้ใช้ได้"),
                "agency_a": readers_only,
            },
            write=True,
        )
        got = get_person_for_user(self.request(self.executive), self.user_a.pk)
        with self.assertNumQueries(0):
            self.assertEqual(got.profile.agency, self.agency_a)
