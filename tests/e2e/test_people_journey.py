"""People in a browser: the secretariat invites an officer of สำนักงานวัฒนธรรมจังหวัดลำปาง,
who sets a password from the e-mail link on a phone and lands on the agency's work."""

from __future__ import annotations

import datetime
import re

from django.core import mail

from directives import services
from meetings.services import meeting_create
from tests.base import TempMediaMixin

from .browser import BrowserTestCase

DIRECTIVE_TEXT = "ขอให้สำนักงานวัฒนธรรมจังหวัดจัดงานประเพณีลอยกระทงสืบสานวัฒนธรรมล้านนา"
NEW_PASSWORD = "ลำปาง-กาดกองต้า-2568"


class PeopleJourneyTests(TempMediaMixin, BrowserTestCase):
    journey = "people-journey"

    def setUp(self):
        super().setUp()
        self.make_cast()
        meeting = meeting_create(
            by=self.secretariat, series=self.series, number=3, year_be=2568, date=datetime.date(2025, 3, 26)
        )
        services.directive_create(
            meeting=meeting,
            number="1",
            text=DIRECTIVE_TEXT,
            due_date=self.due_in(20),
            parties=services.parties_from(agencies=[self.culture]),
            by=self.secretariat,
        )

    def test_the_secretariat_invites_an_officer_who_sets_a_password_on_a_phone(self):
        self.secretariat_invites_the_officer()
        link = self.invitation_link()
        self.officer_sets_a_password_on_a_phone(link)
        self.secretariat_sees_the_officer_has_signed_in()

    def secretariat_invites_the_officer(self):
        self.login("secretariat")
        self.follow(self.find_text("nav a", "ผู้ใช้งาน"))
        self.assertEqual(self.heading(), "ผู้ใช้งาน")
        self.assertAccessible("person-list")
        self.follow(self.find_text("a", "เพิ่มผู้ใช้และส่งคำเชิญ"))
        self.type_into("first_name", "สมหญิง")
        self.type_into("last_name", "รักษ์ล้านนา")
        self.type_into("position", "นักวิชาการวัฒนธรรมชำนาญการ")
        self.choose("role", "ผู้ใช้หน่วยงาน")
        self.choose("agency", "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.type_into("email", "somying@example.go.th")
        self.screenshot("secretariat-invite-form")
        self.follow(self.find_text("button", "เพิ่มและส่งคำเชิญ"))
        self.assertIn("ส่งคำเชิญไปที่ somying@example.go.th แล้ว", self.messages())
        self.assertEqual(self.heading(), "สมหญิง รักษ์ล้านนา")
        self.assertIn("ยังไม่เคยเข้าสู่ระบบ", self.page_text())
        self.screenshot("secretariat-person-invited")

    def invitation_link(self) -> str:
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.to, ["somying@example.go.th"])
        link = re.search(r"https?://\S+/welcome/\S+", message.body).group(0)
        self.assertTrue(link.startswith(self.live_server_url), link)
        return link.removeprefix(self.live_server_url)

    def officer_sets_a_password_on_a_phone(self, link: str):
        self.driver.delete_all_cookies()
        with self.phone():
            self.visit(link)
            self.assertEqual(self.heading(), "ยินดีต้อนรับ")
            self.assertIn("somying@example.go.th", self.page_text())
            self.assertIn("รหัสผ่านต้องมีอย่างน้อย ๘ ตัวอักษร", self.page_text())
            self.assertAccessible("invitation-accept")
            # A mistake first: the two boxes differ.
            self.type_into("new_password1", NEW_PASSWORD)
            self.type_into("new_password2", NEW_PASSWORD + "x")
            self.follow(self.find_text("button", "ตั้งรหัสผ่านและเข้าสู่ระบบ"))
            self.assertIn("รหัสผ่านทั้งสองช่องไม่ตรงกัน", self.page_text())
            self.type_into("new_password1", NEW_PASSWORD)
            self.type_into("new_password2", NEW_PASSWORD)
            self.screenshot("officer-sets-password-phone")
            self.follow(self.find_text("button", "ตั้งรหัสผ่านและเข้าสู่ระบบ"))
            self.assertEqual(self.path(), "/")
            self.assertIn("ตั้งรหัสผ่านแล้ว ยินดีต้อนรับสู่ระบบติดตามข้อสั่งการ", self.messages())
            self.assertEqual(self.heading(), "สำนักงานวัฒนธรรมจังหวัดลำปาง")
            self.follow(self.find_text("nav a", "งานของหน่วยงาน"))
            self.assertIn(DIRECTIVE_TEXT, self.page_text())
            self.screenshot("officer-inbox-phone")
            # Their own account, from their name in the top bar.
            self.follow(self.find_text("a.who", "สมหญิง"))
            self.assertEqual(self.heading(), "บัญชีของฉัน")
            self.assertIn("อุปกรณ์นี้", self.page_text())
            self.type_into("phone", "054-222333")
            self.follow(self.find_text("main button", "บันทึก"))
            self.assertIn("บันทึกอีเมลและโทรศัพท์แล้ว", self.messages())
            self.assertAccessible("account")
            self.screenshot("officer-account-phone")
            # The link worked once.
            self.driver.delete_all_cookies()
            self.visit(link)
            self.assertEqual(self.heading(), "ลิงก์ใช้ไม่ได้")

    def secretariat_sees_the_officer_has_signed_in(self):
        self.login("secretariat")
        self.visit("/people/?never=true")
        self.assertNotIn("สมหญิง", self.find("table").text)
        self.visit(f"/people/?agency={self.culture.pk}")
        self.assertIn("สมหญิง", self.find("table").text)
        self.screenshot("secretariat-people-list")
