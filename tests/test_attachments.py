"""Evidence files (หลักฐาน) attached to reports: where they are kept and who may fetch them."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from urllib.parse import quote

import docx
import openpyxl
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from PIL import Image

from directives import services
from directives.models import Attachment, ProgressReport, Status
from tests.base import TempMediaMixin, TrackerTestCase, png_bytes, png_upload


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(out, "JPEG")
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("รายงานผลการดำเนินงาน")
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    out = io.BytesIO()
    book = openpyxl.Workbook()
    book.active["A1"] = "ผลการดำเนินงาน"
    book.save(out)
    return out.getvalue()


def body(response) -> bytes:
    # Reading the stream to its end lets the test client close the file; calling
    # response.close() directly would also close the test's database connection.
    return b"".join(response.streaming_content)


class AttachmentUploadTests(TempMediaMixin, TrackerTestCase):
    def url(self):
        return f"/assignments/{self.assignment_a.pk}/"

    def stored_files(self) -> list[Path]:
        return [p for p in Path(self.media_root).rglob("*") if p.is_file()]

    def counts(self):
        return ProgressReport.objects.count(), Attachment.objects.count(), len(self.stored_files())

    def post(self, *files, text="แนบภาพกิจกรรม"):
        return self.client.post(self.url(), {"status": Status.IN_PROGRESS, "text": text, "files": list(files)})

    def test_it_keeps_an_uploaded_png_in_media_outside_the_static_tree(self):
        self.login(self.user_a)
        response = self.post(png_upload("ภาพกิจกรรม.png"))
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        attachment = Attachment.objects.get()
        path = Path(attachment.file.path).resolve()
        self.assertTrue(path.is_relative_to(Path(self.media_root).resolve()))
        for static_dir in (Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)):
            self.assertFalse(path.is_relative_to(static_dir.resolve()), f"{path} is under {static_dir}")
        self.assertEqual(path.read_bytes(), png_bytes())
        self.assertEqual(attachment.original_name, "ภาพกิจกรรม.png")
        self.assertEqual((attachment.content_type, attachment.size), ("image/png", len(png_bytes())))
        self.assertEqual(attachment.report.assignment, self.assignment_a)

    def test_it_names_the_stored_file_itself(self):
        self.login(self.user_a)
        self.post(png_upload("../../../../tmp/evil<script>.png"))
        attachment = Attachment.objects.get()
        self.assertTrue(attachment.file.name.startswith("reports/"))
        self.assertNotIn("evil", attachment.file.name)
        self.assertNotIn("..", attachment.file.name)
        self.assertTrue(attachment.file.name.endswith(".png"))
        self.assertTrue(Path(attachment.file.path).resolve().is_relative_to(Path(self.media_root).resolve()))

    def test_it_accepts_several_files_at_once(self):
        self.login(self.user_a)
        pdf = SimpleUploadedFile("รายงาน.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        self.post(png_upload(), pdf)
        self.assertEqual(
            sorted(Attachment.objects.values_list("original_name", flat=True)), ["รายงาน.pdf", "หลักฐาน.png"]
        )

    def test_it_refuses_an_executable_in_thai_and_saves_nothing(self):
        self.login(self.user_a)
        before = self.counts()
        response = self.post(SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"))
        self.assertEqual(response.status_code, 200)
        self.assertFormError(
            response.context["form"], "files", "ไฟล์ setup.exe เป็นชนิดที่ไม่รับ (รับเฉพาะ pdf, jpg, png, docx, xlsx)"
        )
        self.assertContains(response, '<div class="field-error" id="id_files_error" role="alert">')
        self.assertContains(response, "แนบภาพกิจกรรม</textarea>")
        self.assertEqual(self.counts(), before)

    def test_it_refuses_a_file_with_a_disguised_double_extension(self):
        self.login(self.user_a)
        before = self.counts()
        response = self.post(SimpleUploadedFile("ภาพ.png.exe", b"MZ", content_type="image/png"))
        self.assertIn("files", response.context["form"].errors)
        self.assertEqual(self.counts(), before)

    def test_it_saves_nothing_when_one_of_several_files_is_refused(self):
        self.login(self.user_a)
        before = self.counts()
        response = self.post(png_upload(), SimpleUploadedFile("virus.bat", b"echo", content_type="text/plain"))
        self.assertIn("files", response.context["form"].errors)
        self.assertEqual(self.counts(), before)

    @override_settings(MAX_UPLOAD_BYTES=10)
    def test_it_refuses_a_file_over_the_size_limit_in_thai(self):
        self.login(self.user_a)
        before = self.counts()
        response = self.post(png_upload("ใหญ่.png"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["form"].errors["files"]), 1)
        self.assertIn("ไฟล์ ใหญ่.png ใหญ่เกิน", response.context["form"].errors["files"][0])
        self.assertContains(response, "ใหญ่เกิน")
        self.assertEqual(self.counts(), before)

    def assertRefused(self, upload, message: str):
        self.login(self.user_a)
        before = self.counts()
        response = self.post(upload)
        self.assertEqual(response.status_code, 200)
        self.assertIn(message, " ".join(response.context["form"].errors["files"]))
        self.assertContains(response, 'id="id_files_error"')
        self.assertContains(response, "แนบภาพกิจกรรม</textarea>")  # the report text is kept
        self.assertEqual(self.counts(), before)

    def test_it_refuses_a_png_renamed_pdf(self):
        self.assertRefused(
            SimpleUploadedFile("รายงาน.pdf", png_bytes(), content_type="application/pdf"),
            "เนื้อไฟล์ รายงาน.pdf ไม่ใช่ไฟล์ pdf ตามที่ชื่อไฟล์ระบุ",
        )

    def test_it_refuses_a_pdf_renamed_png(self):
        self.assertRefused(SimpleUploadedFile("ภาพ.png", b"%PDF-1.4\n%%EOF\n", content_type="image/png"), "ไม่ใช่ไฟล์ png")

    def test_it_refuses_a_web_page_renamed_png(self):
        page = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"
        self.assertRefused(SimpleUploadedFile("ภาพ.png", page, content_type="image/png"), "เป็นหน้าเว็บหรือภาพ SVG ซึ่งไม่รับ")

    def test_it_refuses_svg_and_html_whatever_their_content(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        for name, content in (("แผนผัง.svg", svg), ("หน้า.html", b"<p>hi</p>"), ("หน้า.htm", png_bytes())):
            with self.subTest(name=name):
                self.assertRefused(SimpleUploadedFile(name, content), "เป็นหน้าเว็บหรือภาพ SVG ซึ่งไม่รับ")

    def test_it_refuses_a_zip_renamed_docx_and_a_docx_renamed_xlsx(self):
        plain = io.BytesIO()
        with zipfile.ZipFile(plain, "w") as package:
            package.writestr("readme.txt", "hello")
        self.assertRefused(SimpleUploadedFile("รายงาน.docx", plain.getvalue()), "ไม่ใช่ไฟล์ docx")
        self.assertRefused(SimpleUploadedFile("ตาราง.xlsx", docx_bytes()), "ไม่ใช่ไฟล์ xlsx")

    def test_it_refuses_a_broken_image_and_an_empty_file(self):
        self.assertRefused(SimpleUploadedFile("ภาพ.jpg", b"\xff\xd8\xff\xe0garbage"), "ไม่ใช่ไฟล์ jpg")
        self.assertRefused(SimpleUploadedFile("ว่าง.pdf", b""), "ว่างเปล่า")

    def test_it_accepts_real_jpeg_docx_and_xlsx_and_stores_the_type_it_found(self):
        self.login(self.user_a)
        response = self.post(
            SimpleUploadedFile("ภาพ.JPG", jpeg_bytes(), content_type="application/octet-stream"),
            SimpleUploadedFile("รายงาน.docx", docx_bytes(), content_type="text/html"),
            SimpleUploadedFile("ตาราง.xlsx", xlsx_bytes()),
        )
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.assertEqual(
            dict(Attachment.objects.values_list("original_name", "content_type")),
            {
                "ภาพ.JPG": "image/jpeg",
                "รายงาน.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "ตาราง.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            },
        )

    def test_it_stores_the_file_under_a_generated_name(self):
        self.login(self.user_a)
        self.post(png_upload("ภาพกิจกรรม.png"), png_upload("ภาพกิจกรรม.png"))
        first, second = Attachment.objects.order_by("pk")
        for attachment in (first, second):
            stored = Path(attachment.file.name).name
            self.assertRegex(stored, r"^[0-9a-f]{32}\.png$")
            self.assertEqual(attachment.original_name, "ภาพกิจกรรม.png")
        self.assertNotEqual(first.file.name, second.file.name)

    def test_it_refuses_a_file_over_the_size_limit_in_the_service_too(self):
        before = self.counts()
        with override_settings(MAX_UPLOAD_BYTES=10), self.assertRaisesMessage(services.DomainError, "ใหญ่เกิน"):
            services.progress_report(
                assignment=self.assignment_a, text="x", status=Status.IN_PROGRESS, files=[png_upload()], by=self.user_a
            )
        self.assertEqual(self.counts(), before)


class CheckUploadTests(SimpleTestCase):
    """services.check_upload on its own: the message the form shows for each refusal."""

    def refusal(self, upload) -> str:
        with self.assertRaises(services.DomainError) as caught:
            services.check_upload(upload)
        return str(caught.exception)

    def test_markup_extensions_are_named_as_such_whatever_the_content(self):
        for ext in ("svg", "svgz", "htm", "html", "xhtml", "xml", "SVG"):
            with self.subTest(ext=ext):
                self.assertEqual(
                    self.refusal(SimpleUploadedFile(f"ภาพ.{ext}", png_bytes())),
                    f"ไฟล์ ภาพ.{ext} เป็นหน้าเว็บหรือภาพ SVG ซึ่งไม่รับ เพื่อความปลอดภัย (รับเฉพาะ pdf, jpg, png, docx, xlsx)",
                )

    def test_the_extension_is_what_follows_the_last_dot(self):
        self.assertEqual(services.check_upload(SimpleUploadedFile("รายงาน.ฉบับ.๒.png", png_bytes())), "image/png")
        # A name with no dot has no extension, even if the whole name is one.
        self.assertEqual(
            self.refusal(SimpleUploadedFile("png", png_bytes())),
            "ไฟล์ png เป็นชนิดที่ไม่รับ (รับเฉพาะ pdf, jpg, png, docx, xlsx)",
        )

    def test_a_file_of_exactly_the_limit_is_taken_and_one_byte_more_is_refused_naming_the_limit_in_mb(self):
        data = png_bytes()
        with override_settings(MAX_UPLOAD_BYTES=len(data)):
            self.assertEqual(services.check_upload(SimpleUploadedFile("ภาพ.png", data)), "image/png")
        big = SimpleUploadedFile("ภาพ.png", data)
        big.size = 3 * 1024 * 1024 + 1
        with override_settings(MAX_UPLOAD_BYTES=3 * 1024 * 1024):
            self.assertEqual(self.refusal(big), "ไฟล์ ภาพ.png ใหญ่เกิน 3 MB")

    def test_an_empty_file_is_named_as_empty(self):
        self.assertEqual(self.refusal(SimpleUploadedFile("ว่าง.pdf", b"")), "ไฟล์ ว่าง.pdf ว่างเปล่า (ขนาด ๐ ไบต์)")


class AttachmentDownloadTests(TempMediaMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        report = services.progress_report(
            assignment=cls.assignment_a,
            text="ภาพกิจกรรมและรายงาน",
            status=Status.IN_PROGRESS,
            files=[
                png_upload("ภาพกิจกรรม.png"),
                SimpleUploadedFile("รายงานผล.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            ],
            by=cls.user_a,
        )
        cls.png, cls.pdf = report.attachments.order_by("pk")

    def url(self, attachment=None):
        return f"/attachments/{(attachment or self.png).pk}/"

    def test_it_lets_the_reporting_agency_the_secretariat_and_the_executive_download(self):
        for user in (self.user_a, self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url())
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "image/png")
                self.assertEqual(body(response), png_bytes())

    def test_it_sends_every_file_as_a_download_with_its_thai_name_and_nosniff(self):
        self.login(self.user_a)
        for attachment, content in ((self.png, png_bytes()), (self.pdf, b"%PDF-1.4\n%%EOF\n")):
            with self.subTest(attachment=attachment.original_name):
                response = self.client.get(self.url(attachment))
                self.assertTrue(response["Content-Disposition"].startswith("attachment"))
                # The Thai name survives, percent-encoded as RFC 6266 says.
                self.assertIn(f"filename*=utf-8''{quote(attachment.original_name)}", response["Content-Disposition"])
                self.assertEqual(response["X-Content-Type-Options"], "nosniff")
                self.assertEqual(body(response), content)

    def test_it_links_the_files_from_the_report_timeline(self):
        self.login(self.user_a)
        response = self.client.get(f"/assignments/{self.assignment_a.pk}/")
        self.assertContains(response, f'<a href="{self.url()}">ภาพกิจกรรม.png</a>', html=True)

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Content-Disposition", response)
        # The same URL gives the file to its own agency: the 404 is about who asks.
        self.login(self.user_a)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), png_bytes())

    def test_it_answers_404_for_an_unknown_attachment(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/attachments/999999/").status_code, 404)

    def test_it_is_not_reachable_through_a_media_or_static_url(self):
        self.login(self.secretariat)
        name = self.png.file.name
        for url in (f"/media/{name}", f"/static/{name}", f"/uploads/{name}", f"/{name}"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_refuses_post_with_405(self):
        self.login(self.user_a)
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())

    def test_it_keeps_files_in_the_temporary_media_root(self):
        self.assertTrue(os.path.exists(self.png.file.path))
        self.assertTrue(Path(self.png.file.path).resolve().is_relative_to(Path(self.media_root).resolve()))
