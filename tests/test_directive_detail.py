"""One directive: its text, parties and each agency's progress; closing and reopening."""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.models import Agency, Profile
from directives import services
from directives.models import (
    Assignment,
    Attachment,
    Directive,
    ProgressReport,
    ResponsibleParty,
    Status,
    Strategy,
    page_directive,
    today,
)
from directives.views import LATEST_REPORTS
from lampang_tracker import thai
from tests.base import SpreadMixin, TrackerTestCase, make_user


class DirectiveDetailTests(TrackerTestCase):
    def url(self, directive=None):
        return f"/directives/{(directive or self.directive).pk}/"

    def test_it_shows_the_directive_with_every_agencys_progress_to_the_secretariat(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ข้อ ๒ <u>วาระรักลำปาง</u>", html=False)
        self.assertContains(response, self.directive.text)
        self.assertContains(response, "จัดประชุมชี้แจงแล้ว")
        self.assertContains(response, "ร้อยละ ๓๐")
        self.assertEqual(list(response.context["assignments"]), [self.assignment_a])
        self.assertContains(response, f'action="/directives/{self.directive.pk}/close/"')
        self.assertContains(response, f'action="/reports/{self.report_a.pk}/review/"')
        self.assertContains(response, f'href="/directives/{self.directive.pk}/edit/"')

    def test_it_shows_the_executive_everything_without_actions(self):
        self.login(self.executive)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "จัดประชุมชี้แจงแล้ว")
        self.assertNotContains(response, "/close/")
        self.assertNotContains(response, "/review/")
        self.assertNotContains(response, "/edit/")

    def test_it_shows_an_agency_user_only_their_own_share(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="3",
            text="ขอให้ร่วมกันจัดงาน",
            parties=services.parties_from(agencies=[self.agency_a, self.agency_b]),
            by=self.secretariat,
        )
        services.progress_report(
            assignment=directive.assignments.get(agency=self.agency_b),
            text="รายงานของศึกษาธิการ",
            status=Status.IN_PROGRESS,
            by=self.user_b,
        )
        self.login(self.user_a)
        response = self.client.get(self.url(directive))
        self.assertEqual(response.status_code, 200)
        self.assertEqual([a.agency for a in response.context["assignments"]], [self.agency_a])
        self.assertNotContains(response, "รายงานของศึกษาธิการ")
        self.assertContains(response, "งานของหน่วยงานคุณ")
        self.assertNotContains(response, "/close/")

    def test_it_shows_each_agencys_latest_reports_and_links_to_the_rest(self):
        texts = [f"รายงานฉบับที่ {n}" for n in range(1, LATEST_REPORTS + 3)]
        for text in texts:
            services.progress_report(assignment=self.assignment_a, text=text, status=Status.IN_PROGRESS, by=self.user_a)
        everything = ProgressReport.objects.filter(assignment=self.assignment_a)
        newest = list(everything.order_by("-created_at", "-id")[:LATEST_REPORTS])
        for user in (self.secretariat, self.user_a):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url())
                (card,) = response.context["assignments"]
                self.assertEqual(card.latest_reports, newest)
                self.assertEqual(card.report_count, everything.count())
                for report in everything:
                    if report in newest:
                        self.assertContains(response, report.text)
                    else:
                        self.assertNotContains(response, report.text)
                self.assertContains(
                    response,
                    f'<a href="/assignments/{self.assignment_a.pk}/">ดูรายงานทั้งหมด ({thai.thai_digits(everything.count())} รายการ)</a>',
                    html=True,
                )
                # The agency's own page keeps the whole history.
                history = self.client.get(f"/assignments/{self.assignment_a.pk}/")
                for report in everything:
                    self.assertContains(history, report.text)

    def test_it_does_not_link_to_more_reports_when_all_are_shown(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        (card,) = response.context["assignments"]
        self.assertEqual(card.latest_reports, list(ProgressReport.objects.filter(assignment=self.assignment_a)))
        self.assertNotContains(response, "ดูรายงานทั้งหมด")

    def test_it_answers_404_to_an_agency_the_directive_is_not_assigned_to(self):
        self.login(self.user_b)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, self.directive.text, status_code=404)

    def test_it_answers_404_for_an_unknown_directive(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/directives/999999/").status_code, 404)

    def test_it_shows_the_reporting_cycle_and_closing_note_in_thai(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="4",
            text="รายงานผลทุกเดือน",
            report_day=20,
            report_until=datetime.date(2025, 9, 30),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        services.directive_close(directive=directive, note="ดำเนินการครบถ้วนแล้ว", by=self.secretariat)
        self.login(self.secretariat)
        response = self.client.get(self.url(directive))
        self.assertContains(response, "รายงานทุกวันที่ ๒๐ ของเดือน จนถึง ๓๐ กันยายน ๒๕๖๘")
        self.assertContains(response, "ดำเนินการครบถ้วนแล้ว")
        self.assertContains(response, "ยุติ/ปิดประเด็น")
        self.assertContains(response, f'action="/directives/{directive.pk}/reopen/"')
        self.assertNotContains(response, f'href="/directives/{directive.pk}/edit/"')

    def test_it_marks_an_overdue_directive(self):
        self.login(self.secretariat)
        self.assertContains(self.client.get(self.url(self.directive_b)), '<span class="badge overdue">เกินกำหนด</span>')
        self.assertNotContains(self.client.get(self.url()), '<span class="badge overdue">เกินกำหนด</span>')

    def test_it_prints_bulleted_parties_as_written(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="5",
            text="ขอให้ทุกอำเภอดำเนินการ",
            parties=services.parties_from(groups=[self.group], free_text=["ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"]),
            parties_bulleted=True,
            by=self.secretariat,
        )
        self.login(self.secretariat)
        response = self.client.get(self.url(directive))
        self.assertContains(response, "<div>-ทุกอำเภอ</div>", html=True)
        self.assertContains(response, "<div>-ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง</div>", html=True)

    def test_it_links_a_sub_item_to_its_parent_and_the_parent_to_its_sub_items(self):
        child = services.directive_create(
            meeting=self.meeting, number="2.1", text="ขอให้จัดกิจกรรมในโรงเรียน", parent=self.directive, by=self.secretariat
        )
        self.login(self.secretariat)
        parent_page = self.client.get(self.url())
        self.assertContains(parent_page, "<h2>ข้อย่อย</h2>")
        self.assertContains(parent_page, f'<a href="/directives/{child.pk}/">๒.๑ ขอให้จัดกิจกรรมในโรงเรียน</a>')
        self.assertContains(parent_page, f"?parent={self.directive.pk}")  # เพิ่มข้อย่อย
        child_page = self.client.get(self.url(child))
        self.assertContains(child_page, f' › <a href="/directives/{self.directive.pk}/">ข้อ ๒</a></p>')
        self.assertNotContains(child_page, "<h2>ข้อย่อย</h2>")
        self.assertNotContains(child_page, "?parent=")
        self.assertNotContains(self.client.get(self.url(self.directive_b)), "<h2>ข้อย่อย</h2>")

    def test_it_writes_the_crumbs_and_the_status_as_the_shared_includes_do(self):
        Directive.objects.filter(pk=self.directive.pk).update(open_due_date=today() - datetime.timedelta(days=1))
        self.directive.refresh_from_db()
        self.login(self.secretariat)
        response = self.client.get(self.url())
        crumbs = render_to_string("includes/source_link.html", {"meeting": self.directive.meeting})
        self.assertContains(response, f'<p class="crumbs">{crumbs}</p>', html=False)
        status = render_to_string(
            "includes/status.html",
            {"code": self.directive.state, "label": self.directive.get_state_display(), "overdue": True},
        )
        self.assertIn("เกินกำหนด", status)
        self.assertContains(response, f"<p>{status}</p>", html=False)

    def test_it_answers_404_for_a_directive_number_beyond_the_column(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(f"/directives/{2**70}/").status_code, 404)

    def test_it_reads_the_directive_as_the_orm_does(self):
        child = services.directive_create(
            meeting=self.meeting, number="2.1", text="ข้อย่อย", parent=self.directive, by=self.secretariat
        )
        strategy = Strategy.objects.create(number=3, name="เมืองน่าอยู่")
        Directive.objects.filter(pk=child.pk).update(strategy=strategy, closed_at=timezone.now(), close_note="เสร็จ")
        for directive, agency in (
            (self.directive, None),
            (child, None),
            (child, self.agency_a),
            (child, self.agency_b),
        ):
            with self.subTest(directive=directive.number, agency=agency):
                read = page_directive(directive.pk, agency=agency)
                orm = Directive.objects.select_related("meeting__series", "strategy").annotate(
                    has_children=Exists(Directive.objects.filter(parent=OuterRef("pk"))),
                    origin_item_id=F("origin__item_id"),
                    origin_item_number=F("origin__item__number"),
                    parent_number=F("parent__number"),
                )
                if agency:
                    mine = Assignment.objects.filter(directive=OuterRef("pk"), agency=agency)
                    orm = orm.annotate(assigned_to_actor=Exists(mine))
                fresh = orm.get(pk=directive.pk)
                for field in Directive._meta.concrete_fields:
                    if field.name != "search_text":
                        self.assertEqual(getattr(read, field.attname), getattr(fresh, field.attname), field.name)
                self.assertEqual(read.get_deferred_fields(), fresh.get_deferred_fields())
                names = ["has_children", "origin_item_id", "origin_item_number", "parent_number"]
                if agency:
                    names.append("assigned_to_actor")
                for name in names:
                    self.assertEqual(getattr(read, name), getattr(fresh, name), name)
                with self.assertNumQueries(0):
                    self.assertEqual(read.meeting.number_label, fresh.meeting.number_label)
                    self.assertEqual(read.meeting.series.name, fresh.meeting.series.name)
                    self.assertEqual(read.strategy, fresh.strategy)
        self.assertEqual(page_directive(child.pk).strategy.name, "เมืองน่าอยู่")
        self.assertIs(page_directive(child.pk, agency=self.agency_b).assigned_to_actor, False)
        self.assertIsNone(page_directive(2**70))
        self.assertIsNone(page_directive(child.pk + 1000))

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())


class DirectiveDetailQueryCountTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        cls.wide = services.directive_create(
            meeting=cls.meeting,
            number="7",
            heading="วาระลำปางน่าเที่ยว",
            text="ขอให้ทุกหน่วยงานร่วมกันประชาสัมพันธ์",
            due_date=today() + datetime.timedelta(days=10),
            parties=services.parties_from(agencies=[cls.agency_a, *cls.many], groups=[cls.group]),
            by=cls.secretariat,
        )
        services.directive_create(meeting=cls.meeting, number="7.1", text="ข้อย่อย", parent=cls.wide, by=cls.secretariat)
        cls.report_on(cls.wide, by=cls.secretariat)

    @classmethod
    def report_on(cls, directive, *, by):
        for assignment in directive.assignments.all():
            for text in ("รายงานครั้งแรก", "รายงานครั้งที่สอง"):
                services.progress_report(assignment=assignment, text=text, status=Status.IN_PROGRESS, percent=40, by=by)

    def grow(self):
        more = self.spread_agencies(6)
        services.directive_update(
            directive=self.wide,
            parties=services.parties_from(agencies=[self.agency_a, *self.many, *more], groups=[self.group]),
            by=self.secretariat,
        )
        self.report_on(self.wide, by=self.user_a)
        for report in ProgressReport.objects.filter(assignment__directive=self.wide)[:5]:
            services.report_review(report=report, accept=True, by=self.secretariat)
        services.directive_create(
            meeting=self.meeting, number="7.2", text="ข้อย่อย", parent=self.wide, by=self.secretariat
        )

    def test_it_does_not_grow_queries_with_rows_for_the_secretariat(self):
        self.login(self.secretariat)
        # session, user, role, the directive, its parties (with the group's members for
        # the narrowing form: models.parties_of), the agencies' shares and reports
        # (models.assignments_with_latest_reports: each share with its agency and its
        # latest reports, their count and authors; their files are one more only when a
        # shown report has some), the unread count and the sub-items
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(f"/directives/{self.wide.pk}/").status_code, 200)
        self.grow()
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(f"/directives/{self.wide.pk}/").status_code, 200)

    def test_it_reads_no_narrowing_choices_for_a_directive_without_a_group(self):
        self.login(self.secretariat)
        # The page of test_it_does_not_grow_queries_with_rows_for_the_secretariat less
        # the sub-items (it has none: the directive's own row says so).
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(f"/directives/{self.directive.pk}/").status_code, 200)
        self.report_on(self.directive, by=self.user_a)
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(f"/directives/{self.directive.pk}/").status_code, 200)

    def test_it_does_not_grow_queries_with_rows_for_an_agency_user(self):
        self.login(self.user_a)
        # The secretariat's reads (its parties without the group's members); whether the
        # agency has a share is read with the directive.
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(f"/directives/{self.wide.pk}/").status_code, 200)
        self.grow()
        with self.assertNumQueries(8):
            self.assertEqual(self.client.get(f"/directives/{self.wide.pk}/").status_code, 200)


