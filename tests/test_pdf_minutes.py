"""รายงานการประชุม as a PDF (minutes/documents.py, minutes/pdf_views.py): the parts of
แบบที่ ๑๑, the cover letter, the draft mark, the certification line, the amendments,
escaping, and a query count that does not grow with the minutes."""

from __future__ import annotations

import datetime
import io
import shutil
from unittest import mock

import pikepdf
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency
from directives import services as directive_services
from directives.models import ProgressReport
from lampang_tracker import thai
from meetings.services import meeting_create
from minutes import documents, services
from minutes.documents import Block, text_blocks
from minutes.models import Attendee, Minutes, Section
from tests.base import TrackerTestCase, login_redirect
from tests.test_pdf_documents import A4, CM, PLAIN_STATIC, page_texts, word_boxes
from tests.test_pdf_text import squash

HAS_POPPLER = shutil.which("pdftotext") is not None
CIRCULATED_ON = datetime.date(2017, 12, 28)
DEADLINE = datetime.date(2018, 1, 10)


class CapturedRender:
    """Stands in for ``render_pdf``: keeps the context and the HTML instead of a PDF."""

    def __init__(self):
        self.html = ""
        self.context: dict = {}

    def __call__(self, template_name: str, context: dict) -> bytes:
        self.context = context
        self.html = render_to_string(template_name, context)
        return b"%PDF-captured"


def captured(minutes: Minutes, **kwargs) -> CapturedRender:
    capture = CapturedRender()
    with mock.patch.object(documents, "render_pdf", capture):
        documents.render_minutes(minutes, **kwargs)
    return capture


def text_of(pdf: bytes) -> str:
    return squash("".join(page_texts(pdf)))


