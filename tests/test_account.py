"""Every user's own account: details, password, forgotten password, sessions,
own data (PDPA), privacy notice, and two-factor sign-in."""

from __future__ import annotations

import json
import re

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from people.models import UserSession
from tests.base import TrackerTestCase


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def password_login(client, username: str, password: str = "pw"):
    return client.post(reverse("login"), {"username": username, "password": password})


class AccountPageTests(TrackerTestCase):
    url = reverse("account")

    def test_it_sets_own_email_and_phone(self):
        self.login(self.user_a)
        response = self.client.post(self.url, {"email": "Culture@Example.go.th", "phone": "054-111111"})
        self.assertRedirects(response, self.url)
        self.user_a.refresh_from_db()
        self.assertEqual(self.user_a.email, "culture@example.go.th")
        self.assertEqual(self.user_a.profile.phone, "054-111111")
        self.assertEqual(self.user_a.history.first().history_user, self.user_a)

    def test_it_keeps_input_and_says_what_is_wrong(self):
        self.user_b.email = "taken@example.go.th"
        self.user_b.save()
        self.login(self.user_a)
        response = self.client.post(self.url, {"email": "taken@example.go.th", "phone": "054"})
        self.assertContains(response, "อีเมลนี้มีผู้ใช้อยู่แล้ว")
        response = self.client.post(self.url, {"email": "ไม่ใช่อีเมล", "phone": "054-999"})
        self.assertContains(response, "รูปแบบอีเมลไม่ถูกต้อง")
        self.assertContains(response, 'value="054-999"')

    def test_it_works_for_every_role_and_not_for_anonymous(self):
        for user in (self.secretariat, self.executive, self.user_a):
            self.login(user)
            self.assertContains(self.client.get(self.url), user.username)
        self.login(None)
        self.assertLoginRedirect(self.client.get(self.url), self.url)
        self.login(self.user_a)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_it_shows_and_ends_the_users_sessions(self):
        phone = self.client_class(HTTP_USER_AGENT="Mobile Safari")
        password_login(phone, "culture")
        password_login(self.client, "culture")
        response = self.client.get(self.url)
        self.assertContains(response, "Mobile Safari")
        self.assertContains(response, "อุปกรณ์นี้")
        self.assertEqual(len(response.context["sessions"]), 2)
        end = reverse("account_sessions_end")
        self.assertEqual(self.client.get(end).status_code, 405)
        self.client.post(end)
        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(phone.get(self.url).status_code, 302)  # signed out
        self.assertEqual(UserSession.objects.filter(user=self.user_a).count(), 1)

    def test_logging_out_forgets_the_session(self):
        password_login(self.client, "culture")
        self.assertEqual(UserSession.objects.filter(user=self.user_a).count(), 1)
        self.client.post(reverse("logout"))
        self.assertEqual(UserSession.objects.filter(user=self.user_a).count(), 0)


class PasswordChangeTests(TrackerTestCase):
    url = reverse("account_password")

    def test_it_changes_the_password_and_keeps_the_user_signed_in(self):
        password_login(self.client, "culture")
        data = {"old_password": "pw", "new_password1": "ลำปาง-2568-ok", "new_password2": "ลำปาง-2568-ok"}
        self.assertRedirects(self.client.post(self.url, data), reverse("account"))
        self.user_a.refresh_from_db()
        self.assertTrue(self.user_a.check_password("ลำปาง-2568-ok"))
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)

    def test_it_says_in_thai_what_is_wrong(self):
        self.login(self.user_a)
        response = self.client.get(self.url)
        self.assertContains(response, "รหัสผ่านต้องมีอย่างน้อย ๘ ตัวอักษร")
        data = {"old_password": "wrong", "new_password1": "culture1", "new_password2": "culture1"}
        response = self.client.post(self.url, data)
        self.assertContains(response, "รหัสผ่านปัจจุบันไม่ถูกต้อง")
        self.assertContains(response, "รหัสผ่านคล้ายกับชื่อผู้ใช้")
        response = self.client.post(self.url, {"old_password": "pw", "new_password1": "password", "new_password2": "x"})
        self.assertContains(response, "รหัสผ่านทั้งสองช่องไม่ตรงกัน")

    def test_it_needs_a_login(self):
        self.assertLoginRedirect(self.client.get(self.url), self.url)


class PasswordResetTests(TrackerTestCase):
    def test_forgotten_password_end_to_end(self):
        self.user_a.email = "culture@example.go.th"
        self.user_a.save()
        login_page = self.client.get(reverse("login"))
        self.assertContains(login_page, "ลืมรหัสผ่าน")
        response = self.client.post(reverse("password_reset"), {"email": "culture@example.go.th"})
        self.assertRedirects(response, reverse("password_reset_done"))
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("ตั้งรหัสผ่านใหม่", mail.outbox[0].subject)
        form_url = self.client.get(link_in(mail.outbox[0]))["Location"]
        response = self.client.post(form_url, {"new_password1": "ลำปาง-2568-ok", "new_password2": "ลำปาง-2568-ok"})
        self.assertRedirects(response, reverse("home"))
        self.user_a.refresh_from_db()
        self.assertTrue(self.user_a.check_password("ลำปาง-2568-ok"))
        self.client.logout()
        self.assertContains(self.client.get(link_in(mail.outbox[0]), follow=True), "ลิงก์ใช้ไม่ได้")

    def test_it_does_not_tell_whether_an_email_is_known(self):
        response = self.client.post(reverse("password_reset"), {"email": "nobody@example.go.th"}, follow=True)
        self.assertContains(response, "ตรวจสอบอีเมลของท่าน")
        self.assertEqual(mail.outbox, [])
        response = self.client.post(reverse("password_reset"), {"email": "ไม่ใช่อีเมล"})
        self.assertContains(response, "รูปแบบอีเมลไม่ถูกต้อง")


