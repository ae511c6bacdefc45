"""manage.py load_demo: the real minutes of ครั้งที่ ๔/๒๕๖๓ (สำนักงานพัฒนาชุมชนจังหวัดลำปาง)
come in whole, through the minutes services and their certification workflow."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase, override_settings

from agencies.models import Agency
from directives.documents import open_item_rows
from directives.models import today
from meetings.models import Meeting, MeetingSeries
from minutes import services
from minutes.models import AgendaItem, AgendaSection, Amendment, Attendee, CorrectionRequest, Minutes, Standing, State
from tests.test_load_demo import load_demo

SEED = Path(settings.BASE_DIR) / "tests" / "data" / "minutes-lampang-cdd-4-2563.txt"
FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "minutes-cdd-4-2563.json"
SERIES = "การประชุมผู้บริหารและนักวิชาการพัฒนาชุมชนสำนักงานพัฒนาชุมชนจังหวัดลำปาง"
VENUE = "ห้องศูนย์ปฏิบัติการจังหวัดลำปาง (สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ) ชั้น ๑ ศาลากลางจังหวัดลำปาง"

# The only wording the transcription changes: letters of another script inside Thai
# words (text extraction) and two plain typos.
TEXT_REPAIRS = {
    "นางสาวช\u093f\u0930า": "นางสาวชิรา",
    "เครือ\u092a\u093e\u0932ะ": "เครือปาละ",
    "ผิ\u0926\u0928ัด": "ผิดนัด",
    "ติตราชการ": "ติดราชการ",
    "นำสวตมณต์": "นำสวดมนต์",
}

ITEMS = {
    0: ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6"],
    1: ["1.1", "1.2", "1.3", "1.4"],
    2: [],
    3: ["3.1", "3.2"],
    4: ["4.1", "4.1.1", "4.1.2", "4.2", *(f"4.2.{n}" for n in range(1, 7)), "4.3", "4.3.1", "4.3.2"]
    + ["4.4", *(f"4.4.{n}" for n in range(1, 7))],
    5: ["5.1"],
    6: [],
}


def repaired_seed() -> str:
    text = SEED.read_text(encoding="utf-8")
    for seed, fixed in TEXT_REPAIRS.items():
        assert seed in text, seed
        text = text.replace(seed, fixed)
    return text


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def minutes_counts() -> dict[str, int]:
    models = [MeetingSeries, Meeting, Minutes, Attendee, AgendaSection, AgendaItem, CorrectionRequest, Amendment]
    counts = {model._meta.label: model.objects.count() for model in models}
    for model in [Meeting, Minutes, Attendee, AgendaSection, AgendaItem]:
        counts[f"{model._meta.label} history"] = model.history.count()
    return counts


@override_settings(DEBUG=True)
class LoadDemoMinutesTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_demo()
        cls.series = MeetingSeries.objects.get(name=SERIES)
        cls.meeting = Meeting.objects.get(series=cls.series, number=4, year_be=2563)
        cls.previous = Meeting.objects.get(series=cls.series, number=3, year_be=2563)
        cls.minutes = cls.meeting.minutes

    def section(self, number: int) -> AgendaSection:
        return self.minutes.sections.get(number=number)

    def item(self, number: str) -> AgendaItem:
        return AgendaItem.objects.get(section__minutes=self.minutes, number=number)

    def test_it_gives_the_series_the_seeds_own_wording(self):
        self.assertEqual(self.series.present_label, "ผู้เข้าร่วมประชุม")
        self.assertEqual(self.series.ended_label, "ปิดประชุม เวลา")
        self.assertEqual(self.series.recorder_label, "ผู้บันทึกรายงานการประชุม")
        self.assertEqual(self.series.checker_label, "ผู้ตรวจรายงานการประชุม")
        self.assertEqual(self.series.secretariat_name, "ฝ่ายอำนวยการ")

    def test_it_creates_the_series_and_both_meetings(self):
        self.assertEqual(self.series.office_line, "ฝ่ายอำนวยการ สำนักงานพัฒนาชุมชนจังหวัดลำปาง โทร./โทรสาร ๐-๕๔๒๖-๕๐๕๕")
        self.assertEqual(self.series.default_venue, VENUE)
        self.assertEqual(self.meeting.date, datetime.date(2020, 6, 17))
        self.assertEqual((self.meeting.start_time, self.meeting.end_time), (datetime.time(9), datetime.time(12, 30)))
        self.assertEqual((self.meeting.venue, self.meeting.chair), (VENUE, "พัฒนาการจังหวัดลำปาง"))
        self.assertEqual(self.previous.date, datetime.date(2020, 2, 28))
        self.assertEqual(self.meeting.previous(), self.previous)

    def test_it_gives_the_minutes_the_seeds_header_and_signatures(self):
        minutes = self.minutes
        self.assertEqual(minutes.title, "รายงานการประชุมผู้บริหารและนักวิชาการพัฒนาชุมชนสำนักงานพัฒนาชุมชนจังหวัดลำปาง")
        self.assertEqual(minutes.opening_note, "พัฒนาการจังหวัด นำสวดมนต์ก่อนเข้าวาระการประชุม")
        self.assertEqual((minutes.started_at, minutes.ended_at), (datetime.time(9), datetime.time(12, 30)))
        self.assertEqual(
            (minutes.recorder_name, minutes.recorder_position), ("นางพรพรรณ ปัญตะบุตร", "เจ้าพนักงานธุรการชำนาญงาน")
        )
        self.assertEqual((minutes.checker_name, minutes.checker_position), ("นางนงญา สมฤทธิ์", "หัวหน้าฝ่ายอำนวยการ"))

    def test_it_fills_the_cover_letter(self):
        minutes = self.minutes
        self.assertEqual(minutes.letter_number, "ลป ๐๐๑๙.๑/๐๕๕๖")
        self.assertEqual(minutes.letter_date, datetime.date(2020, 6, 15))
        self.assertEqual(minutes.letter_office, "สำนักงานพัฒนาชุมชนจังหวัดลำปาง\nถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐")
        self.assertEqual(minutes.letter_to, "พัฒนาการอำเภอทุกอำเภอ")
        self.assertEqual(minutes.letter_enclosure, "รายงานการประชุมฯ จำนวน ๑ ชุด")
        self.assertEqual(
            (minutes.letter_signer_name, minutes.letter_signer_position), ("นายชาติ อินทร์", "พัฒนาการจังหวัดลำปาง")
        )
        self.assertEqual(minutes.letter_contact, "ฝ่ายอำนวยการ\nโทร./โทรสาร ๐-๕๔๒๖-๕๐๕๕")

    def test_it_lists_the_36_present_and_the_absentee_with_her_reason(self):
        present = list(self.minutes.attendees.filter(kind=Attendee.Kind.PRESENT))
        self.assertEqual(len(present), 36)
        self.assertEqual((present[0].name, present[0].position), ("นายชาติตรี ธินนท์", "พัฒนาการจังหวัดลำปาง"))
        self.assertEqual(present[13].name, "นางสาวชิรา ตระกูลมั่งมูล")
        self.assertEqual((present[35].name, present[35].position), ("นางสาวดรุณี เครือปาละ", "พนักงานบันทึกข้อมูล"))
        absent = self.minutes.attendees.get(kind=Attendee.Kind.ABSENT)
        self.assertEqual(
            (absent.name, absent.position, absent.reason), ("นางฉันทนา อรุณรัตน์", "พัฒนาการอำเภอสบปราบ", "ติดราชการ")
        )
        self.assertFalse(self.minutes.attendees.filter(kind=Attendee.Kind.GUEST).exists())

    def test_it_keeps_every_attendee_row_of_the_seed_in_order(self):
        text = repaired_seed()
        table = text.split("ผู้เข้าร่วมประชุม จำนวน ๓๖ คน", 1)[1].split("ผู้ไม่มาประชุม", 1)[0]
        rows = []
        for line in table.splitlines():
            cells = [c.strip() for c in re.sub(r"^[๐-๙]+\.", "", line).split("\t") if c.strip()]
            if cells:
                rows.append((f"{cells[0]} {cells[1]}", cells[2]))
        loaded = list(self.minutes.attendees.filter(kind=Attendee.Kind.PRESENT).values_list("name", "position"))
        self.assertEqual(loaded, rows)

    def test_it_has_the_seven_sections_with_the_seeds_items(self):
        self.assertEqual(list(self.minutes.sections.values_list("number", flat=True)), list(range(7)))
        for number, items in ITEMS.items():
            with self.subTest(section=number):
                self.assertEqual(list(self.section(number).items.values_list("number", flat=True)), items)
        self.assertEqual([i.number for i in self.item("4.2").children.all()], [f"4.2.{n}" for n in range(1, 7)])
        # เรื่องก่อนเข้าวาระ keeps the seed's own numbers (๑. twice, then ๒.–๕.).
        labels = [item.printed_label for item in self.section(0).items.order_by("sort_key")]
        self.assertEqual(labels, ["๑.", "๑.", "๒.", "๓.", "๔.", "๕."])
        self.assertEqual(self.item("4.1.2").printed_label, "๒.")

    def test_it_keeps_the_seeds_titles_presenters_and_resolutions(self):
        self.assertEqual(self.section(1).title, "เรื่องที่ประธานแจ้งให้ทราบ")
        self.assertEqual(self.section(1).resolution, "รับทราบ")
        self.assertEqual(self.section(4).title, "เรื่องเพื่อทราบ (โดยการนำเสนอ ๑๐ เรื่อง)")
        self.assertEqual(self.section(6).body, "- ไม่มี -")
        self.assertEqual(self.item("0.2").title, "โครงการ Lampang Report Award ๒๐๑๘ (กลุ่มงานสารสนเทศการพัฒนาชุมชน)")
        # The chair's items are running text, printed after their number, not bold titles.
        one = self.item("1.1")
        self.assertEqual(one.title, "")
        self.assertTrue(one.body.startswith("งบประมาณเศรษฐกิจ หลังการแพร่ระบาด"))
        self.assertIn("จำนวนหนึ่งล้านล้านบาท แบ่งเป็น\n- งบประมาณประชาชน จำนวน หกแสนล้านบาท\n- งบประมาณบุคลากร", one.body)
        self.assertEqual(self.item("1.2").title, "โคนง นา โมเดล จังหวัดลำปาง")
        self.assertEqual(
            (self.item("3.1").presenter, self.item("3.1").title),
            ("กลุ่มงานส่งเสริมการพัฒนาชุมชน", "การเร่งรัดการเบิกจ่ายการดำเนินงานกองทุนพัฒนาบทบาทสตรี"),
        )
        self.assertEqual(
            self.item("3.2").resolution, "รับทราบ ขอให้อำเภอส่งหลักฐานการเบิกจ่ายทุกโครงการภายในวันที่ ๒๖ มิถุนายน ๒๕๖๓"
        )
        # Re-joined where the seed hard-wrapped a sentence.
        self.assertIn("กองทุนพัฒนาบทบาทสตรีจังหวัดลำปางได้แจ้ง", self.item("3.1").body)
        self.assertEqual(self.item("4.1").presenter, "กลุ่มงานยุทธศาสตร์การพัฒนาชุมชน")
        self.assertEqual(self.item("4.2").presenter, "กลุ่มงานส่งเสริมการพัฒนาชุมชน")
        self.assertEqual(self.item("4.3").presenter, "กลุ่มงานสารสนเทศการพัฒนาชุมชน")
        self.assertEqual(
            self.item("4.1.1").title,
            "กิจกรรมตามแผนปฏิบัติงานและแผนการใช้จ่ายงบประมาณ ประจำปีงบประมาณ พ.ศ. ๒๕๖๓",
        )
        self.assertEqual(self.item("4.2.1").resolution, "รับทราบ ให้ปรับข้อมูลตามให้อำเภอเสนอ")
        self.assertEqual(self.item("4.3.2").resolution, "รับทราบ อำเภอใดสามารถส่งให้จังหวัดเพิ่มได้ขอให้ส่งจังหวัดด้วย")
        self.assertEqual(self.item("4.4").title, "เรื่องเพื่อทราบโดยเอกสาร จำนวน ๒ เรื่อง")
        self.assertEqual(self.item("4.4.6").resolution, "")
        for number in ["4.1.1", "4.1.2", *(f"4.2.{n}" for n in (2, 3, 4, 5, 6)), "4.3.1"]:
            self.assertEqual(self.item(number).resolution, "รับทราบ", number)
        five = self.item("5.1")
        self.assertEqual(five.presenter, "กลุ่มงานส่งเสริมการพัฒนาชุมชน")
        self.assertEqual(five.title, "ข้อมูลเป้าหมายได้จากการจำหน่ายผลิตภัณฑ์หนึ่งตำบล หนึ่งผลิตภัณฑ์ (OTOP) ประจำปีงบประมาณ ๒๕๖๓")
        self.assertEqual(five.resolution, "รับทราบ ขอให้ทุกอำเภอเพิ่มเป้าหมายเป็นร้อยละ ๑๘")

    def test_it_keeps_every_word_of_the_agenda_in_the_seeds_order(self):
        """Walk the seed from เรื่องก่อนเข้าวาระ to ระเบียบวาระที่ ๖: each loaded text must
        come next, and what lies between may only be the labels the app prints itself."""
        text = repaired_seed()
        text = text[text.index("เรื่องก่อนเข้าวาระการประชุม") : text.index("ปิดประชุม")]
        text = re.sub(r"^\)$", "", text, flags=re.M)  # a stray bracket of the extraction
        text = re.sub(r"</?u>|\*\*", "", text)
        text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
        seed = squash(text)
        labels = re.compile(r"(ระเบียบวาระที่[๐-๙])?([๐-๙]+(\.[๐-๙]+)*\.?)?(มติที่ประชุม)?")
        pieces = []
        for section in self.minutes.sections.all():
            pieces += [section.title, section.body]
            for item in section.items.all():
                pieces += [item.presenter, item.title, item.body, item.resolution]
            pieces.append(section.resolution)
        at = 0
        for piece in filter(None, map(squash, pieces)):
            found = seed.find(piece, at)
            self.assertGreaterEqual(found, 0, piece[:80])
            self.assertTrue(labels.fullmatch(seed[at:found]), f"{seed[at:found][:80]!r} before {piece[:40]!r}")
            at = found + len(piece)
        self.assertEqual(seed[at:], "")

    def test_it_leaves_no_letter_of_another_script(self):
        texts = [self.minutes.opening_note]
        texts += [f"{a.name} {a.position} {a.reason}" for a in self.minutes.attendees.all()]
        for item in AgendaItem.objects.filter(section__minutes=self.minutes):
            texts += [item.title, item.body, item.resolution]
        for text in texts:
            self.assertNotRegex(text, r"[\u0900-\u097f]")

    def test_it_lists_its_repairs_in_the_fixture(self):
        repairs = json.loads(FIXTURE.read_text(encoding="utf-8"))["_repairs"]
        listed = {(r["seed"], r["fixture"]) for r in repairs if r["kind"] == "text"}
        self.assertEqual(listed, set(TEXT_REPAIRS.items()))

    def test_it_names_the_previous_meeting_in_sections_2_and_3(self):
        reference = "ครั้งที่ ๓/๒๕๖๓ เมื่อวันที่ ๒๘ กุมภาพันธ์ ๒๕๖๓"
        self.assertEqual(self.section(2).title, f"รับรองรายงานการประชุม{reference}")
        self.assertEqual(self.section(3).title, f"เรื่องสืบเนื่องจากการประชุม{reference}")
        self.assertEqual(
            self.section(2).body,
            "สำนักงานพัฒนาชุมชนจังหวัดได้ส่งรายงานการประชุมให้อำเภอดตรวจสอบความถูกต้องและรับรองรายงานการประชุมแล้วปรากฏว่าไม่มีข้อแก้ไข",
        )
        self.assertEqual(self.section(2).resolution, "รับรอง")

    def test_it_certifies_the_previous_minutes_at_this_meeting(self):
        previous = self.previous.minutes
        self.assertEqual(previous.state, State.CERTIFIED)
        self.assertEqual(previous.certified_in, self.meeting)
        self.assertEqual(previous.certified_note, "รับรอง")
        self.assertEqual(previous.standing(), Standing.CERTIFIED)
        # We do not have their text: standard sections, nothing in them.
        self.assertFalse(AgendaItem.objects.filter(section__minutes=previous).exists())
        self.assertFalse(previous.attendees.exists())
        self.assertEqual(previous.certify_deadline, datetime.date(2020, 3, 31))

    def test_it_circulates_on_the_letter_date_and_now_counts_as_certified(self):
        minutes = self.minutes
        self.assertEqual(minutes.state, State.CIRCULATING)
        self.assertEqual(minutes.certify_deadline, datetime.date(2020, 6, 30))
        self.assertEqual(minutes.circulated_at.date(), datetime.date(2020, 6, 15))
        self.assertEqual(minutes.follow_up_as_of, datetime.date(2020, 6, 15))
        self.assertEqual(minutes.standing(), Standing.DEEMED_CERTIFIED)
        self.assertEqual(minutes.standing(on=datetime.date(2020, 6, 20)), Standing.CIRCULATING)
        self.assertTrue(minutes.is_locked())
        self.assertIsNone(minutes.certified_in)
        self.assertFalse(minutes.corrections.exists())
        self.assertFalse(minutes.amendments.exists())

    def test_it_reports_the_minutes_it_loaded(self):
        self.assertIn("ครั้งที่ ๔/๒๕๖๓", self.output)
        self.assertIn("agenda items 33", self.output)

    def test_it_changes_nothing_when_run_twice(self):
        before = minutes_counts()
        output = load_demo()
        self.assertEqual(minutes_counts(), before)
        self.assertIn("nothing (already loaded)", output)


@override_settings(DEBUG=True)
class LoadDemoNextGovernorMeetingTest(TestCase):
    """ครั้งที่ ๑๑/๒๕๖๐ of the governor's series: a draft whose ระเบียบวาระที่ ๓ is live."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.previous = Meeting.objects.get(series__name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง", number=10, year_be=2560)
        cls.meeting = Meeting.objects.get(series=cls.previous.series, number=11, year_be=2560)
        cls.minutes = cls.meeting.minutes

    def test_it_holds_the_meeting_a_month_later_in_the_same_room(self):
        self.assertEqual(self.meeting.date, datetime.date(2017, 12, 27))
        self.assertEqual(self.meeting.start_time, datetime.time(9, 30))
        self.assertEqual(self.meeting.venue, self.previous.venue)
        self.assertEqual(self.meeting.previous(), self.previous)
        self.assertFalse(Minutes.objects.filter(meeting=self.previous).exists())

    def test_it_starts_draft_minutes_naming_the_previous_meeting(self):
        self.assertEqual(self.minutes.state, State.DRAFT)
        self.assertEqual(self.minutes.standing(), Standing.DRAFT)
        self.assertEqual(self.minutes.title, "รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง")
        sections = {s.number: s.title for s in self.minutes.sections.all()}
        reference = "ครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐"
        self.assertEqual(sections[2], f"รับรองรายงานการประชุม{reference}")
        self.assertEqual(sections[3], f"เรื่องสืบเนื่องจากการประชุม{reference}")

    def test_it_lists_the_previous_meetings_open_directives_live(self):
        rows, as_of = services.follow_up_rows(self.minutes)
        self.assertIsNone(self.minutes.follow_up_snapshot)
        self.assertEqual(as_of, today())
        expected = [row.directive.number_label for row in open_item_rows(self.previous, today())]
        self.assertTrue(expected)
        self.assertEqual([row["number"] for row in rows], expected)
        two = next(row for row in rows if row["number"] == "๒")
        self.assertTrue(any("วัฒนธรรม" in a["name"] and a["report"] for a in two["agencies"]), two["agencies"])

    def test_it_takes_a_short_attendance_with_one_absent(self):
        present = list(self.minutes.attendees.filter(kind=Attendee.Kind.PRESENT))
        self.assertEqual(
            [a.agency.name for a in present],
            [
                "สำนักงานศึกษาธิการจังหวัดลำปาง",
                "สำนักงานวัฒนธรรมจังหวัดลำปาง",
                "สำนักงานปศุสัตว์จังหวัดลำปาง",
                "สำนักงานสาธารณสุขจังหวัดลำปาง",
                "สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง",
            ],
        )
        self.assertEqual(present[1].position, "วัฒนธรรมจังหวัดลำปาง")
        assigned = set(
            Agency.objects.filter(assignments__directive__meeting=self.previous).values_list("pk", flat=True)
        )
        absent = self.minutes.attendees.get(kind=Attendee.Kind.ABSENT)
        self.assertEqual((absent.agency.name, absent.reason), ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", "ติดราชการ"))
        self.assertLessEqual({a.agency_id for a in self.minutes.attendees.all()}, assigned)
