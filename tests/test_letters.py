"""Letters (หนังสือสั่งการ): the model, its services, directives of a letter."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from directives import services
from directives.models import Directive
from directives.services import DomainError
from meetings.models import Letter
from meetings.services import letter_create, letter_update
from tests.base import TrackerTestCase

LETTER_NUMBER = "มท ๐๘๑๐.๖/ว ๑๒๕๐๕"


class LetterTestCase(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.letter = letter_create(
            number=LETTER_NUMBER,
            date=datetime.date(2024, 12, 17),
            subject="การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่",
            sender="กระทรวงมหาดไทย",
            recipient="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
            urgency="ด่วนที่สุด",
            by=cls.secretariat,
        )
        cls.letter_directive = services.directive_create(
            letter=cls.letter,
            number="1",
            text="ให้จังหวัดจัดทำแผนการขับเคลื่อนซอฟต์พาวเวอร์ของจังหวัด",
            due_date=datetime.date(2025, 9, 30),
            report_day=25,
            report_until=datetime.date(2025, 9, 30),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )


class LetterServiceTests(LetterTestCase):
    def test_it_creates_a_letter_named_by_its_number_and_date(self):
        self.assertEqual(str(self.letter), "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ ๑๗ ธันวาคม ๒๕๖๗")
        self.assertEqual(self.letter.created_by, self.secretariat)
        self.assertEqual(self.letter.history.first().history_user, self.secretariat)

    def test_it_refuses_the_same_letter_twice_whatever_its_digits(self):
        with self.assertRaises(ValidationError) as caught:
            letter_create(number="มท  0810.6/ว 12505", date=self.letter.date, subject="ซ้ำ", by=self.secretariat)
        self.assertIn("มีหนังสือที่และลงวันที่นี้อยู่ในระบบแล้ว", str(caught.exception))
        self.assertTrue(Letter.objects.same_as(number="มท 0810.6/ว 12505", date=self.letter.date).exists())

    def test_it_updates_a_letter(self):
        letter_update(letter=self.letter, subject="  เรื่องใหม่  ", by=self.secretariat)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.subject, "เรื่องใหม่")
        with self.assertRaises(TypeError):
            letter_update(letter=self.letter, created_by=None, by=self.secretariat)

    def test_it_refuses_an_unknown_urgency(self):
        with self.assertRaises(ValidationError):
            letter_update(letter=self.letter, urgency="ช้า", by=self.secretariat)


class LetterDirectiveTests(LetterTestCase):
    def test_it_makes_a_directive_whose_source_is_the_letter(self):
        self.assertEqual(self.letter_directive.source, self.letter)
        self.assertEqual(self.directive.source, self.meeting)
        self.assertIsNone(self.letter_directive.meeting)
        self.assertEqual(self.letter_directive.assignments.get().agency, self.agency_a)

    def test_it_needs_exactly_one_source(self):
        with self.assertRaisesMessage(DomainError, "กรุณาระบุการประชุมหรือหนังสือสั่งการ"):
            services.directive_create(number="5", text="ข้อ", by=self.secretariat)
        with self.assertRaisesMessage(DomainError, "ได้เพียงอย่างเดียว"):
            services.directive_create(
                meeting=self.meeting, letter=self.letter, number="5", text="ข้อ", by=self.secretariat
            )

    def test_it_keeps_numbers_unique_per_source(self):
        # "1" exists in the meeting and in the letter: different sources, no clash.
        self.assertTrue(Directive.objects.filter(meeting=self.meeting, number="1").exists())
        with self.assertRaises(ValidationError) as caught:
            services.directive_create(letter=self.letter, number="1", text="ซ้ำ", by=self.secretariat)
        self.assertIn("ลำดับนี้มีอยู่แล้วในหนังสือฉบับนี้", str(caught.exception))

    def test_it_keeps_a_sub_item_in_its_parents_letter(self):
        child = services.directive_create(
            letter=self.letter, parent=self.letter_directive, number="1.1", text="ข้อย่อย", by=self.secretariat
        )
        self.assertEqual(child.letter, self.letter)
        with self.assertRaises(ValidationError) as caught:
            services.directive_create(
                meeting=self.meeting, parent=self.letter_directive, number="1.2", text="ข้อย่อย", by=self.secretariat
            )
        self.assertIn("parent", caught.exception.message_dict)