class DirectiveDetailLatestReportsTests(TrackerTestCase):
    """models.assignments_with_latest_reports: each agency's share and newest reports,
    read in one query."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shared = services.directive_create(
            meeting=cls.meeting,
            number="4",
            text="ขอให้ร่วมกันรายงาน",
            parties=services.parties_from(agencies=[cls.agency_a, cls.agency_b, cls.district]),
            by=cls.secretariat,
        )
        cls.mine = cls.shared.assignments.get(agency=cls.agency_a)
        cls.theirs = cls.shared.assignments.get(agency=cls.agency_b)
        cls.silent = cls.shared.assignments.get(agency=cls.district)
        cls.author = make_user("reporter", Profile.Role.AGENCY, cls.agency_a)
        cls.author.first_name, cls.author.last_name = "สมศรี", "ใจดี"
        cls.author.save()
        at = timezone.now() - datetime.timedelta(days=2)
        cls.reports = {}
        for assignment, count in ((cls.mine, LATEST_REPORTS + 2), (cls.theirs, 2)):
            made = []
            for n in range(count):
                report = services.progress_report(
                    assignment=assignment,
                    text=f"{assignment.agency.short_name} ฉบับ {n}",
                    status=Status.IN_PROGRESS,
                    by=cls.author,
                )
                made.append(report)
            cls.reports[assignment.pk] = made
        # Agency A's, oldest first: two written in the same second (the later id is the
        # newer), two in one later second, the first one last.
        tied = cls.reports[cls.mine.pk]
        for reports, when in (
            ((1, 2), at),
            ((3, 4), at + datetime.timedelta(minutes=30)),
            ((0,), at + datetime.timedelta(hours=1)),
        ):
            ProgressReport.objects.filter(pk__in=[tied[n].pk for n in reports]).update(created_at=when)

    def cards(self, response):
        return {a.pk: a for a in response.context["assignments"]}

    def test_it_gives_each_agency_its_newest_reports_and_count(self):
        self.login(self.secretariat)
        cards = self.cards(self.client.get(f"/directives/{self.shared.pk}/"))
        for assignment in (self.mine, self.theirs, self.silent):
            everything = ProgressReport.objects.filter(assignment=assignment).order_by("-created_at", "-id")
            self.assertEqual(cards[assignment.pk].latest_reports, list(everything[:LATEST_REPORTS]))
            self.assertEqual(cards[assignment.pk].report_count, everything.count())
        tied = self.reports[self.mine.pk]
        self.assertEqual([r.pk for r in cards[self.mine.pk].latest_reports], [tied[0].pk, tied[4].pk, tied[3].pk])
        self.assertEqual(cards[self.silent.pk].latest_reports, [])
        self.assertEqual(cards[self.silent.pk].report_count, 0)

    def test_it_reads_every_column_of_the_shares_agencies_and_reports_as_the_orm_does(self):
        Assignment.objects.filter(pk=self.mine.pk).update(
            acknowledged_at=timezone.now(), acknowledged_by=self.user_a, due_date=today(), is_open=False
        )
        ProgressReport.objects.filter(pk=self.reports[self.theirs.pk][-1].pk).update(
            percent=40, review="accepted", reviewed_at=timezone.now(), reviewed_by=self.secretariat
        )
        self.login(self.secretariat)
        cards = self.cards(self.client.get(f"/directives/{self.shared.pk}/"))
        self.assertEqual(
            [a.agency.print_order for a in cards.values()], sorted(a.agency.print_order for a in cards.values())
        )

        def same(loaded, model, leave_out=()):
            fresh = model.objects.get(pk=loaded.pk)
            for field in model._meta.concrete_fields:
                if field.name not in leave_out:
                    self.assertEqual(getattr(loaded, field.attname), getattr(fresh, field.attname), field.name)

        for card in cards.values():
            same(card, Assignment)
            same(card.agency, Agency)
            for report in card.latest_reports:
                same(report, ProgressReport, leave_out=("search_text",))
                self.assertEqual(report.created_by.get_full_name(), "สมศรี ใจดี")

    def test_it_shows_the_authors_name_and_the_texts_of_the_shown_reports_only(self):
        self.login(self.secretariat)
        response = self.client.get(f"/directives/{self.shared.pk}/")
        self.assertContains(response, "สมศรี ใจดี")
        tied = self.reports[self.mine.pk]
        for n, shown in ((0, True), (1, False), (2, False), (3, True), (4, True)):
            (self.assertContains if shown else self.assertNotContains)(response, f"{tied[n].text}</p>")
        self.assertContains(response, f"ดูรายงานทั้งหมด ({thai.thai_digits(len(tied))} รายการ)")

    def test_it_lists_the_files_of_the_shown_reports_with_one_more_query_only_when_there_are_some(self):
        self.login(self.secretariat)
        url = f"/directives/{self.shared.pk}/"
        self.client.get(url)
        with CaptureQueriesContext(connection) as without:
            self.client.get(url)
        report = self.reports[self.theirs.pk][-1]
        files = [
            Attachment.objects.create(
                report=report, file=f"reports/{name}", original_name=name, size=2048, content_type="application/pdf"
            )
            for name in ("ภาพกิจกรรม.pdf", "สรุปผล.pdf")
        ]
        with CaptureQueriesContext(connection) as with_files:
            response = self.client.get(url)
        self.assertEqual(len(with_files), len(without) + 1)
        for attachment in files:
            self.assertContains(response, f'<a href="/attachments/{attachment.pk}/">{attachment.original_name}</a>')
        self.assertContains(response, "(2.0\xa0KB)")
        shown = self.cards(response)[self.theirs.pk].latest_reports
        self.assertEqual([list(r.attachments.all()) for r in shown], [files, []])

    def test_it_shows_an_agency_user_only_its_own_reports(self):
        self.login(self.author)
        response = self.client.get(f"/directives/{self.shared.pk}/")
        self.assertEqual(list(self.cards(response)), [self.mine.pk])
        for report in self.reports[self.theirs.pk]:
            self.assertNotContains(response, report.text)


class DirectiveDetailPartiesTests(TrackerTestCase):
    def test_it_reads_the_parties_with_their_agencies_and_groups_as_the_orm_does(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="6",
            text="ขอให้ร่วมกันดำเนินการ",
            parties=services.parties_from(
                agencies=[self.agency_b, self.agency_a], groups=[self.group], free_text=["หน่วยงานที่เกี่ยวข้อง"]
            ),
            by=self.secretariat,
        )
        expected = list(directive.parties.select_related("agency", "group"))
        self.login(self.secretariat)
        response = self.client.get(f"/directives/{directive.pk}/")
        parties = response.context["parties"]
        self.assertEqual(parties, expected)
        self.assertEqual([p.text for p in parties], [p.text for p in expected])
        for party, orm in zip(parties, expected, strict=True):
            for field in ResponsibleParty._meta.concrete_fields:
                self.assertEqual(getattr(party, field.attname), getattr(orm, field.attname), field.name)
            self.assertEqual(party.agency, orm.agency)
            self.assertEqual(party.group, orm.group)
            if party.agency:
                self.assertEqual(party.agency.name, orm.agency.name)
        self.assertContains(response, "<div>หน่วยงานที่เกี่ยวข้อง</div>")
        self.assertContains(response, f"<div>{self.group.name}</div>")


class DirectiveCloseTests(TrackerTestCase):
    def url(self, directive=None):
        return f"/directives/{(directive or self.directive).pk}/close/"

    def test_it_closes_a_directive_with_a_note(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"note": "ที่ประชุมมีมติให้ยุติ"}, follow=True)
        self.assertRedirects(response, f"/directives/{self.directive.pk}/")
        self.assertContains(response, "ปิดประเด็นแล้ว")
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.state, Status.CLOSED)
        self.assertEqual(self.directive.close_note, "ที่ประชุมมีมติให้ยุติ")
        self.assertEqual(self.directive.closed_by, self.secretariat)
        self.assertFalse(self.directive.assignments.get().is_open)

    def test_it_refuses_to_close_without_a_note_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"note": "   "})
        self.assertContains(response, "กรุณาระบุเหตุผลการปิดประเด็น", status_code=400)
        self.assertContains(response, 'id="id_note_error"', status_code=400)
        self.directive.refresh_from_db()
        self.assertFalse(self.directive.is_closed)

    def test_it_says_so_when_the_directive_is_already_closed(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"note": "อีกครั้ง"})
        self.assertContains(response, "ข้อนี้ปิดประเด็นไปแล้ว", status_code=400)
        self.assertContains(response, "อีกครั้ง</textarea>", status_code=400)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.close_note, "ยุติ")

    def test_it_refuses_the_executive_with_403(self):
        self.login(self.executive)
        self.assertEqual(self.client.post(self.url(), {"note": "ยุติ"}).status_code, 403)
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_closed)

    def test_it_refuses_the_assigned_agency_with_403(self):
        self.login(self.user_a)
        self.assertEqual(self.client.post(self.url(), {"note": "ยุติ"}).status_code, 403)
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_closed)

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.post(self.url(), {"note": "ยุติ"}).status_code, 404)
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_closed)

    def test_it_refuses_get_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.post(self.url(), {"note": "ยุติ"}), self.url())
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_closed)


class DirectiveReopenTests(TrackerTestCase):
    def setUp(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)

    def url(self):
        return f"/directives/{self.directive.pk}/reopen/"

    def test_it_reopens_a_closed_directive(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), follow=True)
        self.assertRedirects(response, f"/directives/{self.directive.pk}/")
        self.assertContains(response, "เปิดประเด็นอีกครั้งแล้ว")
        self.directive.refresh_from_db()
        self.assertFalse(self.directive.is_closed)
        self.assertEqual(self.directive.state, Status.IN_PROGRESS)
        self.assertTrue(self.directive.assignments.get().is_open)

    def test_it_says_so_when_the_directive_is_open(self):
        self.login(self.secretariat)
        self.client.post(self.url())
        response = self.client.post(self.url(), follow=True)
        self.assertContains(response, "ข้อนี้ยังไม่ได้ปิดประเด็น")

    def test_it_refuses_the_executive_and_the_agency_with_403(self):
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.assertTrue(Directive.objects.get(pk=self.directive.pk).is_closed)

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.post(self.url()).status_code, 404)

    def test_it_refuses_get_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.post(self.url()), self.url())
        self.assertTrue(Directive.objects.get(pk=self.directive.pk).is_closed)