class OwnDataTests(TrackerTestCase):
    def test_it_exports_the_users_own_data_as_json(self):
        self.user_a.email = "culture@example.go.th"
        self.user_a.save()
        self.login(self.user_a)
        response = self.client.get(reverse("account_export"))
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        data = json.loads(response.content)
        self.assertEqual(data["account"]["email"], "culture@example.go.th")
        self.assertEqual(data["profile"]["agency"], "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertEqual([r["text"] for r in data["progress_reports"]], ["จัดประชุมชี้แจงแล้ว"])
        self.assertNotIn("education", response.content.decode())
        self.assertNotIn("password", data["account"])
        self.assertEqual(self.client.post(reverse("account_export")).status_code, 405)

    def test_the_privacy_notice_needs_no_login(self):
        response = self.client.get(reverse("privacy"))
        self.assertContains(response, "ประกาศความเป็นส่วนตัว")
        self.assertContains(response, "พระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล")
        self.assertContains(self.client.get(reverse("login")), reverse("privacy"))


class TwoFactorTests(TrackerTestCase):
    def set_up_app(self, client) -> TOTPDevice:
        response = client.get(reverse("two_factor_setup"))
        self.assertContains(response, "<svg")
        device = TOTPDevice.objects.get(user=self.secretariat, confirmed=False)
        response = client.post(reverse("two_factor_setup"), {"token": str(totp(device.bin_key)).zfill(6)})
        self.assertContains(response, "รหัสกู้คืน")
        return device

    def test_the_secretariat_turns_it_on_and_is_asked_for_a_code_next_time(self):
        password_login(self.client, "secretariat")
        self.set_up_app(self.client)
        codes = list(StaticToken.objects.filter(device__user=self.secretariat).values_list("token", flat=True))
        self.assertEqual(len(codes), 10)
        self.client.post(reverse("logout"))
        password_login(self.client, "secretariat")
        response = self.client.get(reverse("meeting_list"))
        self.assertRedirects(
            response, reverse("two_factor_verify") + "?next=%2Fmeetings%2F", fetch_redirect_response=False
        )
        response = self.client.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/meetings/"})
        self.assertRedirects(response, "/meetings/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("meeting_list")).status_code, 200)
        # A recovery code works once; a wrong code is refused (django-otp then throttles).
        self.client.post(reverse("logout"))
        password_login(self.client, "secretariat")
        response = self.client.post(reverse("two_factor_verify"), {"token": codes[0]})
        self.assertContains(response, "รหัสไม่ถูกต้อง")
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_a_wrong_first_code_does_not_turn_it_on(self):
        self.login(self.secretariat)
        self.client.get(reverse("two_factor_setup"))
        response = self.client.post(reverse("two_factor_setup"), {"token": "12"})
        self.assertContains(response, "รหัสไม่ถูกต้องหรือหมดเวลาแล้ว")
        self.assertFalse(TOTPDevice.objects.filter(user=self.secretariat, confirmed=True).exists())

    def test_it_is_only_for_the_secretariat_and_executives(self):
        self.login(self.user_a)
        self.assertEqual(self.client.get(reverse("two_factor_setup")).status_code, 403)
        self.assertNotContains(self.client.get(reverse("account")), reverse("two_factor_setup"))
        self.login(self.executive)
        self.assertEqual(self.client.get(reverse("two_factor_setup")).status_code, 200)

    @override_settings(REQUIRE_2FA_ROLES=["secretariat"])
    def test_a_required_role_must_set_it_up_before_anything_else(self):
        password_login(self.client, "secretariat")
        response = self.client.get(reverse("home"))
        self.assertRedirects(response, reverse("two_factor_setup") + "?next=%2F", fetch_redirect_response=False)
        self.set_up_app(self.client)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        response = self.client.post(reverse("two_factor_disable"), follow=True)
        self.assertContains(response, "ปิดไม่ได้")
        # Executives are not required to.
        other = self.client_class()
        password_login(other, "executive")
        self.assertEqual(other.get(reverse("home")).status_code, 200)

    def test_it_can_be_turned_off_and_codes_renewed(self):
        password_login(self.client, "secretariat")
        self.set_up_app(self.client)
        old = set(StaticToken.objects.values_list("token", flat=True))
        response = self.client.post(reverse("two_factor_codes"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(old & set(StaticToken.objects.values_list("token", flat=True)))
        self.client.post(reverse("two_factor_disable"))
        self.assertFalse(TOTPDevice.objects.filter(user=self.secretariat).exists())
        self.assertEqual(self.client.get(reverse("two_factor_disable")).status_code, 405)


class NoPeopleInExportsTests(TrackerTestCase):
    def test_the_directive_export_names_agencies_never_people(self):
        self.user_a.first_name, self.user_a.last_name, self.user_a.email = "สมหญิง", "รักงาน", "somying@example.go.th"
        self.user_a.save()
        self.login(self.secretariat)
        response = self.client.get(reverse("directive_list"), {"_export": "csv"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        self.assertIn("สำนักงานวัฒนธรรมจังหวัดลำปาง", text)
        for private in ("สมหญิง", "somying@example.go.th", "culture"):
            self.assertNotIn(private, text)


class AccountWithoutEmailTests(TrackerTestCase):
    def test_a_user_without_email_can_still_set_a_phone(self):
        self.login(self.user_a)
        self.assertRedirects(self.client.post(reverse("account"), {"email": "", "phone": "081"}), reverse("account"))
        self.user_a.refresh_from_db()
        self.assertEqual((self.user_a.email, self.user_a.profile.phone), ("", "081"))
