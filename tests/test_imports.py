"""The import page, the preview, the service and the command, with the database."""

from __future__ import annotations

import datetime
import io
import json
import re
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase
from django.urls import reverse

from agencies.models import Agency, Profile
from directives.models import Directive
from directives.services import DomainError
from imports.matching import Match, Matcher
from imports.models import ImportBatch
from imports.parsers import ParsedItem
from imports.services import ReviewedItem, ReviewedParty, content_sha256, import_commit, reviewed_as_parsed
from meetings.models import Letter
from meetings.services import meeting_create
from tests.base import TrackerTestCase, make_user
from tests.import_samples import letter_text, summary_docx

SMALL_SUMMARY = (
    "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n"
    "๑\t<u>ประเด็นอื่น ๆ</u>\t\n"
    "\t<p>๑.๑ ขอให้รายงานผลภายในวันที่ ๓๑ ตุลาคม ๒๕๖๗</p>\t<p>สำนักงานวัฒนธรรม จังหวัดลำปาง</p>\n"
    "๒\tขอให้แจ้งอำเภอ\tทุกอำเภอ\n"
)


class ImportTestCase(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.target = meeting_create(
            by=cls.secretariat, series=cls.series, number=12, year_be=2560, date=cls.meeting.date
        )
        cls.group.members.set([cls.district])

    def upload(self, **data):
        self.login(self.secretariat)
        data.setdefault("kind", "summary")
        data.setdefault("meeting", self.target.pk)
        return self.client.post(reverse("import_new"), data)

    def preview_post(self, url, response, **changes):
        """The preview form as the browser would send it, with ``changes``."""
        html = response.content.decode()
        data = {}
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
            data[name] = value
        for name in re.findall(r'<input type="checkbox" name="([^"]+)"[^>]*checked', html):
            data[name] = "on"
        for name, body in re.findall(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
            data[name] = body.strip("\n").replace("&quot;", '"')
        for name, options in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', options)
            data[name] = chosen[1] if chosen else ""
        data.pop("csrfmiddlewaretoken", None)
        data.update(changes)
        return self.client.post(url, data)


class ImportPageTests(ImportTestCase):
    def test_it_previews_without_writing_and_writes_on_confirm(self):
        response = self.upload(text=SMALL_SUMMARY)
        self.assertEqual(response.status_code, 302)
        url = response["Location"]
        page = self.client.get(url)
        self.assertContains(page, "ตรวจสอบก่อนนำเข้า")
        self.assertContains(page, "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertEqual(self.target.directives.count(), 0)
        done = self.preview_post(url, page)
        self.assertRedirects(done, reverse("meeting_detail", args=[self.target.pk]))
        numbers = list(self.target.directives.order_by("sort_key").values_list("number", flat=True))
        self.assertEqual(numbers, ["1", "1.1", "2"])
        sub = self.target.directives.get(number="1.1")
        self.assertEqual(sub.parent.number, "1")
        self.assertEqual(sub.due_date.isoformat(), "2024-10-31")
        self.assertEqual(list(sub.assignments.values_list("agency", flat=True)), [self.agency_a.pk])
        self.assertEqual(
            list(self.target.directives.get(number="2").assignments.values_list("agency", flat=True)),
            [self.district.pk],
        )
        batch = ImportBatch.objects.get()
        self.assertEqual((batch.meeting, batch.item_count, batch.created_by), (self.target, 3, self.secretariat))

    def test_it_lets_the_secretariat_correct_a_flagged_agency(self):
        text = "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n๑\tขอให้ดำเนินการ\tสำนักงานวัฒนธรรมจังหวัด และหน่วยงานที่เกี่ยวข้อง\n"
        response = self.upload(text=text)
        page = self.client.get(response["Location"])
        self.assertContains(page, "⚠ ไม่แน่นอน")
        self.preview_post(response["Location"], page, **{"items-0-party_0": f"a:{self.agency_b.pk}"})
        directive = self.target.directives.get(number="1")
        party = directive.parties.get()
        self.assertEqual((party.agency, party.label), (self.agency_b, "สำนักงานวัฒนธรรมจังหวัด และหน่วยงานที่เกี่ยวข้อง"))

    def test_it_notices_the_same_document_imported_twice(self):
        data = summary_docx(SMALL_SUMMARY)
        first = self.upload(file=SimpleUploadedFile("สรุป.docx", data))
        self.preview_post(first["Location"], self.client.get(first["Location"]))
        other = meeting_create(by=self.secretariat, series=self.series, number=13, year_be=2560, date=self.meeting.date)
        second = self.upload(file=SimpleUploadedFile("สรุป.docx", data), meeting=other.pk)
        page = self.client.get(second["Location"])
        self.assertContains(page, "เอกสารนี้เคยนำเข้าแล้ว")
        refused = self.preview_post(second["Location"], page)
        self.assertContains(refused, "หากต้องการนำเข้าซ้ำ")
        self.assertEqual(other.directives.count(), 0)
        self.preview_post(second["Location"], page, again="on")
        self.assertEqual(other.directives.count(), 3)

    def test_it_answers_bad_files_next_to_the_field(self):
        cases = [
            (SimpleUploadedFile("a.txt", b"hello"), "รับเฉพาะไฟล์ .docx หรือ .pdf"),
            (SimpleUploadedFile("a.docx", b""), "ว่างเปล่า"),
            (SimpleUploadedFile("a.docx", b"PK\x03\x04not a zip"), "เสีย"),
            (SimpleUploadedFile("a.pdf", b"%PDF-1.4\nnot really"), "PDF"),
            (SimpleUploadedFile("a.pdf", encrypted_pdf()), "รหัสผ่าน"),
        ]
        for upload, message in cases:
            with self.subTest(message):
                response = self.upload(file=upload)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, message)
        self.assertContains(self.upload(), "กรุณาเลือกไฟล์ หรือวางข้อความ")
        self.assertContains(self.upload(text=SMALL_SUMMARY, meeting=""), "กรุณาเลือกการประชุม")

    def test_it_keeps_what_was_typed_and_says_what_is_wrong_at_the_cell(self):
        response = self.upload(text=SMALL_SUMMARY)
        page = self.client.get(response["Location"])
        again = self.preview_post(response["Location"], page, **{"items-2-number": "ก", "items-2-heading": "แก้แล้ว"})
        self.assertContains(again, "ลำดับต้องเป็นตัวเลข")
        self.assertContains(again, 'value="แก้แล้ว"')
        self.assertEqual(self.target.directives.count(), 0)

    def test_it_carries_the_rows_layout_and_lets_the_secretariat_correct_it(self):
        text = (
            "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n"
            "๑\t<p><u>วาระรักลำปาง</u></p><p>ขอให้รณรงค์</p><p>ขอให้รายงานผล</p>\t<p>ทุกอำเภอ</p>\n"
            "๒\t<u>วาระน่าเที่ยว</u> ขอให้ประชาสัมพันธ์<p>ขอให้ทุกหน่วยงานร่วมรณรงค์</p>\t<p>สำนักงานวัฒนธรรมจังหวัดลำปาง</p>\n"
            "\t<p>ในปีต่อไป</p>\t<p>ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง</p>\n"
        )
        response = self.upload(text=text)
        url = response["Location"]
        page = self.client.get(url)
        self.assertContains(page, "พิมพ์หัวข้อแยกบรรทัด")
        self.assertContains(page, 'name="items-1-party_1_paragraph" value="3"')
        refused = self.preview_post(url, page, **{"items-1-party_0_paragraph": "๔"})
        self.assertContains(refused, "ข้อความมีเพียง ๓ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๔ ไม่ได้")
        self.assertEqual(self.target.directives.count(), 0)
        self.preview_post(url, page, **{"items-0-party_0_paragraph": "2"})
        first, second = self.target.directives.get(number="1"), self.target.directives.get(number="2")
        self.assertTrue(first.heading_apart)
        self.assertFalse(second.heading_apart)
        self.assertEqual([p.paragraph for p in first.parties.all()], [1])
        self.assertEqual(
            [(p.text, p.paragraph) for p in second.parties.all()],
            [
                ("สำนักงานวัฒนธรรมจังหวัดลำปาง", 0),
                ("ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง", 2),
            ],
        )

    def test_it_refuses_a_form_that_does_not_hold_every_item(self):
        response = self.upload(text=SMALL_SUMMARY)
        page = self.client.get(response["Location"])
        for total in ("1", "9", "x"):
            with self.subTest(total):
                again = self.preview_post(response["Location"], page, **{"items-TOTAL_FORMS": total})
                self.assertEqual(again.status_code, 200)
                self.assertContains(again, "ข้อมูลที่ส่งมาไม่ครบทุกข้อ")
        self.assertEqual(self.target.directives.count(), 0)

    def test_it_warns_when_the_document_names_another_meeting(self):
        response = self.upload(text="สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ ครั้งที่ ๑๐/๒๕๖๐\n" + SMALL_SUMMARY)
        page = self.client.get(response["Location"])
        self.assertContains(page, "เอกสารนี้ระบุว่าเป็นการประชุมครั้งที่ ๑๐/๒๕๖๐ แต่เลือกนำเข้าสู่ครั้งที่ ๑๒/๒๕๖๐")

    def test_it_shows_lines_it_could_not_read(self):
        response = self.upload(text=SMALL_SUMMARY + "บรรทัดที่อ่านไม่ได้\n")
        page = self.client.get(response["Location"])
        self.assertContains(page, "บรรทัด ๕")
        self.assertContains(page, "อ่านบรรทัดนี้ไม่ได้")

    def test_it_makes_a_letter_with_its_numbered_directives(self):
        response = self.upload(kind="letter", meeting="", text=letter_text())
        page = self.client.get(response["Location"])
        self.assertContains(page, "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        done = self.preview_post(response["Location"], page)
        letter = Letter.objects.get()
        self.assertRedirects(done, reverse("letter_detail", args=[letter.pk]))
        self.assertEqual(letter.date.isoformat(), "2024-12-07")
        self.assertEqual(
            list(letter.directives.order_by("sort_key").values_list("number", flat=True)), ["1", "2", "3", "4"]
        )
        fourth = letter.directives.get(number="4")
        self.assertEqual((fourth.report_day, fourth.report_until.isoformat()), (25, "2025-09-30"))

    def test_it_is_for_the_secretariat_only(self):
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(reverse("import_new")).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.get(reverse("import_new")), reverse("import_new"))
        self.login(self.secretariat)
        self.assertEqual(self.client.get(reverse("import_preview", args=["nothing"])).status_code, 404)
        self.assertEqual(self.client.put(reverse("import_new")).status_code, 405)

    def test_it_links_from_the_meeting_page(self):
        self.login(self.secretariat)
        page = self.client.get(reverse("meeting_detail", args=[self.target.pk]))
        self.assertContains(page, f"{reverse('import_new')}?meeting={self.target.pk}")


class ImportServiceTests(ImportTestCase):
    def test_it_writes_nothing_when_one_item_fails(self):
        items = [ReviewedItem(number="1", text="ข้อหนึ่ง"), ReviewedItem(number="2.1", text="ไม่มีข้อหลัก")]
        with self.assertRaises(DomainError) as raised:
            import_commit(kind="summary", items=items, sha256="x" * 64, meeting=self.target, by=self.secretariat)
        self.assertEqual(self.target.directives.count(), 0)
        self.assertFalse(ImportBatch.objects.exists())
        # The preview page puts the message next to the number of the row that failed.
        error = raised.exception
        self.assertEqual((error.index, error.field, str(error)), (1, "number", "ข้อ ๒.๑ ไม่มีข้อหลัก ๒"))

    def test_it_keeps_unmatched_parties_as_free_text_exactly_as_written(self):
        items = [ReviewedItem(number="1", text="ข้อหนึ่ง", parties=[ReviewedParty("ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")])]
        import_commit(kind="summary", items=items, sha256="y" * 64, meeting=self.target, by=self.secretariat)
        party = Directive.objects.get(meeting=self.target).parties.get()
        self.assertEqual((party.agency, party.group, party.label), (None, None, "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"))


class ImportPartyLabelTests(ImportTestCase):
    def test_a_matched_party_keeps_its_own_words_only_when_they_differ_from_the_name(self):
        parties = [
            ReviewedParty(self.agency_a.name, agency_id=self.agency_a.pk),
            ReviewedParty("  วธ.ลป. (ประสาน)  ", agency_id=self.agency_b.pk),
            ReviewedParty(self.group.name, group_id=self.group.pk),
            ReviewedParty("ทุกอำเภอ (ที่มีพื้นที่ป่า)", group_id=self.group.pk),
        ]
        items = [ReviewedItem(number="1", text="ข้อหนึ่ง", parties=parties)]
        import_commit(kind="summary", items=items, sha256="z" * 64, meeting=self.target, by=self.secretariat)
        lines = Directive.objects.get(meeting=self.target).parties.order_by("position")
        # A blank label prints the agency's or group's current name (and follows a rename).
        self.assertEqual(
            [(p.agency_id, p.group_id, p.label) for p in lines],
            [
                (self.agency_a.pk, None, ""),
                (self.agency_b.pk, None, "วธ.ลป. (ประสาน)"),
                (None, self.group.pk, ""),
                (None, self.group.pk, "ทุกอำเภอ (ที่มีพื้นที่ป่า)"),
            ],
        )

    def test_every_kind_of_party_keeps_the_paragraph_it_is_printed_beside(self):
        parties = [
            ReviewedParty(self.agency_a.name, agency_id=self.agency_a.pk, paragraph=1),
            ReviewedParty(self.group.name, group_id=self.group.pk, paragraph=1),
            ReviewedParty("ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง", paragraph=1),
        ]
        items = [ReviewedItem(number="1", text="ขอให้ประชาสัมพันธ์\nขอให้รายงานผล", parties=parties)]
        import_commit(kind="summary", items=items, sha256="p" * 64, meeting=self.target, by=self.secretariat)
        lines = Directive.objects.get(meeting=self.target).parties.order_by("position")
        self.assertEqual([p.paragraph for p in lines], [1, 1, 1])


class ReviewedAsParsedTests(SimpleTestCase):
    """What the command imports without a preview: each item as read, its parties as matched."""

    def test_it_takes_the_item_as_read_and_puts_parties_read_without_a_paragraph_beside_the_first(self):
        item = ParsedItem(
            number="7.1",
            heading="ไฟป่า",
            text="ขอให้เฝ้าระวังไฟป่า\nขอให้รายงานผลทุกเดือน",
            party_labels=["วธ.ลป.", "ทุกอำเภอ", "หน่วยงานที่เกี่ยวข้อง"],
            party_paragraphs=[1],  # only the first party was read beside a paragraph
            due_date=datetime.date(2024, 3, 31),
            report_day=25,
            report_until=datetime.date(2024, 9, 30),
            parties_bulleted=True,
            heading_apart=True,
        )
        matches = [
            Match("วธ.ลป.", agency_id=11, score=100, name="สำนักงานวัฒนธรรมจังหวัดลำปาง"),
            Match("ทุกอำเภอ", group_id=22, score=100, name="ทุกอำเภอ"),
            Match("หน่วยงานที่เกี่ยวข้อง"),
        ]
        self.assertEqual(
            reviewed_as_parsed(item, matches),
            ReviewedItem(
                number="7.1",
                heading="ไฟป่า",
                text="ขอให้เฝ้าระวังไฟป่า\nขอให้รายงานผลทุกเดือน",
                parties=[
                    ReviewedParty("วธ.ลป.", agency_id=11, paragraph=1),
                    ReviewedParty("ทุกอำเภอ", group_id=22, paragraph=0),
                    ReviewedParty("หน่วยงานที่เกี่ยวข้อง", paragraph=0),
                ],
                due_date=datetime.date(2024, 3, 31),
                report_day=25,
                report_until=datetime.date(2024, 9, 30),
                parties_bulleted=True,
                heading_apart=True,
            ),
        )


class ContentHashTests(TestCase):
    def test_pasted_text_is_known_by_its_words_not_its_spacing(self):
        self.assertEqual(content_sha256(text="ข้อ ๑\r\nขอให้รายงาน"), content_sha256(text="ข้อ ๑\n  ขอให้รายงาน "))
        self.assertNotEqual(content_sha256(text="ข้อ ๑ ขอให้รายงาน"), content_sha256(text="ข้อ ๒ ขอให้รายงาน"))
        self.assertEqual(content_sha256(text=""), content_sha256(text=" \n "))


class MatchingTests(ImportTestCase):
    def test_it_scores_labels_against_names_short_names_and_groups(self):
        matcher = Matcher()
        self.assertEqual(matcher.match("สำนักงานวัฒนธรรม จังหวัดลำปาง").agency_id, self.agency_a.pk)
        self.assertEqual(matcher.match("สำนักงานวัฒนธรรมจังหวัด").score, 100)
        self.assertEqual(matcher.match("วธ.ลป.").agency_id, self.agency_a.pk)
        self.assertEqual(matcher.match("ทุกอำเภอ").group_id, self.group.pk)
        vague = matcher.match("ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")
        self.assertFalse(vague.matched)
        qualified = matcher.match("สำนักงานวัฒนธรรมจังหวัด และหน่วยงานที่เกี่ยวข้อง")
        self.assertEqual(qualified.agency_id, self.agency_a.pk)
        self.assertTrue(qualified.needs_decision)
        self.assertFalse(matcher.match("สภาอุตสาหกรรมจังหวัด").matched)


class CommandTests(ImportTestCase):
    def run_command(self, *args) -> str:
        out = io.StringIO()
        call_command("import_directives", *args, stdout=out)
        return out.getvalue()

    def test_it_prints_json_and_writes_nothing_on_a_dry_run(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "summary.txt"
            path.write_text(SMALL_SUMMARY, encoding="utf-8")
            payload = json.loads(self.run_command(str(path), "--meeting", str(self.target.pk), "--dry-run", "--json"))
        self.assertEqual([i["number"] for i in payload["items"]], ["1", "1.1", "2"])
        sub = payload["items"][1]
        self.assertEqual(sub["due_date"], "2024-10-31")
        self.assertEqual(
            sub["parties"],
            [{"label": "สำนักงานวัฒนธรรมจังหวัดลำปาง", "agency_id": self.agency_a.pk, "group_id": None, "score": 100}],
        )
        self.assertEqual(self.target.directives.count(), 0)

    def test_it_says_so_when_the_same_document_comes_again(self):
        from django.core.management.base import CommandError

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "summary.docx"
            path.write_bytes(summary_docx(SMALL_SUMMARY))
            self.run_command(str(path), "--meeting", str(self.target.pk), "--user", self.secretariat.username)
            other = meeting_create(
                by=self.secretariat, series=self.series, number=14, year_be=2560, date=self.meeting.date
            )
            with self.assertRaisesMessage(CommandError, "เอกสารนี้นำเข้าแล้วเมื่อ"):
                self.run_command(str(path), "--meeting", str(other.pk), "--user", self.secretariat.username)
            self.run_command(str(path), "--meeting", str(other.pk), "--again", "--user", self.secretariat.username)
        self.assertEqual(other.directives.count(), 3)
        self.assertEqual(ImportBatch.objects.count(), 2)

    def test_it_imports_a_letter_reading_its_head_from_the_document(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "letter.txt"
            path.write_text(letter_text(), encoding="utf-8")
            self.run_command(str(path), "--letter", "--user", self.secretariat.username)
        letter = Letter.objects.get()
        self.assertEqual(letter.number, "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertEqual(letter.directives.count(), 4)
        self.assertEqual(ImportBatch.objects.get().sha256, content_sha256(text=letter_text()))


def encrypted_pdf() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret", R=4))
    return out.getvalue()


class SummaryPdfTests(TestCase):
    def test_it_reads_our_own_summary_pdf_back(self):
        from directives.documents import render_summary
        from imports import parsers
        from tests.test_pdf_text import build_seed_meeting

        secretariat = make_user("secretariat", Profile.Role.SECRETARIAT)
        Agency.objects.create(name="สำนักงานเกษตรจังหวัดลำปาง", print_order=3)
        culture = Agency.objects.create(name="สำนักงานวัฒนธรรมจังหวัดลำปาง", print_order=4)
        meeting, _ = build_seed_meeting(by=secretariat, agencies={"สำนักงานวัฒนธรรมจังหวัดลำปาง": culture})
        _, pdf = render_summary(meeting)
        document = parsers.parse(kind=parsers.SUMMARY, data=pdf, filename="summary.pdf")
        expected = list(meeting.directives.order_by("sort_key").values_list("number", flat=True))
        self.assertEqual([item.number for item in document.items], expected)
        self.assertEqual(document.source["meeting_number"], "10/2560")
        by_number = {item.number: item for item in document.items}
        for directive in meeting.directives.all():
            with self.subTest(directive.number):
                # A space where a heading wrapped is not in the PDF: headings compare without spaces.
                self.assertEqual(
                    by_number[directive.number].heading.replace(" ", ""), directive.heading.replace(" ", "")
                )
                written = [parsers.party_label(p.text) for p in directive.parties.all()]
                self.assertEqual(by_number[directive.number].party_labels, written)
        self.assertEqual(
            Matcher().match(by_number["7.6"].party_labels[0]).agency_id,
            Agency.objects.get(name="สำนักงานเกษตรจังหวัดลำปาง").pk,
        )