class MinutesCast(TrackerTestCase):
    """Meeting ๑๐/๒๕๖๐ of the base cast (with its directives) is followed by
    ๑๑/๒๕๖๐, whose minutes are written here as the office would."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Agency A reported before the minutes went round (the follow-up is as of that day).
        ProgressReport.objects.filter(pk=cls.report_a.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2017, 12, 20, 10, 0))
        )
        cls.secretariat.first_name, cls.secretariat.last_name = "สมศรี", "ใจดี"
        cls.secretariat.save()
        cls.next_meeting = meeting_create(
            by=cls.secretariat,
            series=cls.series,
            number=11,
            year_be=2560,
            date=datetime.date(2017, 12, 27),
            start_time=datetime.time(9, 30),
            end_time=datetime.time(12, 30),
            venue="ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
        )
        cls.minutes = cls.write_minutes(cls.next_meeting)

    @classmethod
    def write_minutes(cls, meeting) -> Minutes:
        by = cls.secretariat
        minutes = services.minutes_start(meeting=meeting, by=by)
        services.minutes_update(
            minutes=minutes,
            by=by,
            opening_note="ประธานนำสวดมนต์ก่อนเข้าวาระการประชุม",
            recorder_name="นางพรพรรณ ปัญตะบุตร",
            recorder_position="เจ้าพนักงานธุรการชำนาญงาน",
            checker_name="นางนัญญา สมฤทธิ์",
            checker_position="หัวหน้าฝ่ายอำนวยการ",
        )
        services.attendees_add_lines(
            minutes=minutes,
            text="๑. นายชาติตรี\tธินนท์\tผู้ว่าราชการจังหวัดลำปาง\n"
            "๒. นางอุทัยวรรณ\tมินสุวรรณ\tหัวหน้าสำนักงานจังหวัดลำปาง\n"
            "๓. นายประจักษ์จิตร\tสายนะที\tรองวัฒนธรรมจังหวัดลำปาง",
            kind=Attendee.Kind.PRESENT,
            by=by,
        )
        substitute = minutes.attendees.get(name="นายประจักษ์จิตร สายนะที")
        services.attendees_save(
            minutes=minutes, changed=[(substitute, {"substitute_for": "วัฒนธรรมจังหวัดลำปาง"})], deleted=[], by=by
        )
        services.attendees_add_lines(
            minutes=minutes,
            text="นางฉันทนา\tอรุณรัตน์\tพัฒนาการอำเภอสบปราบ\tติดราชการ",
            kind=Attendee.Kind.ABSENT,
            by=by,
        )
        services.attendees_add_lines(
            minutes=minutes, text="นายวิทยา  ผู้แทนมหาวิทยาลัยราชภัฏลำปาง", kind=Attendee.Kind.GUEST, by=by
        )
        sections = {section.number: section for section in minutes.sections.all()}
        services.item_create(
            section=sections[Section.CHAIR],
            by=by,
            title="งบประมาณเพื่อฟื้นฟูเศรษฐกิจ <b>x</b>",
            body="ซึ่งผ่าน พ.ร.ก. แล้ว แบ่งเป็น\n- งบประมาณประชาชน\n- งบประมาณเศรษฐกิจฐานราก\n\n"
            "รางวัลชนะเลิศ\tคือ อำเภอเมืองลำปาง\nรางวัลรองชนะเลิศ\tคือ อำเภอวังเหนือ",
        )
        services.item_create(
            section=sections[Section.CHAIR],
            by=by,
            body="ปลูกพืช ปลูกผัก ปลูกรัก กับ พช. เป้าหมายร้อยละ ๙๐\nอำเภอใดไม่ถึงเป้าขอให้ดำเนินการด้วย",
        )
        services.section_update(section=sections[Section.CHAIR], by=by, resolution="รับทราบ")
        services.section_update(
            section=sections[Section.CERTIFY],
            by=by,
            body="ฝ่ายเลขานุการได้ส่งรายงานการประชุมให้ตรวจสอบแล้ว ปรากฏว่าไม่มีข้อแก้ไข",
            resolution="รับรอง",
        )
        services.item_create(
            section=sections[Section.FOLLOW_UP],
            by=by,
            title="การเร่งรัดการเบิกจ่ายกองทุนพัฒนาบทบาทสตรี",
            presenter="กลุ่มงานส่งเสริมการพัฒนาชุมชน",
            body="ในภาพรวมของจังหวัด มีผลการเบิกจ่ายร้อยละ ๗๔.๓๐",
            resolution="รับทราบ",
        )
        parent = services.item_create(
            section=sections[Section.FOR_INFORMATION], by=by, presenter="สำนักงานวัฒนธรรมจังหวัดลำปาง"
        )
        services.item_create(
            section=sections[Section.FOR_INFORMATION],
            parent=parent,
            by=by,
            title="การประกวดผ้า สืบสานอนุรักษ์ศิลป์ ผ้าถิ่นไทย",
            body="จังหวัดลำปางได้ดำเนินการประกวดแล้ว",
            resolution="รับทราบ ให้ประชาสัมพันธ์ผลการประกวด",
        )
        services.letter_update(
            minutes=minutes,
            by=by,
            letter_number="ลป 0017.3/123",
            letter_date=datetime.date(2017, 12, 28),
            letter_office="ศาลากลางจังหวัดลำปาง\nถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐",
            letter_to="หัวหน้าส่วนราชการทุกส่วน",
            letter_signer_name="นายชาติ อินทร์",
            letter_signer_position="หัวหน้าสำนักงานจังหวัดลำปาง",
            letter_contact="กลุ่มงานอำนวยการ\nโทร./โทรสาร 0-5426-5055",
        )
        return minutes

    @classmethod
    def add_items(cls, minutes: Minutes, count: int, *, reason: str = "") -> None:
        """``count`` more items (each with a sub-item) and attendees."""
        section = minutes.sections.get(number=Section.FOR_CONSIDERATION)
        for n in range(count):
            item = services.item_create(
                section=section,
                by=cls.secretariat,
                title=f"เรื่องเพื่อพิจารณาที่ {thai.thai_digits(n + 1)}",
                body="รายละเอียด\n- ข้อหนึ่ง",
                resolution="เห็นชอบ",
                reason=reason,
            )
            services.item_create(section=section, parent=item, by=cls.secretariat, title="เรื่องย่อย", reason=reason)
        services.attendees_add_lines(
            minutes=minutes,
            text="\n".join(f"นายทดสอบ{thai.thai_digits(n)}\tผู้แทนหน่วยงาน" for n in range(count)),
            kind=Attendee.Kind.PRESENT,
            reason=reason,
            by=cls.secretariat,
        )

    @classmethod
    def circulate(cls, minutes: Minutes) -> Minutes:
        return services.minutes_circulate(minutes=minutes, deadline=DEADLINE, on=CIRCULATED_ON, by=cls.secretariat)


# ---------------------------------------------------------------------------
# The view


@override_settings(STORAGES=PLAIN_STATIC)
class MinutesPdfViewTests(MinutesCast):
    def url(self, meeting=None, **query) -> str:
        url = reverse("minutes_pdf", args=[(meeting or self.next_meeting).pk])
        return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def test_it_serves_the_minutes_inline_as_a_pdf(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'inline; filename="minutes-2560-11.pdf"')
        self.assertTrue(response.content.startswith(b"%PDF-"))

    def test_it_puts_the_cover_letter_first_when_asked(self):
        self.circulate(self.minutes)
        self.login(self.secretariat)
        response = self.client.get(self.url(letter=1))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Disposition"], 'inline; filename="minutes-2560-11-letter.pdf"')
        first = squash(page_texts(response.content)[0])
        self.assertTrue(first.startswith(squash("ที่ ลป ๐๐๑๗.๓/๑๒๓")))

    def test_it_refuses_the_letter_of_a_draft_with_a_thai_message(self):
        self.login(self.secretariat)
        response = self.client.get(self.url(letter=1))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("ยังไม่ได้เวียนเพื่อรับรอง", response.content.decode())

    def test_it_answers_404_for_a_meeting_without_minutes(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(self.url(self.meeting)).status_code, 404)
        self.assertEqual(self.client.get(reverse("minutes_pdf", args=[999999])).status_code, 404)

    def test_it_lets_readers_print_draft_minutes_and_hides_them_from_agencies(self):
        fake = mock.Mock(return_value=("x.pdf", b"%PDF-fake"))
        with mock.patch.object(documents, "render_minutes", fake):
            for user, status in [
                (self.secretariat, 200),
                (self.executive, 200),
                (self.user_a, 404),
                (self.user_b, 404),
            ]:
                self.login(user)
                with self.subTest(user=user.username):
                    self.assertEqual(self.client.get(self.url()).status_code, status)
            self.circulate(self.minutes)
            for user in (self.user_a, self.user_b):
                self.login(user)
                with self.subTest(user=user.username, circulated=True):
                    self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(fake.call_args.kwargs, {"with_letter": False})

    def test_it_forbids_a_user_without_a_role(self):
        self.login(User.objects.create_user("nobody"))
        self.assertEqual(self.client.get(self.url()).status_code, 403)

    def test_it_sends_anonymous_visitors_to_login(self):
        self.login(None)
        self.assertRedirects(self.client.get(self.url()), login_redirect(self.url()), fetch_redirect_response=False)

    def test_it_answers_other_methods_with_405(self):
        self.login(self.secretariat)
        for method in (self.client.post, self.client.put, self.client.delete):
            with self.subTest(method=method.__name__):
                self.assertEqual(method(self.url()).status_code, 405)


# ---------------------------------------------------------------------------
# The document


class MinutesDocumentTests(MinutesCast):
    """One draft, then the same minutes circulated with their letter, then certified
    and amended: printed once each for the class."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        minutes = Minutes.objects.get(pk=cls.minutes.pk)
        cls.draft_name, cls.draft = documents.render_minutes(minutes)
        cls.draft_html = captured(minutes).html
        cls.circulate(minutes)
        cls.letter_name, cls.letter = documents.render_minutes(minutes, with_letter=True)
        later = meeting_create(
            by=cls.secretariat, series=cls.series, number=1, year_be=2561, date=datetime.date(2018, 1, 31)
        )
        services.minutes_certify(minutes=minutes, at_meeting=later, by=cls.secretariat)
        services.section_update(
            section=minutes.sections.get(number=Section.CHAIR),
            resolution="รับทราบ และมอบหมายสำนักงานจังหวัดติดตาม",
            reason="แก้ตามมติที่ประชุมครั้งที่ ๑/๒๕๖๑",
            by=cls.secretariat,
        )
        _, cls.certified = documents.render_minutes(minutes)
        cls.certified_html = captured(minutes).html
        cls.draft_text = text_of(cls.draft)
        cls.letter_pages = page_texts(cls.letter)
        cls.certified_text = text_of(cls.certified)

    def assert_in_order(self, text: str, *parts: str) -> None:
        """Each part is in ``text``, after the one before it."""
        start = 0
        for part in parts:
            found = text.find(squash(part), start)
            self.assertNotEqual(found, -1, f"{part!r} not found after position {start}")
            start = found + len(squash(part))

    def test_it_names_the_file_after_the_meeting(self):
        self.assertEqual(self.draft_name, "minutes-2560-11.pdf")
        self.assertEqual(self.letter_name, "minutes-2560-11-letter.pdf")

    def test_it_heads_the_minutes_as_form_11_does(self):
        first = squash(page_texts(self.certified)[0])
        self.assertTrue(first.startswith(squash("รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ ๑๑/๒๕๖๐")))
        self.assert_in_order(
            first,
            "ครั้งที่ ๑๑/๒๕๖๐",
            "เมื่อวันพุธที่ ๒๗ ธันวาคม ๒๕๖๐ เวลา ๐๙.๓๐ น.",
            "ณ ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
            "ผู้มาประชุม",
        )

    def test_it_lists_who_came_who_did_not_and_the_guests(self):
        self.assert_in_order(
            self.certified_text,
            "ผู้มาประชุม จำนวน ๓ คน",
            "๑. นายชาติตรี ธินนท์ ผู้ว่าราชการจังหวัดลำปาง",
            "๓. นายประจักษ์จิตร สายนะที รองวัฒนธรรมจังหวัดลำปาง มาประชุมแทน วัฒนธรรมจังหวัดลำปาง",
            "ผู้ไม่มาประชุม",
            "๑. นางฉันทนา อรุณรัตน์ พัฒนาการอำเภอสบปราบ ติดราชการ",
            "ผู้เข้าร่วมประชุม",
            "๑. นายวิทยา ผู้แทนมหาวิทยาลัยราชภัฏลำปาง",
            "เริ่มประชุมเวลา ๐๙.๓๐ น.",
            "ประธานนำสวดมนต์ก่อนเข้าวาระการประชุม",
        )

    def test_it_leaves_out_an_empty_attendance_block(self):
        Attendee.objects.filter(minutes=self.minutes, kind=Attendee.Kind.GUEST).delete()
        html = captured(self.minutes).html
        self.assertIn("ผู้ไม่มาประชุม", html)
        self.assertNotIn("ผู้เข้าร่วมประชุม", html)

    def test_it_prints_the_six_sections_in_order_with_their_resolutions(self):
        self.assert_in_order(
            self.certified_text,
            "ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "๑.๑ งบประมาณเพื่อฟื้นฟูเศรษฐกิจ",
            "มติที่ประชุม รับทราบ และมอบหมายสำนักงานจังหวัดติดตาม",
            "ระเบียบวาระที่ ๒ รับรองรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐",
            "ปรากฏว่าไม่มีข้อแก้ไข",
            "มติที่ประชุม รับรอง",
            "ระเบียบวาระที่ ๓ เรื่องสืบเนื่องจากการประชุมครั้งที่ ๑๐/๒๕๖๐",
            "ระเบียบวาระที่ ๔ เรื่องเพื่อทราบ",
            "๔.๑ สำนักงานวัฒนธรรมจังหวัดลำปาง",
            "๑. การประกวดผ้า สืบสานอนุรักษ์ศิลป์ ผ้าถิ่นไทย",
            "จังหวัดลำปางได้ดำเนินการประกวดแล้ว",
            "มติที่ประชุม รับทราบ ให้ประชาสัมพันธ์ผลการประกวด",
            "ระเบียบวาระที่ ๕ เรื่องเพื่อพิจารณา",
            "- ไม่มี -",
            "ระเบียบวาระที่ ๖ เรื่องอื่น ๆ",
            "- ไม่มี -",
            "เลิกประชุมเวลา ๑๒.๓๐ น.",
        )

    def test_it_heads_an_agenda_item_with_its_presenter_and_sets_the_title_below(self):
        """As the seed's ๓.๑, ๓.๒ and ๕.๑, laid out like ๔.๑ with its ๑.: who presents it,
        then the title on a line of its own, one step in."""
        self.assertIn(
            squash("๓.๑ กลุ่มงานส่งเสริมการพัฒนาชุมชน การเร่งรัดการเบิกจ่ายกองทุนพัฒนาบทบาทสตรี ในภาพรวม"),
            self.certified_text,
        )
        self.assertIn(
            '<p class="item-heading">๓.๑ กลุ่มงานส่งเสริมการพัฒนาชุมชน</p>\n'
            '    <p class="item-heading item-title">การเร่งรัดการเบิกจ่ายกองทุนพัฒนาบทบาทสตรี</p>',
            self.certified_html,
        )
        self.assertNotIn("(กลุ่มงานส่งเสริมการพัฒนาชุมชน)", self.certified_html)

    def test_it_puts_the_presenter_in_brackets_after_the_title_before_the_agenda(self):
        """เรื่องก่อนเข้าวาระ as the seed prints it: "๑. โครงการ … (กลุ่มงานสารสนเทศการพัฒนาชุมชน)"."""
        services.item_create(
            section=self.minutes.sections.get(number=Section.PRELIMINARY),
            number="0.1",
            title="โครงการ Lampang Report Award ๒๐๑๘",
            presenter="กลุ่มงานสารสนเทศการพัฒนาชุมชน",
            reason="เพิ่มเรื่องที่ตกหล่น",
            by=self.secretariat,
        )
        html = captured(Minutes.objects.get(pk=self.minutes.pk)).html
        self.assertIn(
            '<p class="item-heading">๑. โครงการ Lampang Report Award ๒๐๑๘ (กลุ่มงานสารสนเทศการพัฒนาชุมชน)</p>', html
        )

    def test_an_item_of_running_text_starts_right_after_its_number(self):
        self.assertIn(squash("๑.๒ ปลูกพืช ปลูกผัก ปลูกรัก กับ พช."), self.certified_text)
        self.assertIn('<span class="item-label">๑.๒</span> ปลูกพืช', self.certified_html)

    def test_it_prints_the_preliminary_section_only_when_it_has_content(self):
        self.assertNotIn("เรื่องก่อนเข้าวาระการประชุม", self.certified_html)
        services.item_create(
            section=self.minutes.sections.get(number=Section.PRELIMINARY),
            number="0.1",
            title="แนะนำข้าราชการย้ายมาดำรงตำแหน่ง",
            reason="เพิ่มเรื่องที่ตกหล่น",
            by=self.secretariat,
        )
        html = captured(self.minutes).html
        self.assertIn('<p class="section-heading">เรื่องก่อนเข้าวาระการประชุม</p>', html)
        self.assertIn("๑. แนะนำข้าราชการย้ายมาดำรงตำแหน่ง", html)
        self.assertLess(html.index("เรื่องก่อนเข้าวาระการประชุม"), html.index("ระเบียบวาระที่ ๑"))

    def test_it_shows_the_trackers_follow_up_before_the_typed_items_of_section_3(self):
        self.assert_in_order(
            self.certified_text,
            "ระเบียบวาระที่ ๓",
            f"ผลการดำเนินงานตามข้อสั่งการที่ยังไม่แล้วเสร็จ (ข้อมูล ณ วันที่ {thai.date_long(CIRCULATED_ON)})",
            "๑ ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการ",
            "สำนักงานศึกษาธิการจังหวัดลำปาง ยังไม่ดำเนินการ",
            "ยังไม่มีรายงาน",
            "๒ วาระรักลำปาง ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์",
            "สำนักงานวัฒนธรรมจังหวัดลำปาง อยู่ระหว่างดำเนินการ",
            "จัดประชุมชี้แจงแล้ว",
            "๓.๑ กลุ่มงานส่งเสริมการพัฒนาชุมชน",
            "การเร่งรัดการเบิกจ่ายกองทุนพัฒนาบทบาทสตรี",
            "ระเบียบวาระที่ ๔",
        )

    def test_it_names_agencies_without_a_report_together(self):
        agencies = [
            Agency.objects.create(name=f"อำเภอทดสอบ{thai.thai_digits(n)}", print_order=300 + n) for n in range(4)
        ]
        directive_services.directive_create(
            meeting=self.meeting,
            number="3",
            text="ขอให้ทุกอำเภอรายงานผล",
            parties=[directive_services.Party(agency=agency) for agency in agencies],
            by=self.secretariat,
        )
        # The minutes went round before this directive: their frozen copy does not have it.
        self.assertNotIn("ขอให้ทุกอำเภอรายงานผล", captured(self.minutes).html)
        # As a draft, they read the tracker as it is now.
        Minutes.objects.filter(pk=self.minutes.pk).update(follow_up_snapshot=None, state="draft", certify_deadline=None)
        html = captured(Minutes.objects.get(pk=self.minutes.pk)).html
        self.assertIn("ขอให้ทุกอำเภอรายงานผล", html)
        self.assertIn('<span class="agency-name">ยังไม่มีรายงาน ๔ หน่วยงาน</span> ยังไม่ดำเนินการ', html)
        self.assertIn(", ".join(agency.name for agency in agencies), html)
        self.assertEqual(html.count("อำเภอทดสอบ๐"), 1)

    def test_it_gathers_silent_agencies_of_a_copy_frozen_before_the_service_did(self):
        row = {
            "number": "๑",
            "is_sub_item": False,
            "heading": "",
            "paragraphs": ["ขอให้รายงาน"],
            "agencies": [
                {"name": f"อำเภอ{n}", "status": "ยังไม่ดำเนินการ", "overdue_days": 0, "report_date": None, "report": []}
                for n in "กขค"
            ]
            + [
                {
                    "name": "อำเภอง",
                    "status": "อยู่ระหว่างดำเนินการ",
                    "overdue_days": 0,
                    "report_date": "2018-01-05",
                    "report": ["ทำแล้ว"],
                }
            ],
        }
        (printed,) = documents._follow_up([row])
        self.assertEqual([a.name for a in printed.agencies], ["อำเภอง"])
        self.assertEqual(printed.agencies[0].report_date, datetime.date(2018, 1, 5))
        self.assertEqual(
            [(s.names, s.status) for s in printed.silent], [(["อำเภอก", "อำเภอข", "อำเภอค"], "ยังไม่ดำเนินการ")]
        )

    def test_it_keeps_the_typed_bullets_and_tables(self):
        html = self.certified_html
        self.assertIn('<p class="para">ซึ่งผ่าน พ.ร.ก. แล้ว แบ่งเป็น</p>', html)
        self.assertIn('<p class="bullet level-0"><span class="dash">-</span>งบประมาณประชาชน</p>', html)
        self.assertRegex(
            html,
            r'<table class="typed-table"><tr><td>รางวัลชนะเลิศ</td><td>คือ อำเภอเมืองลำปาง</td></tr>'
            r"<tr><td>รางวัลรองชนะเลิศ</td><td>คือ อำเภอวังเหนือ</td></tr></table>",
        )

    def test_it_ends_with_the_recorder_and_the_checker(self):
        self.assert_in_order(
            self.certified_text,
            "เลิกประชุมเวลา ๑๒.๓๐ น.",
            "ลงชื่อ ผู้จดรายงานการประชุม (นางพรพรรณ ปัญตะบุตร) เจ้าพนักงานธุรการชำนาญงาน",
            "ลงชื่อ ผู้ตรวจรายงานการประชุม (นางนัญญา สมฤทธิ์) หัวหน้าฝ่ายอำนวยการ",
        )

    def test_it_writes_every_number_in_thai_digits(self):
        for name, pdf in (("draft", self.draft), ("letter", self.letter), ("certified", self.certified)):
            with self.subTest(name):
                self.assertNotRegex("".join(page_texts(pdf)), r"[0-9]")

    def test_it_prints_what_users_typed_as_text(self):
        self.assertIn(squash("งบประมาณเพื่อฟื้นฟูเศรษฐกิจ <b>x</b>"), self.certified_text)
        self.assertIn("งบประมาณเพื่อฟื้นฟูเศรษฐกิจ &lt;b&gt;x&lt;/b&gt;", self.certified_html)
        self.assertNotIn("<b>x</b>", self.certified_html)

    def test_it_marks_a_draft_on_every_page(self):
        self.assertIn('<div class="draft-mark">ร่าง</div>', self.draft_html)
        for number, text in enumerate(page_texts(self.draft), start=1):
            with self.subTest(page=number):
                self.assertIn("ร่าง", squash(text))
        self.assertNotIn('class="draft-mark"', self.certified_html)
        self.assertNotIn("ร่าง", self.certified_text)

    def test_it_says_where_certified_minutes_were_certified(self):
        self.assertIn(
            squash("รายงานการประชุมนี้ได้รับการรับรองในการประชุมครั้งที่ ๑/๒๕๖๑ เมื่อวันที่ ๓๑ มกราคม ๒๕๖๑ (รับรอง)"),
            self.certified_text,
        )
        self.assertNotIn(squash("รับรองในการประชุมครั้งที่"), self.draft_text)

    def test_it_says_when_circulated_minutes_count_as_certified(self):
        minutes_text = squash("".join(self.letter_pages[1:]))
        self.assertIn(
            squash("รายงานการประชุมนี้ถือว่าได้รับการรับรองแล้ว เนื่องจากพ้นกำหนดรับรองวันที่ ๑๐ มกราคม ๒๕๖๑"),
            minutes_text,
        )

    def test_it_appends_the_amendments_made_after_certification(self):
        pages = page_texts(self.certified)
        last = squash(pages[-1])
        self.assert_in_order(
            last,
            "บันทึกการแก้ไขรายงานการประชุมหลังการรับรอง",
            "ลำดับ การแก้ไข เหตุผล ผู้แก้ไข / เมื่อ",
            "๑ ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ: มติที่ประชุม",
            "ข้อความเดิม รับทราบ",
            "ข้อความใหม่ รับทราบ และมอบหมายสำนักงานจังหวัดติดตาม",
        )
        self.assertIn(squash("แก้ตามมติที่ประชุมครั้งที่ ๑/๒๕๖๑"), last)
        self.assertIn(squash("สมศรี ใจดี"), last)
        self.assertNotIn("บันทึกการแก้ไข", self.draft_text)

    # -- the letter -----------------------------------------------------------

    def test_it_prints_the_letter_on_its_own_page_before_the_minutes(self):
        letter = squash(self.letter_pages[0])
        self.assert_in_order(
            letter,
            "ที่ ลป ๐๐๑๗.๓/๑๒๓",
            "ศาลากลางจังหวัดลำปาง ถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐",
            "๒๘ ธันวาคม ๒๕๖๐",
            "เรื่อง ขอส่งรายงานการประชุม",
            "เรียน หัวหน้าส่วนราชการทุกส่วน",
            "สิ่งที่ส่งมาด้วย รายงานการประชุมฯ จำนวน ๑ ชุด",
            "ตามที่ ได้มีการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ ๑๑/๒๕๖๐ เมื่อวันที่ ๒๗ ธันวาคม ๒๕๖๐ "
            "เวลา ๐๙.๓๐ น. ณ ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง นั้น",
            "บัดนี้ ฝ่ายเลขานุการได้จัดทำรายงานการประชุม ครั้งที่ ๑๑/๒๕๖๐",
            "เพื่อรับรองและตรวจสอบความถูกต้อง",
            "ทางระบบติดตามข้อสั่งการ",
            "ภายในวันที่ ๑๐ มกราคม ๒๕๖๑ หากพ้นกำหนดถือว่ารับรองรายงานการประชุมฯ",
            "จึงเรียนมาเพื่อพิจารณาดำเนินการ",
            "ขอแสดงความนับถือ",
            "(นายชาติ อินทร์) หัวหน้าสำนักงานจังหวัดลำปาง",
            "กลุ่มงานอำนวยการ โทร./โทรสาร ๐-๕๔๒๖-๕๐๕๕",
        )
        self.assertNotIn(squash("รายงานการประชุมหัวหน้าส่วนราชการ"), letter)
        self.assertTrue(squash(self.letter_pages[1]).startswith(squash("รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง")))

    def test_it_numbers_the_minutes_after_the_letter_from_their_own_first_page(self):
        if not HAS_POPPLER:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        boxes = word_boxes(self.letter)
        pages = len(self.letter_pages)
        self.assertGreaterEqual(pages, 3)
        for number in (1, 2):  # the letter, and the minutes' first page: no number
            top = min((box for box in boxes if box[0] == number), key=lambda box: box[2])
            self.assertNotEqual(top[5], "-", f"page {number}")
        for number in range(3, pages + 1):
            top = sorted((box for box in boxes if box[0] == number), key=lambda box: (box[2], box[1]))[:3]
            self.assertEqual([box[5] for box in top], ["-", thai.thai_digits(number - 1), "-"], f"page {number}")

    def test_it_refuses_the_letter_of_a_draft(self):
        draft = self.write_minutes(
            meeting_create(
                by=self.secretariat, series=self.series, number=2, year_be=2561, date=datetime.date(2018, 2, 28)
            )
        )
        with self.assertRaisesMessage(services.DomainError, "ยังไม่ได้เวียนเพื่อรับรอง"):
            documents.render_minutes(draft, with_letter=True)

    # -- the page ------------------------------------------------------------

    def test_it_prints_on_a4_within_the_margins(self):
        with pikepdf.open(io.BytesIO(self.certified)) as pdf:
            for page in pdf.pages:
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                self.assertAlmostEqual(x1 - x0, A4[0], delta=0.5)
                self.assertAlmostEqual(y1 - y0, A4[1], delta=0.5)
        if not HAS_POPPLER:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        for pdf in (self.certified, self.letter):
            boxes = word_boxes(pdf)
            self.assertGreaterEqual(min(box[1] for box in boxes), 3 * CM - 0.5)
            self.assertLessEqual(max(box[3] for box in boxes), A4[0] - 2 * CM + 0.5)

    def test_it_sets_an_explicit_line_height_and_left_aligned_text(self):
        self.assertRegex(
            self.certified_html, r"html \{[^}]*font-size: 16pt;[^}]*line-height: 1\.2;[^}]*text-align: left;"
        )
        self.assertNotIn("justify", self.certified_html)


