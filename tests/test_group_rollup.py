"""A directive assigned to a group reads as one item with a roll-up of its members."""

from __future__ import annotations

import datetime
import io
import re

import pypdf
from django.core.management import call_command
from django.db.models import Count
from django.test import TestCase, override_settings

from agencies.models import Agency, AgencyGroup, Profile
from directives import documents, services
from directives.models import Assignment, Rollup, Status, today
from lampang_tracker.thai import thai_sorted
from meetings.models import Meeting
from tests.base import FAST_HASHER, TempMediaMixin, TrackerTestCase, make_user
from tests.test_pdf_documents import captured


class GroupRollupTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.districts = [
            Agency.objects.create(name=f"อำเภอทดสอบ{n}", kind=Agency.Kind.DISTRICT, print_order=60 + n)
            for n in range(5)
        ]
        cls.group.members.add(*cls.districts)  # the group has the base cast's district too: 6 members
        cls.item = services.directive_create(
            meeting=cls.meeting,
            number="5",
            text="ขอให้ทุกอำเภอจัดกิจกรรมวันสำคัญ",
            due_date=today() - datetime.timedelta(days=1),
            parties=services.parties_from(groups=[cls.group]),
            by=cls.secretariat,
        )
        cls.district_user = make_user("district0", Profile.Role.AGENCY, cls.districts[0])
        for agency in cls.districts[:2]:
            services.progress_report(
                assignment=cls.item.assignments.get(agency=agency), text="จัดแล้ว", status=Status.DONE, by=cls.secretariat
            )

    def test_it_keeps_one_assignment_and_inbox_entry_per_member(self):
        self.assertEqual(self.item.assignments.count(), 6)
        self.login(self.district_user)
        inbox = self.client.get("/inbox/")
        items = [a for bucket in inbox.context["buckets"] for a in bucket["items"]]
        self.assertEqual([a.directive_id for a in items], [self.item.pk])

    def test_it_shows_one_row_with_the_members_roll_up_on_the_list(self):
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"meeting": self.meeting.pk})
        rows = [d for d in response.context["table"].page.object_list.data if d.pk == self.item.pk]
        self.assertEqual(len(rows), 1)
        self.assertContains(response, "รายงานแล้ว ๒/๖ หน่วยงาน · เกินกำหนด ๔")

    def test_it_shows_the_roll_up_and_a_line_per_member_on_the_directive_page(self):
        self.login(self.secretariat)
        response = self.client.get(f"/directives/{self.item.pk}/")
        self.assertContains(response, "รายงานแล้ว ๒/๖ หน่วยงาน · เกินกำหนด ๔")
        self.assertContains(response, 'class="table members"')
        self.assertContains(response, "ยังไม่รายงาน", count=4)

    def test_the_directive_pages_roll_up_is_the_lists(self):
        # The list counts in SQL (rollups()); the directive page from the shares it shows.
        Assignment.objects.filter(directive=self.item, agency=self.districts[4]).update(due_date=None)
        Assignment.objects.filter(directive=self.item, agency=self.districts[3]).update(is_open=False)
        for on in (today(), today() - datetime.timedelta(days=5)):
            with self.subTest(on=on):
                shares = list(self.item.assignments.annotate(report_count=Count("reports")))
                expected = Assignment.objects.filter(directive=self.item).rollups(on)[self.item.pk]
                self.assertEqual(Rollup.of(shares, on), expected)
        self.assertEqual(expected, Rollup(total=6, reported=2, overdue=0, finished=3))
        self.assertIsNone(Rollup.of([]))

    def test_it_shows_an_agency_user_its_own_share_only(self):
        self.login(self.district_user)
        response = self.client.get("/directives/")
        self.assertNotContains(response, "รายงานแล้ว ๒/๖")
        row = next(d for d in response.context["table"].data if d.pk == self.item.pk)
        self.assertEqual(row.agency_status, Status.DONE)

    def test_it_narrows_a_group_to_chosen_members_and_keeps_it_through_edits(self):
        party = self.item.parties.get()
        services.directive_narrow_group(
            directive=self.item,
            party=party,
            members=self.districts[:3],
            label="ทุกอำเภอ ที่ได้รับการจัดสรรงบฯ",
            by=self.secretariat,
        )
        self.assertEqual(
            set(self.item.assignments.values_list("agency_id", flat=True)), {a.pk for a in self.districts[:3]}
        )
        self.assertEqual(self.item.parties.get().text, "ทุกอำเภอ ที่ได้รับการจัดสรรงบฯ")
        self.item.refresh_from_db()
        services.directive_update(
            directive=self.item,
            parties=services.parties_from(groups=[self.group]),
            text="แก้ข้อความ",
            by=self.secretariat,
        )
        self.assertEqual(self.item.assignments.count(), 3)
        self.assertEqual(self.item.parties.get().text, "ทุกอำเภอ ที่ได้รับการจัดสรรงบฯ")  # its label too
        # every member again: back to the whole group, printed by its name
        services.directive_narrow_group(
            directive=self.item, party=self.item.parties.get(), members=[], label="", by=self.secretariat
        )
        self.assertEqual(self.item.assignments.count(), 6)
        self.assertEqual(self.item.parties.get().text, "ทุกอำเภอ")

    def test_it_refuses_to_drop_a_member_that_has_reported(self):
        party = self.item.parties.get()
        with self.assertRaisesMessage(services.DomainError, "รายงานผลในข้อนี้แล้ว"):
            services.directive_narrow_group(
                directive=self.item, party=party, members=self.districts[2:4], by=self.secretariat
            )
        self.assertEqual(self.item.assignments.count(), 6)

    def test_it_narrows_from_the_directive_page_and_explains_a_refusal(self):
        party = self.item.parties.get()
        url = f"/directives/{self.item.pk}/parties/{party.pk}/narrow/"
        self.login(self.secretariat)
        page = self.client.get(f"/directives/{self.item.pk}/")
        self.assertContains(page, url)
        prefix = f"p{party.pk}"
        refused = self.client.post(url, {f"{prefix}-members": [self.districts[3].pk], f"{prefix}-label": "เฉพาะ"})
        self.assertEqual(refused.status_code, 400)
        self.assertContains(refused, "รายงานผลในข้อนี้แล้ว", status_code=400)
        self.assertContains(refused, 'value="เฉพาะ"', status_code=400)
        stranger = self.client.post(url, {f"{prefix}-members": [self.agency_a.pk]})
        self.assertEqual(stranger.status_code, 400)
        chosen = [a.pk for a in self.districts[:3]]
        done = self.client.post(url, {f"{prefix}-members": chosen, f"{prefix}-label": "ทุกอำเภอ ที่ได้รับการจัดสรรงบฯ"})
        self.assertRedirects(done, f"/directives/{self.item.pk}/", fetch_redirect_response=False)
        self.assertEqual(self.item.assignments.count(), 3)
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertIn(self.client.post(url, {f"{prefix}-members": chosen}).status_code, (403, 404))

    def test_its_narrowing_form_ticks_every_member_until_some_are_chosen_then_those(self):
        party = self.item.parties.get()
        self.login(self.secretariat)

        def ticked() -> set[int]:
            (form,) = self.client.get(f"/directives/{self.item.pk}/").context["narrow_forms"]
            boxes = re.findall(r'<input type="checkbox"[^>]* value="(\d+)"[^>]*?( checked)?>', str(form["members"]))
            return {int(pk) for pk, checked in boxes if checked}

        members = {a.pk for a in self.group.members.all()}
        self.assertEqual(ticked(), members)
        chosen = [a.pk for a in self.districts[:3]]
        services.directive_narrow_group(
            directive=self.item, party=party, members=self.districts[:3], label="", by=self.secretariat
        )
        self.assertEqual(ticked(), set(chosen))
        # A chosen agency that has left the group is not offered; the others stay ticked.
        self.group.members.remove(self.districts[0])
        self.assertEqual(ticked(), set(chosen[1:]))
        # Nor is an agency no longer in use; the members come in Thai dictionary order.
        Agency.objects.filter(pk=self.districts[4].pk).update(is_active=False)
        (form,) = self.client.get(f"/directives/{self.item.pk}/").context["narrow_forms"]
        offered = [name for _, name in form.fields["members"].choices]
        active = self.group.members.filter(is_active=True)
        self.assertEqual(offered, [a.name for a in thai_sorted(active, key=lambda a: a.name)])
        self.assertNotIn(self.districts[4].name, offered)

    def test_each_group_line_offers_its_own_groups_members(self):
        others = AgencyGroup.objects.create(name="ทุกส่วนราชการทดสอบ")
        others.members.add(self.agency_a, self.agency_b)
        empty = AgencyGroup.objects.create(name="กลุ่มว่าง")
        both = services.directive_create(
            meeting=self.meeting,
            number="8",
            text="ขอให้ทุกกลุ่มรายงาน",
            parties=services.parties_from(groups=[self.group, others, empty]),
            by=self.secretariat,
        )
        self.login(self.secretariat)
        forms = self.client.get(f"/directives/{both.pk}/").context["narrow_forms"]
        self.assertEqual(
            [{pk for pk, _ in form.fields["members"].choices} for form in forms],
            [{a.pk for a in group.members.all()} for group in (self.group, others, empty)],
        )
        self.assertEqual([form.party.group for form in forms], [self.group, others, empty])

    def test_it_shows_each_agencys_own_status_and_due_date_when_filtered_by_agency(self):
        late = self.districts[4]
        own_due = today() + datetime.timedelta(days=40)
        Assignment.objects.filter(directive=self.item, agency=late).update(due_date=own_due)
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"agency": self.districts[0].pk})
        row = next(d for d in response.context["table"].data if d.pk == self.item.pk)
        self.assertEqual(row.agency_status, Status.DONE)
        self.assertContains(response, "ดำเนินการแล้วเสร็จ")
        self.assertEqual(self.item.state, Status.IN_PROGRESS)  # the directive overall is not done
        response = self.client.get("/directives/", {"agency": late.pk})
        row = next(d for d in response.context["table"].data if d.pk == self.item.pk)
        self.assertEqual(row.agency_due_date, own_due)
        self.assertNotContains(response, "badge overdue")
        self.assertEqual(
            self.client.get("/directives/", {"agency": late.pk, "progress": "overdue"})
            .context["table"]
            .data.data.count(),
            0,
        )

    def test_it_counts_the_silent_members_on_one_line_of_the_follow_up_with_names_in_the_appendix(self):
        plain = captured(documents.render_followup, self.meeting, today())
        self.assertIn("ยังไม่มีรายงาน ๔ หน่วยงาน", plain.html)
        self.assertIn("รายงานแล้ว ๒/๖ หน่วยงาน", plain.html)
        self.assertNotIn(self.districts[4].name, plain.html)
        with_names = captured(lambda m, d: documents.render_followup(m, d, appendix=True), self.meeting, today())
        self.assertIn("ภาคผนวก", with_names.html)
        self.assertIn(self.districts[4].name, with_names.html)


@override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHER)
class DemoFollowUpLengthTests(TempMediaMixin, TestCase):
    """The follow-up of ๑๐/๒๕๖๐ in the demo data took 9 pages when every agency of
    ทุกส่วนราชการ/หน่วยงาน without a report was named; counted on one line it fits in 6."""

    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=io.StringIO())
        cls.meeting = Meeting.objects.get(number=10, year_be=2560)

    def pages(self, **kwargs) -> int:
        _, pdf = documents.render_followup(self.meeting, datetime.date(2017, 12, 20), **kwargs)
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    def test_it_fits_the_follow_up_in_six_pages_and_names_the_rest_in_an_appendix(self):
        self.assertTrue(AgencyGroup.objects.filter(name__startswith="ทุกส่วนราชการ").exists())
        plain = self.pages()
        self.assertLessEqual(plain, 6)
        self.assertGreater(self.pages(appendix=True), plain)
