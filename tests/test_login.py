"""Logging in: throttling after wrong passwords (django-axes) with a Thai message,
sessions that end after a working day without activity, and the admin behind the
same login page."""

from __future__ import annotations

import datetime
import logging
from unittest import mock

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lampang_tracker.auth import client_ip
from tests.base import TrackerTestCase
from tests.test_settings import load_settings


class LoginTestCase(TrackerTestCase):
    @classmethod
    def setUpClass(cls):
        # Every failed login is a warning in the log (useful on a server); not here.
        axes_logger = logging.getLogger("axes")
        cls.addClassCleanup(axes_logger.setLevel, axes_logger.level)
        axes_logger.setLevel(logging.ERROR)
        super().setUpClass()


WRONG = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
LOCKED = "เข้าสู่ระบบผิดเกินจำนวนครั้งที่กำหนด กรุณารอ ๑๕ นาที แล้วลองใหม่"


class ThrottlingTests(LoginTestCase):
    def attempt(self, username: str = "culture", password: str = "wrong", address: str = "127.0.0.1"):
        return self.client.post(
            reverse("login"), {"username": username, "password": password, "next": "/inbox/"}, REMOTE_ADDR=address
        )

    def lock_out(self, username: str = "culture"):
        """Five wrong passwords: the fifth is answered with the lockout page."""
        for _ in range(4):
            self.assertContains(self.attempt(username), WRONG)
        return self.attempt(username)

    def test_it_shows_a_thai_lockout_message_after_five_wrong_passwords(self):
        response = self.lock_out()
        self.assertContains(response, LOCKED, status_code=429)
        self.assertNotContains(response, WRONG, status_code=429)
        self.assertTemplateUsed(response, "registration/login.html")
        # What was typed stays: the username, and where to go afterwards.
        self.assertContains(response, 'value="culture"', status_code=429)
        self.assertContains(response, 'name="next" value="/inbox/"', status_code=429)

    def test_the_right_password_does_not_get_in_while_locked_out(self):
        self.lock_out()
        response = self.attempt(password="pw")
        self.assertContains(response, LOCKED, status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(self.client.get(reverse("home")).status_code, 302)

    def test_it_locks_only_that_username_from_that_address(self):
        self.lock_out()
        self.assertRedirects(self.attempt("education", "pw"), "/inbox/", fetch_redirect_response=False)
        self.client.logout()
        self.assertRedirects(self.attempt("culture", "pw", "10.1.2.3"), "/inbox/", fetch_redirect_response=False)

    def test_it_lets_the_user_try_again_after_the_cool_off(self):
        self.lock_out()
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
        self.assertRedirects(self.attempt(password="pw"), "/inbox/", fetch_redirect_response=False)

    def test_a_successful_login_clears_the_count(self):
        for _ in range(4):
            self.attempt()
        self.attempt(password="pw")
        self.client.logout()
        for _ in range(4):
            self.assertContains(self.attempt(), WRONG)

    @override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=datetime.timedelta(minutes=90))
    def test_the_limit_and_the_wait_come_from_settings(self):
        self.assertContains(self.attempt(), WRONG)
        self.assertContains(self.attempt(), "กรุณารอ ๙๐ นาที", status_code=429)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_a_proxy_it_counts_by_the_address_the_proxy_saw(self):
        forwarded = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.7"}
        for _ in range(5):
            response = self.client.post(
                reverse("login"), {"username": "culture", "password": "wrong"}, REMOTE_ADDR="127.0.0.1", **forwarded
            )
        self.assertEqual(response.status_code, 429)
        self.assertEqual(set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"192.0.2.7"})
        # Another client behind the same proxy is not locked out.
        response = self.client.post(
            reverse("login"), {"username": "culture", "password": "pw"}, HTTP_X_FORWARDED_FOR="192.0.2.8"
        )
        self.assertEqual(response.status_code, 302)


class ClientAddressTests(SimpleTestCase):
    def address(self, remote: str = "127.0.0.1", forwarded: str | None = None) -> str | None:
        extra = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_ip(RequestFactory().get("/", **extra))

    def test_without_a_proxy_it_is_the_peer_and_x_forwarded_for_is_ignored(self):
        self.assertEqual(self.address("203.0.113.5", "1.2.3.4"), "203.0.113.5")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_with_one_proxy_it_is_the_last_forwarded_address(self):
        self.assertEqual(self.address(forwarded="1.2.3.4, 203.0.113.5"), "203.0.113.5")
        self.assertEqual(self.address(forwarded="203.0.113.5"), "203.0.113.5")

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_a_missing_or_garbled_header_falls_back_to_the_peer(self):
        self.assertEqual(self.address("127.0.0.1"), "127.0.0.1")
        self.assertEqual(self.address("127.0.0.1", "not-an-address"), "127.0.0.1")