class QueryCountTests(MinutesCast):
    """The same minutes read before and after a dozen more items, sub-items,
    attendees (and amendments): the count stays put."""

    def assert_queries_do_not_grow(self, expected: int, *, reason: str = "") -> None:
        minutes = Minutes.objects.get(pk=self.minutes.pk)
        with self.assertNumQueries(expected):
            captured(minutes)
        self.add_items(self.minutes, 12, reason=reason)
        with self.assertNumQueries(expected):
            captured(minutes)

    def test_it_reads_a_draft_in_a_fixed_number_of_queries(self):
        # minutes, attendees, sections, items, amendments; then ระเบียบวาระที่ ๓ live from the
        # tracker: the previous meeting, its directives, their parties, assignments, reports.
        self.assert_queries_do_not_grow(10)

    def test_it_reads_circulated_minutes_in_a_fixed_number_of_queries(self):
        services.minutes_circulate(minutes=self.minutes, deadline=datetime.date(2100, 1, 1), by=self.secretariat)
        self.assert_queries_do_not_grow(5)  # ระเบียบวาระที่ ๓ is the snapshot taken at circulation

    def test_it_reads_certified_and_amended_minutes_in_a_fixed_number_of_queries(self):
        self.circulate(self.minutes)
        later = meeting_create(
            by=self.secretariat, series=self.series, number=1, year_be=2561, date=datetime.date(2018, 1, 31)
        )
        services.minutes_certify(minutes=self.minutes, at_meeting=later, by=self.secretariat)
        self.assert_queries_do_not_grow(5, reason="เพิ่มเรื่องที่ตกหล่น")
        self.assertGreater(self.minutes.amendments.count(), 12)


