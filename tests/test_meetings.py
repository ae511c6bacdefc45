"""การประชุม: the list, one meeting's summary table, and the secretariat's form."""

from __future__ import annotations

import datetime

from meetings.models import Meeting, MeetingSeries
from meetings.services import meeting_create
from tests.base import SpreadMixin, TrackerTestCase


def meeting_data(**overrides) -> dict:
    data = {
        "series": "",
        "number": "11",
        "year_be": "",
        "date": "20/12/2560",
        "start_time": "09.30",
        "end_time": "12.00",
        "venue": "ห้องประชุมเวียงละกอน ศาลากลางจังหวัดลำปาง",
        "chair": "ผู้ว่าราชการจังหวัดลำปาง",
    }
    data.update(overrides)
    return data


class MeetingListTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        for _ in range(4):
            cls.spread_rows(agencies=cls.many, directives=5, by=cls.secretariat)

    def test_it_lists_meetings_for_every_role(self):
        for user in (self.secretariat, self.user_a, self.user_b, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/meetings/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "๑๐/๒๕๖๐")
                self.assertContains(response, "๒๙ พ.ย. ๒๕๖๐")

    def test_it_offers_the_create_button_to_the_secretariat_only(self):
        self.login(self.secretariat)
        self.assertContains(self.client.get("/meetings/"), 'href="/meetings/new/"')
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertNotContains(self.client.get("/meetings/"), 'href="/meetings/new/"')

    def test_it_hides_archived_meetings(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(is_archived=True)
        self.login(self.secretariat)
        self.assertNotContains(self.client.get("/meetings/"), "๑๐/๒๕๖๐")

    def test_it_filters_by_series_and_ignores_a_garbage_series(self):
        self.login(self.secretariat)
        board = MeetingSeries.objects.create(name="การประชุมกรมการจังหวัดลำปาง", summary_title="สรุปประเด็น")
        other = meeting_create(
            by=self.secretariat, series=board, number=1, year_be=2561, date=datetime.date(2018, 1, 5)
        )
        response = self.client.get("/meetings/", {"series": self.series.pk})
        self.assertEqual(list(response.context["page"]), list(Meeting.objects.filter(series=self.series)))
        response = self.client.get("/meetings/", {"series": board.pk})
        self.assertEqual(list(response.context["page"]), [other])
        response = self.client.get("/meetings/", {"series": "abc"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].paginator.count, 0)

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post("/meetings/").status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get("/meetings/"), "/meetings/")

    def test_it_does_not_grow_queries_with_rows(self):
        self.login(self.secretariat)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get("/meetings/").status_code, 200)
        for _ in range(6):
            self.spread_rows(agencies=self.many, directives=1, by=self.secretariat)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get("/meetings/").status_code, 200)


class MeetingDetailTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        cls.spread_rows(agencies=cls.many, directives=20, by=cls.secretariat, meeting=cls.meeting, group=cls.group)

    def url(self, meeting=None):
        return f"/meetings/{(meeting or self.meeting).pk}/"

    def test_it_shows_the_meeting_heading_in_thai(self):
        self.login(self.user_a)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ ๑๐/๒๕๖๐")
        self.assertContains(response, "เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐ เวลา ๐๙.๓๐ น.")
        self.assertContains(response, "ณ ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง")

    def test_it_lists_every_directive_in_numbering_order_for_every_role(self):
        # The summary is circulated to all agencies, so agency B also sees item ๒ of agency A.
        for user in (self.secretariat, self.user_a, self.user_b, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url())
                directives = list(response.context["directives"])
                self.assertEqual(directives[:2], [self.directive_b, self.directive])
                self.assertEqual(len(directives), 22)
                self.assertContains(response, self.directive.text)

    def test_it_prints_parties_as_written(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertContains(response, "<div>ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง</div>", html=True)
        self.assertContains(response, f"<div>{self.group.name}</div>", html=True)

    def test_it_offers_edit_links_to_the_secretariat_only(self):
        self.login(self.secretariat)
        self.assertContains(self.client.get(self.url()), f'href="/meetings/{self.meeting.pk}/edit/"')
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertNotContains(self.client.get(self.url()), f'href="/meetings/{self.meeting.pk}/edit/"')

    def test_it_answers_404_for_an_unknown_meeting(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/meetings/999999/").status_code, 404)

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())

    def test_it_does_not_grow_queries_with_rows(self):
        self.login(self.secretariat)
        # 8 for the page, 1 for the link to its minutes, 1 for its issued follow-ups
        with self.assertNumQueries(11):
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        more = self.spread_agencies(5)
        self.spread_rows(
            agencies=self.many + more, directives=25, by=self.secretariat, meeting=self.meeting, group=self.group
        )
        with self.assertNumQueries(11):
            self.assertEqual(self.client.get(self.url()).status_code, 200)


class MeetingCreateTests(TrackerTestCase):
    url = "/meetings/new/"

    def data(self, **overrides):
        return meeting_data(series=str(self.series.pk), **overrides)

    def test_it_shows_an_empty_form_to_the_secretariat(self):
        self.login(self.secretariat)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "วว/ดด/ปปปป")

    def test_it_creates_a_meeting_from_thai_input(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, self.data(number="๑๑", date="๒๐/๑๒/๒๕๖๐", start_time="๐๙.๓๐ น."))
        meeting = Meeting.objects.get(number=11)
        self.assertRedirects(response, f"/meetings/{meeting.pk}/", fetch_redirect_response=False)
        self.assertEqual(meeting.date, datetime.date(2017, 12, 20))
        self.assertEqual(meeting.year_be, 2560)  # taken from the date when left empty
        self.assertEqual(meeting.start_time, datetime.time(9, 30))
        self.assertEqual(meeting.created_by, self.secretariat)
        self.assertEqual(meeting.history.first().history_user, self.secretariat)

    def test_it_understands_arabic_and_thai_digit_dates_alike(self):
        self.login(self.secretariat)
        self.client.post(self.url, self.data(number="11", date="29/11/2560"))
        self.client.post(self.url, self.data(number="12", date="๒๙/๑๑/๒๕๖๐"))
        dates = set(Meeting.objects.filter(number__in=[11, 12]).values_list("date", flat=True))
        self.assertEqual(dates, {datetime.date(2017, 11, 29)})

    def test_it_answers_an_impossible_date_in_thai_and_keeps_what_was_typed(self):
        self.login(self.secretariat)
        before = Meeting.objects.count()
        response = self.client.post(self.url, self.data(date="31/02/2560"))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertFormError(form, "date", "ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี")
        self.assertContains(response, '<div class="field-error" id="id_date_error" role="alert">')
        self.assertContains(response, 'value="31/02/2560"')
        self.assertContains(response, 'value="ห้องประชุมเวียงละกอน ศาลากลางจังหวัดลำปาง"')
        self.assertContains(response, 'value="ผู้ว่าราชการจังหวัดลำปาง"')
        self.assertEqual(Meeting.objects.count(), before)

    def test_it_answers_a_garbled_date_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, self.data(date="พรุ่งนี้"))
        self.assertFormError(response.context["form"], "date", "กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป (พ.ศ.) เช่น 29/11/2560")
        self.assertContains(response, 'value="พรุ่งนี้"')

    def test_it_answers_a_bad_time_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, self.data(start_time="25.99"))
        self.assertFormError(response.context["form"], "start_time", "กรุณากรอกเวลาในรูปแบบ ชช.นน เช่น 09.30")

    def test_it_refuses_an_end_time_before_the_start(self):
        self.login(self.secretariat)
        before = Meeting.objects.count()
        response = self.client.post(self.url, self.data(start_time="13.00", end_time="09.00"))
        self.assertFormError(response.context["form"], "end_time", "เวลาเลิกประชุมต้องหลังเวลาเริ่มประชุม")
        self.assertEqual(Meeting.objects.count(), before)

    def test_it_refuses_a_meeting_number_already_used_that_year(self):
        self.login(self.secretariat)
        before = Meeting.objects.count()
        response = self.client.post(self.url, self.data(number="10", date="15/12/2560"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "มีการประชุมครั้งที่นี้ของชุดการประชุมนี้ในปีนี้แล้ว")
        self.assertEqual(Meeting.objects.count(), before)

    def test_it_restarts_numbering_in_a_new_buddhist_era_year(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, self.data(number="10", date="15/01/2561"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Meeting.objects.filter(number=10, year_be=2561).exists())

    def test_it_refuses_a_number_below_one_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, self.data(number="0"))
        self.assertFormError(response.context["form"], "number", "ครั้งที่ต้องมากกว่า ๐")

    def test_it_refuses_agency_users_and_executives_with_403(self):
        for user in (self.user_a, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                before = Meeting.objects.count()
                self.assertEqual(self.client.post(self.url, self.data(number="30")).status_code, 403)
                self.assertEqual(Meeting.objects.count(), before)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url), self.url)
        self.assertLoginRedirect(self.client.post(self.url, self.data(number="31")), self.url)
        self.assertFalse(Meeting.objects.filter(number=31).exists())


class MeetingEditTests(TrackerTestCase):
    def url(self):
        return f"/meetings/{self.meeting.pk}/edit/"

    def test_it_fills_the_form_with_thai_dates(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="29/11/2560"')
        self.assertContains(response, 'value="ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง"')

    def test_it_saves_changes_and_records_who_made_them(self):
        self.login(self.secretariat)
        data = meeting_data(series=str(self.series.pk), number="10", year_be="2560", date="29/11/2560")
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.venue, "ห้องประชุมเวียงละกอน ศาลากลางจังหวัดลำปาง")
        self.assertEqual(self.meeting.history.first().history_user, self.secretariat)

    def test_it_keeps_the_meeting_unchanged_on_bad_input(self):
        self.login(self.secretariat)
        data = meeting_data(series=str(self.series.pk), number="10", date="30/02/2560")
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="30/02/2560"')
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.venue, "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง")

    def test_it_refuses_a_number_taken_by_another_meeting(self):
        other = meeting_create(
            by=self.secretariat, series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 20)
        )
        self.login(self.secretariat)
        data = meeting_data(series=str(self.series.pk), number="10", year_be="2560", date="20/12/2560")
        response = self.client.post(f"/meetings/{other.pk}/edit/", data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "มีการประชุมครั้งที่นี้ของชุดการประชุมนี้ในปีนี้แล้ว")
        other.refresh_from_db()
        self.assertEqual(other.number, 11)

    def test_it_refuses_agency_users_and_executives_with_403(self):
        for user in (self.user_a, self.user_b, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(self.client.post(self.url(), meeting_data(venue="x")).status_code, 403)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.venue, "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง")

    def test_it_answers_404_for_an_unknown_meeting(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/meetings/999999/edit/").status_code, 404)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())
