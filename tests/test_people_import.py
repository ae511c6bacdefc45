"""Bulk set-up: a CSV or XLSX of people, a preview with Thai errors per row, and
invitations for the good rows on confirm."""

from __future__ import annotations

import io

from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from agencies.models import Profile
from tests.base import TrackerTestCase

HEADER = "ชื่อ-นามสกุล,ตำแหน่ง,หน่วยงาน,บทบาท,อีเมล\n"


def csv_upload(body: str, *, encoding: str = "utf-8-sig", name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (HEADER + body).encode(encoding), content_type="text/csv")


class ImportTests(TrackerTestCase):
    url = reverse("people_import")

    def preview(self, upload):
        self.login(self.secretariat)
        return self.client.post(self.url, {"file": upload})

    def test_it_previews_good_and_bad_rows_and_creates_only_the_good(self):
        body = (
            "สมหญิง รักงาน,นักวิชาการวัฒนธรรม,สำนักงานวัฒนธรรมจังหวัดลำปาง,ผู้ใช้หน่วยงาน,somying@example.go.th\n"
            "สมศักดิ์ ขยัน,ครู,ศธจ.ลป.,ผู้ใช้หน่วยงาน,somsak@example.go.th\n"
            "มานี มีนา,นักวิชาการ,สำนักงานวัฒนธรรมจังหวัดลำปง,ผู้ใช้หน่วยงาน,manee@example.go.th\n"
            "ปิติ ใจดี,,หน่วยงานที่ไม่มีจริง,ผู้ใช้หน่วยงาน,piti@example.go.th\n"
            "ชูใจ ใจงาม,,สำนักงานวัฒนธรรมจังหวัดลำปาง,ผู้ใช้หน่วยงาน,ไม่ใช่อีเมล\n"
            "วีระ กล้า,,สำนักงานวัฒนธรรมจังหวัดลำปาง,ผู้ใช้หน่วยงาน,somying@example.go.th\n"
            "ท่านรอง ผู้ว่า,รองผู้ว่าราชการจังหวัด,,ผู้บริหาร,deputy@example.go.th\n"
            "นิรนาม,,สำนักงานวัฒนธรรมจังหวัดลำปาง,พระราชา,king@example.go.th\n"
            ",,สำนักงานวัฒนธรรมจังหวัดลำปาง,ผู้ใช้หน่วยงาน,noname@example.go.th\n"
        )
        response = self.preview(csv_upload(body))
        self.assertEqual(response.status_code, 200)
        for text in (
            "ไม่พบหน่วยงาน “หน่วยงานที่ไม่มีจริง” ในระบบ",
            "อีเมล “ไม่ใช่อีเมล” รูปแบบไม่ถูกต้อง",
            "ซ้ำกับแถวที่ ๒",
            "ไม่รู้จักบทบาท “พระราชา”",
            "ไม่มีชื่อ-นามสกุล",
            "ถือว่าเป็น สำนักงานวัฒนธรรมจังหวัดลำปาง",  # the typo ลำปง, matched
        ):
            self.assertContains(response, text)
        self.assertEqual((response.context["good"], response.context["bad"]), (4, 5))
        self.assertFalse(User.objects.filter(email="somying@example.go.th").exists())
        self.assertEqual(mail.outbox, [])

        response = self.client.post(reverse("people_import_confirm"), follow=True)
        self.assertContains(response, "เพิ่มผู้ใช้และส่งคำเชิญแล้ว ๔ คน")
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            ["deputy@example.go.th", "manee@example.go.th", "somsak@example.go.th", "somying@example.go.th"],
        )
        somsak = User.objects.get(email="somsak@example.go.th")
        self.assertEqual((somsak.first_name, somsak.last_name), ("สมศักดิ์", "ขยัน"))
        self.assertEqual(somsak.profile.agency, self.agency_b)
        deputy = User.objects.get(email="deputy@example.go.th").profile
        self.assertEqual((deputy.role, deputy.agency), (Profile.Role.EXECUTIVE, None))
        self.assertFalse(User.objects.filter(email="piti@example.go.th").exists())
        # Confirming twice does nothing more.
        response = self.client.post(reverse("people_import_confirm"), follow=True)
        self.assertContains(response, "ไม่พบรายชื่อที่ตรวจไว้")
        self.assertEqual(len(mail.outbox), 4)

    def test_it_reads_xlsx_and_thai_windows_csv(self):
        book = Workbook()
        book.active.append(["ชื่อ-นามสกุล", "ตำแหน่ง", "หน่วยงาน", "บทบาท", "อีเมล"])
        book.active.append(["สมหญิง รักงาน", "นักวิชาการ", "วธ.ลป.", "ผู้ใช้หน่วยงาน", "somying@example.go.th"])
        out = io.BytesIO()
        book.save(out)
        response = self.preview(SimpleUploadedFile("people.xlsx", out.getvalue()))
        self.assertEqual(response.context["good"], 1)
        self.assertEqual(response.context["rows"][0].agency_id, self.agency_a.pk)
        body = "สมหญิง รักงาน,นักวิชาการ,อำเภอเกาะคา,ผู้ใช้หน่วยงาน,somying@example.go.th\n"
        response = self.preview(csv_upload(body, encoding="cp874"))
        self.assertEqual(response.context["rows"][0].agency_id, self.district.pk)

    def test_it_says_what_is_wrong_with_a_file_it_cannot_use(self):
        cases = [
            (SimpleUploadedFile("people.pdf", b"%PDF-1.4"), "รองรับเฉพาะไฟล์ .csv หรือ .xlsx"),
            (SimpleUploadedFile("people.xlsx", b"not a zip at all"), "อ่านไฟล์ไม่ได้"),
            (SimpleUploadedFile("people.csv", "ชื่อ,อีเมล\nก,ข\n".encode()), "ไม่พบคอลัมน์: ตำแหน่ง, หน่วยงาน, บทบาท"),
            (csv_upload(""), "ไฟล์มีแต่หัวตาราง"),
            (SimpleUploadedFile("people.csv", b"   "), "ไฟล์ว่างเปล่า"),
        ]
        for upload, message in cases:
            response = self.preview(upload)
            self.assertContains(response, message, msg_prefix=upload.name)
        response = self.client.post(self.url, {})
        self.assertContains(response, "กรุณาเลือกไฟล์")

    def test_it_offers_a_template_to_fill_in(self):
        self.login(self.secretariat)
        response = self.client.get(reverse("people_import_template"))
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual([c.value for c in sheet[1]], ["ชื่อ-นามสกุล", "ตำแหน่ง", "หน่วยงาน", "บทบาท", "อีเมล"])

    def test_it_is_for_the_secretariat_only(self):
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(reverse("people_import_confirm")).status_code, 403)
            self.assertEqual(self.client.get(reverse("people_import_template")).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.get(self.url), self.url)
        self.login(self.secretariat)
        self.assertEqual(self.client.get(reverse("people_import_confirm")).status_code, 405)