# ---------------------------------------------------------------------------
# Typed text


class TextBlockTests(SimpleTestCase):
    def test_it_keeps_each_line_and_drops_blank_ones(self):
        self.assertEqual(
            text_blocks("ตามที่ จังหวัดลำปาง\n\n  สรุปผลคะแนน ดังนี้  \n"),
            [Block("p", "ตามที่ จังหวัดลำปาง"), Block("p", "สรุปผลคะแนน ดังนี้")],
        )

    def test_it_reads_dash_lines_as_bullets(self):
        self.assertEqual(
            text_blocks("- งบประมาณประชาชน\n-งบประมาณบุคลากร\n  - ๒) ส่งเสริมอาชีพ\n• ข้อสาม"),
            [
                Block("bullet", "งบประมาณประชาชน"),
                Block("bullet", "งบประมาณบุคลากร"),
                Block("bullet", "๒) ส่งเสริมอาชีพ", level=1),
                Block("bullet", "ข้อสาม"),
            ],
        )

    def test_it_centres_a_line_set_between_dashes(self):
        self.assertEqual(text_blocks("- ไม่มี -"), [Block("centre", "- ไม่มี -")])

    def test_it_does_not_take_a_negative_number_or_a_rule_for_a_bullet(self):
        self.assertEqual([b.kind for b in text_blocks("-๕ องศา\n----------")], ["p", "p"])

    def test_it_reads_tab_separated_lines_as_one_table(self):
        blocks = text_blocks("ดังนี้\nรางวัลชนะเลิศ\tคือ อำเภอ เมืองลำปาง\nรวมทั้งสิ้น\t\t๑๑,๗๑๔,๑๐๐ บาท\nหมายเหตุ\n\ta\tb")
        self.assertEqual([b.kind for b in blocks], ["p", "table", "p", "table"])
        self.assertEqual(blocks[1].rows, [["รางวัลชนะเลิศ", "คือ อำเภอ เมืองลำปาง", ""], ["รวมทั้งสิ้น", "", "๑๑,๗๑๔,๑๐๐ บาท"]])
        self.assertEqual(blocks[3].rows, [["a", "b"]])

    def test_it_runs_the_first_line_of_a_resolution_on_after_its_label(self):
        resolution = documents.resolution_of("รับทราบ\n- ให้อำเภอรายงาน")
        self.assertEqual(resolution.first, "รับทราบ")
        self.assertEqual(resolution.rest, [Block("bullet", "ให้อำเภอรายงาน")])
        self.assertIsNone(documents.resolution_of("  \n"))