class SessionExpiryTests(LoginTestCase):
    def at(self, hours: float):
        """Pretend ``hours`` have passed since now."""
        moment = timezone.now() + datetime.timedelta(hours=hours)
        return mock.patch("django.utils.timezone.now", return_value=moment)

    def test_a_session_left_idle_for_more_than_a_working_day_is_logged_out(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with self.at(8.5):
            response = self.client.get(reverse("directive_list"))
        self.assertLoginRedirect(response, reverse("directive_list"))

    def test_each_request_moves_the_expiry_forward(self):
        self.login(self.secretariat)
        with self.at(7):
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with self.at(14):
            self.assertEqual(self.client.get(reverse("home")).status_code, 200)
        with self.at(22.5):
            self.assertLoginRedirect(self.client.get(reverse("home")), reverse("home"))

    def session_writes(self, path: str = "/") -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(path).status_code, 200)
        return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]

    def test_reading_pages_does_not_write_the_session_more_than_every_five_minutes(self):
        self.login(self.secretariat)
        self.assertEqual(self.session_writes(), [])
        with self.at(0.05):  # three minutes on
            self.assertEqual(self.session_writes(), [])
        with self.at(0.1):  # six minutes on
            self.assertEqual(len(self.session_writes()), 1)
            self.assertEqual(self.session_writes(), [])

    def test_logging_in_through_the_page_starts_the_clock(self):
        response = self.client.post(reverse("login"), {"username": "culture", "password": "pw"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.session_writes(), [])
        with self.at(8.5):
            self.assertLoginRedirect(self.client.get(reverse("inbox")), reverse("inbox"))

    def test_the_cookie_and_the_idle_time_are_eight_hours(self):
        self.login(self.secretariat)
        with self.at(0.1):
            response = self.client.get(reverse("home"))
        self.assertEqual(response.cookies[settings.SESSION_COOKIE_NAME]["max-age"], 8 * 60 * 60)


class AdminLoginTests(LoginTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin_user = User.objects.create_superuser("admin", password="pw")

    def test_anonymous_visitors_of_the_admin_go_to_the_apps_login_page(self):
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], f"{reverse('login')}?next=/admin/")
        self.assertTemplateUsed(response, "registration/login.html")
        self.assertRedirects(
            self.client.get("/admin/auth/user/"),
            f"{reverse('login')}?next=/admin/auth/user/",
            fetch_redirect_response=False,
        )
        # A bookmarked admin login page sends there too.
        self.assertRedirects(
            self.client.get("/admin/login/?next=/admin/auth/"),
            f"{reverse('login')}?next=/admin/auth/",
            fetch_redirect_response=False,
        )

    def test_the_admin_has_no_login_form_of_its_own(self):
        response = self.client.post("/admin/login/?next=/admin/", {"username": "admin", "password": "pw"})
        self.assertRedirects(response, f"{reverse('login')}?next=/admin/", fetch_redirect_response=False)
        self.assertNotIn("_auth_user_id", self.client.session)
        # Nor does it send anyone elsewhere.
        response = self.client.get("/admin/login/?next=https://evil.example/")
        self.assertRedirects(response, f"{reverse('login')}?next=/admin/", fetch_redirect_response=False)

    def test_staff_log_in_on_the_apps_page_and_reach_the_admin(self):
        response = self.client.post(reverse("login"), {"username": "admin", "password": "pw", "next": "/admin/"})
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertRedirects(self.client.get("/admin/login/"), "/admin/", fetch_redirect_response=False)

    def test_signed_in_users_who_are_not_staff_get_a_thai_refusal(self):
        self.login(self.secretariat)
        response = self.client.get("/admin/", follow=True)
        self.assertContains(response, "บัญชีนี้ไม่มีสิทธิ์ใช้หน้าผู้ดูแลระบบ", status_code=403)

    def test_the_admin_login_is_throttled_like_any_other(self):
        for _ in range(5):
            response = self.client.post(reverse("login"), {"username": "admin", "password": "wrong", "next": "/admin/"})
        self.assertContains(response, LOCKED, status_code=429)


class LoginSettingsTests(SimpleTestCase):
    def test_it_reads_the_limits_from_the_environment(self):
        loaded = load_settings(
            SECRET_KEY="x", LOGIN_FAILURE_LIMIT="3", LOGIN_COOLOFF_MINUTES="60", SESSION_IDLE_MINUTES="30"
        )
        self.assertEqual(loaded["AXES_FAILURE_LIMIT"], 3)
        self.assertEqual(loaded["AXES_COOLOFF_TIME"], datetime.timedelta(hours=1))
        self.assertEqual(loaded["SESSION_COOKIE_AGE"], 30 * 60)
        self.assertEqual(loaded["SESSION_REFRESH_SECONDS"], 3 * 60)

    def test_it_defaults_to_five_tries_fifteen_minutes_and_a_working_day(self):
        loaded = load_settings(SECRET_KEY="x")
        self.assertEqual(loaded["AXES_FAILURE_LIMIT"], 5)
        self.assertEqual(loaded["AXES_COOLOFF_TIME"], datetime.timedelta(minutes=15))
        self.assertEqual(loaded["AXES_LOCKOUT_PARAMETERS"], [["username", "ip_address"]])
        self.assertEqual(loaded["SESSION_COOKIE_AGE"], 8 * 60 * 60)
