"""The people pages: list, add (with invitation), edit, deactivate, resend, history."""

from __future__ import annotations

import re
from unittest import mock

from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.http import HttpRequest
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Profile
from notifications.models import Preference
from people import services
from people import urls as people_urls
from people.models import Invitation, UserSession
from tests.base import TrackerTestCase, make_user


def link_in(message) -> str:
    """The path of the one link in an e-mail body."""
    found = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert found, message.body
    return found.group(1)


def person_data(**overrides) -> dict:
    data = {
        "first_name": "สมหญิง",
        "last_name": "รักงาน",
        "position": "นักวิชาการวัฒนธรรมชำนาญการ",
        "role": Profile.Role.AGENCY,
        "agency": "",
        "email": "somying@example.go.th",
        "phone": "054-000000",
    }
    return {**data, **overrides}


class PersonListTests(TrackerTestCase):
    url = reverse("person_list")

    def test_it_lists_everyone_with_role_agency_position_and_email(self):
        Profile.objects.filter(user=self.user_a).update(position="นักวิชาการวัฒนธรรม")
        self.user_a.email = "culture@example.go.th"
        self.user_a.save()
        self.login(self.secretariat)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for text in ("ผู้ใช้หน่วยงาน", "สำนักงานวัฒนธรรมจังหวัดลำปาง", "นักวิชาการวัฒนธรรม", "culture@example.go.th"):
            self.assertContains(response, text)
        self.assertContains(response, reverse("person_create"))

    def test_it_says_who_has_linked_line(self):
        Preference.objects.create(user=self.user_a, line_user_id="U" + "a" * 32)
        Preference.objects.create(user=self.user_b)  # preferences, but no LINE link
        self.login(self.secretariat)
        table = self.client.get(self.url).context["table"]
        linked = {row.get_cell_value("name"): row.get_cell_value("line") for row in table.page.object_list}
        self.assertIn("เชื่อมแล้ว", [v for k, v in linked.items() if self.user_a.first_name in str(k)])
        self.assertIn("ยังไม่เชื่อม", [v for k, v in linked.items() if self.user_b.first_name in str(k)])

    def test_it_filters_by_agency_and_role(self):
        self.login(self.secretariat)
        response = self.client.get(self.url, {"agency": self.agency_b.pk})
        names = [row.first_name for row in response.context["table"].page.object_list.data]
        self.assertEqual(names, ["education"])
        response = self.client.get(self.url, {"role": Profile.Role.EXECUTIVE})
        names = [row.first_name for row in response.context["table"].page.object_list.data]
        self.assertEqual(names, ["executive"])

    def test_it_finds_who_never_logged_in(self):
        User.objects.filter(pk=self.user_b.pk).update(last_login=None)
        self.login(self.secretariat)
        response = self.client.get(self.url, {"never": "true"})
        self.assertIn(self.user_b, list(response.context["table"].page.object_list.data))
        self.assertNotIn(self.secretariat, list(response.context["table"].page.object_list.data))

    def test_it_does_not_grow_queries_with_people(self):
        self.login(self.secretariat)
        # The count itself depends on session handling; what matters is that it stays flat.
        with CaptureQueriesContext(connection) as before:
            self.client.get(self.url)
        for n in range(10):
            person = services.person_create(
                first_name=f"คนที่{n}",
                last_name="",
                email=f"p{n}@example.go.th",
                role=Profile.Role.AGENCY,
                agency=self.agency_a,
                by=self.secretariat,
            )
            services.invitation_send(user=person, base_url="http://testserver/", by=self.secretariat)
        with self.assertNumQueries(len(before.captured_queries)):
            response = self.client.get(self.url)
        self.assertContains(response, "ยังไม่เคย (เชิญเมื่อ", count=10)

    def test_it_survives_nonsense_filters(self):
        self.login(self.secretariat)
        for query in ({"agency": "x"}, {"role": "god"}, {"active": "maybe"}, {"q": "ก" * 5000}, {"page": "9999"}):
            self.assertIn(self.client.get(self.url, query).status_code, (200, 404), query)

    def test_it_lets_executives_read_without_the_add_button(self):
        self.login(self.executive)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, reverse("person_create"))

    def test_it_refuses_agency_users_and_sends_anonymous_to_login(self):
        self.login(self.user_a)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.get(self.url), self.url)

    def test_it_answers_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post(self.url).status_code, 405)


class PersonCreateTests(TrackerTestCase):
    url = reverse("person_create")

    def test_it_adds_a_person_and_emails_a_set_password_link(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, person_data(agency=self.agency_a.pk))
        person = User.objects.get(email="somying@example.go.th")
        self.assertRedirects(response, reverse("person_detail", args=[person.pk]), fetch_redirect_response=False)
        self.assertEqual(person.username, "somying@example.go.th")
        self.assertFalse(person.has_usable_password())
        self.assertEqual(person.profile.agency, self.agency_a)
        self.assertEqual(person.profile.phone, "054-000000")
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["somying@example.go.th"])
        self.assertIn("/welcome/", mail.outbox[0].body)
        self.assertEqual(Invitation.objects.get(user=person).sent_by, self.secretariat)
        # The creation is in the audit trail, with who did it.
        self.assertEqual(person.history.get().history_user, self.secretariat)
        self.assertEqual(Profile.history.get(user_id=person.pk).history_user, self.secretariat)

    def test_it_asks_for_the_agency_of_an_agency_user_and_keeps_the_input(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, person_data())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ผู้ใช้หน่วยงานต้องเลือกหน่วยงาน")
        self.assertContains(response, 'value="somying@example.go.th"')
        self.assertFalse(User.objects.filter(email="somying@example.go.th").exists())
        self.assertEqual(mail.outbox, [])

    def test_it_refuses_an_email_already_in_use(self):
        self.user_b.email = "Somying@Example.go.th"
        self.user_b.save()
        self.login(self.secretariat)
        response = self.client.post(self.url, person_data(agency=self.agency_a.pk))
        self.assertContains(response, "อีเมลนี้มีผู้ใช้อยู่แล้ว")

    def test_it_says_a_bad_email_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url, person_data(email="not-an-email", agency=self.agency_a.pk))
        self.assertContains(response, "รูปแบบอีเมลไม่ถูกต้อง")

    def test_it_drops_the_agency_of_an_executive(self):
        self.login(self.secretariat)
        self.client.post(self.url, person_data(role=Profile.Role.EXECUTIVE, agency=self.agency_a.pk))
        self.assertIsNone(User.objects.get(email="somying@example.go.th").profile.agency)

    def test_it_is_for_the_secretariat_only(self):
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertEqual(self.client.get(self.url).status_code, 403)
            self.assertEqual(self.client.post(self.url, person_data(agency=self.agency_a.pk)).status_code, 403)
        self.assertFalse(User.objects.filter(email="somying@example.go.th").exists())
        self.login(None)
        self.assertLoginRedirect(self.client.get(self.url), self.url)
        self.login(self.secretariat)
        self.assertEqual(self.client.put(self.url).status_code, 405)


class InvitationFlowTests(TrackerTestCase):
    def invite(self) -> User:
        self.login(self.secretariat)
        self.client.post(reverse("person_create"), person_data(agency=self.agency_a.pk))
        self.client.logout()
        return User.objects.get(email="somying@example.go.th")

    def test_it_lets_the_invited_person_set_a_password_and_lands_them_home(self):
        person = self.invite()
        response = self.client.get(link_in(mail.outbox[0]))
        self.assertEqual(response.status_code, 302)  # Django hides the token from the address bar
        form_url = response["Location"]
        page = self.client.get(form_url)
        self.assertContains(page, "somying@example.go.th")
        self.assertContains(page, "รหัสผ่านต้องมีอย่างน้อย ๘ ตัวอักษร")
        response = self.client.post(form_url, {"new_password1": "ลำปาง-2568-ok", "new_password2": "ลำปาง-2568-ok"})
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        home = self.client.get(reverse("home"))
        self.assertEqual(home.context["user"], person)
        person.refresh_from_db()
        self.assertTrue(person.check_password("ลำปาง-2568-ok"))
        # The link works once.
        self.client.logout()
        again = self.client.get(link_in(mail.outbox[0]), follow=True)
        self.assertContains(again, "ลิงก์ใช้ไม่ได้")

    def test_it_says_in_thai_what_is_wrong_with_a_weak_password(self):
        self.invite()
        form_url = self.client.get(link_in(mail.outbox[0]))["Location"]
        response = self.client.post(form_url, {"new_password1": "12345", "new_password2": "12345"})
        self.assertContains(response, "รหัสผ่านสั้นเกินไป")
        self.assertContains(response, "รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด")
        response = self.client.post(form_url, {"new_password1": "ลำปาง-2568-ok", "new_password2": "อื่น-2568-ok"})
        self.assertContains(response, "รหัสผ่านทั้งสองช่องไม่ตรงกัน")

    def test_it_resends_the_invitation(self):
        person = self.invite()
        self.login(self.secretariat)
        url = reverse("person_invite", args=[person.pk])
        self.assertRedirects(self.client.post(url), reverse("person_detail", args=[person.pk]))
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(person.invitations.count(), 2)
        self.assertEqual(self.client.get(url).status_code, 405)
        # The newest link works.
        self.client.logout()
        form_url = self.client.get(link_in(mail.outbox[1]))["Location"]
        self.client.post(form_url, {"new_password1": "ลำปาง-2568-ok", "new_password2": "ลำปาง-2568-ok"})
        person.refresh_from_db()
        self.assertTrue(person.has_usable_password())
        # Once a password is set, there is nothing to resend.
        self.login(self.secretariat)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "ตั้งรหัสผ่านแล้ว")
        self.assertEqual(len(mail.outbox), 2)

    def test_it_lets_only_the_secretariat_resend(self):
        person = self.invite()
        url = reverse("person_invite", args=[person.pk])
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.post(url), url)
        self.assertEqual(len(mail.outbox), 1)

    def test_it_refuses_the_link_of_a_deactivated_account(self):
        person = self.invite()
        services.person_deactivate(user=person, by=self.secretariat)
        response = self.client.get(link_in(mail.outbox[0]), follow=True)
        self.assertContains(response, "ลิงก์ใช้ไม่ได้")


class PersonEditTests(TrackerTestCase):
    def test_it_moves_a_person_to_another_agency_and_records_it(self):
        self.login(self.secretariat)
        url = reverse("person_edit", args=[self.user_a.pk])
        self.assertContains(self.client.get(url), "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        response = self.client.post(
            url, person_data(first_name="culture", email="culture@example.go.th", agency=self.agency_b.pk)
        )
        self.assertRedirects(response, reverse("person_detail", args=[self.user_a.pk]), fetch_redirect_response=False)
        self.user_a.refresh_from_db()
        self.assertEqual(self.user_a.profile.agency, self.agency_b)
        detail = self.client.get(reverse("person_detail", args=[self.user_a.pk]))
        self.assertContains(detail, "หน่วยงาน: สำนักงานวัฒนธรรมจังหวัดลำปาง → สำนักงานศึกษาธิการจังหวัดลำปาง")
        self.assertContains(detail, "อีเมล: — → culture@example.go.th")

    def test_it_keeps_the_secretariat_from_demoting_themselves(self):
        self.login(self.secretariat)
        url = reverse("person_edit", args=[self.secretariat.pk])
        response = self.client.post(
            url, person_data(email="sec@example.go.th", role=Profile.Role.EXECUTIVE, first_name="secretariat")
        )
        self.assertContains(response, "เปลี่ยนบทบาทของตนเองไม่ได้")

    def test_it_is_read_only_for_executives_and_closed_to_agencies(self):
        url = reverse("person_edit", args=[self.user_a.pk])
        self.login(self.executive)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(reverse("person_detail", args=[self.user_a.pk])).status_code, 200)
        self.login(self.user_a)
        self.assertEqual(self.client.get(reverse("person_detail", args=[self.user_a.pk])).status_code, 403)
        self.login(self.secretariat)
        self.assertEqual(self.client.get(reverse("person_edit", args=[999999])).status_code, 404)
        self.assertEqual(self.client.delete(url).status_code, 405)


class DeactivateTests(TrackerTestCase):
    def test_it_switches_an_account_off_and_signs_it_out_everywhere(self):
        officer = self.client_class()
        officer.force_login(self.user_a)
        self.assertEqual(officer.get(reverse("home")).status_code, 200)
        self.assertTrue(UserSession.objects.filter(user=self.user_a).exists())
        self.login(self.secretariat)
        url = reverse("person_deactivate", args=[self.user_a.pk])
        self.assertRedirects(self.client.post(url), reverse("person_detail", args=[self.user_a.pk]))
        self.user_a.refresh_from_db()
        self.assertFalse(self.user_a.is_active)
        self.assertEqual(officer.get(reverse("home")).status_code, 302)
        self.assertFalse(UserSession.objects.filter(user=self.user_a).exists())
        # Their reports stay.
        self.assertTrue(self.assignment_a.reports.filter(created_by=self.user_a).exists())
        # Back on.
        self.client.post(reverse("person_activate", args=[self.user_a.pk]))
        self.user_a.refresh_from_db()
        self.assertTrue(self.user_a.is_active)

    def test_it_does_not_switch_off_oneself(self):
        self.login(self.secretariat)
        response = self.client.post(reverse("person_deactivate", args=[self.secretariat.pk]), follow=True)
        self.assertContains(response, "ปิดบัญชีของตนเองไม่ได้")
        self.secretariat.refresh_from_db()
        self.assertTrue(self.secretariat.is_active)

    def test_it_is_post_only_and_secretariat_only(self):
        url = reverse("person_deactivate", args=[self.user_b.pk])
        self.login(self.secretariat)
        self.assertEqual(self.client.get(url).status_code, 405)
        for user in (self.executive, self.user_a):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.post(url), url)
        self.user_b.refresh_from_db()
        self.assertTrue(self.user_b.is_active)

    def test_there_is_no_way_to_delete_a_person(self):
        self.assertFalse([p.name for p in people_urls.urlpatterns if "delete" in p.name])


class ServiceTests(TrackerTestCase):
    def test_it_refuses_an_agency_user_without_agency(self):
        with self.assertRaises(services.PeopleError) as caught:
            services.person_create(
                first_name="ก", last_name="", email="a@example.go.th", role="agency", agency=None, by=self.secretariat
            )
        # The form shows the message next to the agency field.
        self.assertEqual((str(caught.exception), caught.exception.field), ("ผู้ใช้หน่วยงานต้องระบุหน่วยงาน", "agency"))

    def test_an_email_is_required_and_used_once_whether_as_email_or_user_name(self):
        def create(email, **fields):
            fields.setdefault("role", "executive")
            fields.setdefault("agency", None)
            return services.person_create(first_name="ก", last_name="", email=email, by=self.secretariat, **fields)

        with self.assertRaises(services.PeopleError) as caught:
            create("")
        self.assertEqual(caught.exception.field, "email")
        make_user("old@example.go.th", Profile.Role.EXECUTIVE)  # a user name that is an address, no e-mail
        for email in ("OLD@example.go.th", self.user_a.email or "culture"):
            with self.subTest(email=email), self.assertRaises(services.PeopleError) as caught:
                create(email)
            self.assertEqual((str(caught.exception), caught.exception.field), ("อีเมลนี้มีผู้ใช้อยู่แล้ว", "email"))
        # An executive belongs to no agency, whatever the form sent.
        person = create("new@example.go.th", agency=self.agency_a)
        self.assertIsNone(Profile.objects.get(user=person).agency)
        # Saving a person with their own address is no clash.
        services.person_update(
            user=person,
            first_name="ข",
            last_name="",
            email="new@example.go.th",
            role="executive",
            agency=None,
            by=self.secretariat,
        )
        person.refresh_from_db()
        self.assertEqual(person.first_name, "ข")

    def test_a_made_user_cannot_sign_in_before_setting_a_password(self):
        person = services.person_create(
            first_name="ก", last_name="", email="a@example.go.th", role="executive", agency=None, by=self.secretariat
        )
        self.assertFalse(self.client.login(request=HttpRequest(), username="a@example.go.th", password=""))
        self.assertFalse(person.has_usable_password())

    def test_an_invited_person_may_type_their_email_with_capitals_to_sign_in(self):
        person = services.person_create(
            first_name="ก",
            last_name="",
            email="somying@example.go.th",
            role="executive",
            agency=None,
            by=self.secretariat,
        )
        person.set_password("ลำปาง-2568-ok")
        person.save()
        response = self.client.post(
            reverse("login"), {"username": " Somying@Example.GO.th", "password": "ลำปาง-2568-ok"}
        )
        self.assertRedirects(response, reverse("home"), fetch_redirect_response=False)
        self.assertEqual(int(self.client.session["_auth_user_id"]), person.pk)

    def test_it_does_not_invite_an_inactive_person(self):
        make_user("gone", Profile.Role.EXECUTIVE)
        gone = User.objects.get(username="gone")
        gone.is_active = False
        gone.email = "gone@example.go.th"
        gone.set_unusable_password()
        gone.save()
        with self.assertRaises(services.PeopleError) as caught:
            services.invitation_send(user=gone, base_url="http://testserver/", by=self.secretariat)
        self.assertEqual(str(caught.exception), "บัญชีนี้ปิดการใช้งานอยู่ เปิดใช้งานก่อนจึงส่งคำเชิญได้")

    def test_a_mail_server_that_refuses_leaves_no_invitation_and_says_so(self):
        person = services.person_create(
            first_name="สมหญิง",
            last_name="",
            email="somying@example.go.th",
            role="executive",
            agency=None,
            by=self.secretariat,
        )
        with (
            mock.patch("people.services.send_mail", side_effect=ConnectionRefusedError),
            self.assertRaises(services.PeopleError) as caught,
        ):
            services.invitation_send(user=person, base_url="http://testserver/", by=self.secretariat)
        self.assertEqual(str(caught.exception), "ส่งอีเมลไม่สำเร็จ กรุณาลองส่งคำเชิญอีกครั้งภายหลัง")
        self.assertFalse(Invitation.objects.filter(user=person).exists())

    def test_it_says_why_it_cannot_invite_and_how_long_an_invitation_lasts(self):
        person = services.person_create(
            first_name="สมหญิง",
            last_name="ใจดี",
            email="somying@example.go.th",
            role="executive",
            agency=None,
            by=self.secretariat,
        )
        with override_settings(PASSWORD_RESET_TIMEOUT=5 * 24 * 60 * 60):
            services.invitation_send(user=person, base_url="http://testserver/", by=self.secretariat)
        self.assertEqual(mail.outbox[-1].subject, "คำเชิญเข้าใช้ระบบติดตามข้อสั่งการ จังหวัดลำปาง")
        self.assertEqual(mail.outbox[-1].to, ["somying@example.go.th"])
        body = mail.outbox[-1].body
        self.assertIn("(ใช้ได้ครั้งเดียว ภายใน ๕ วัน)", body)
        self.assertIn(f"\n\nhttp://testserver{services.set_password_path(person)}\n\n", body)
        self.assertIn(f"เข้าสู่ระบบครั้งต่อไปได้ที่ http://testserver{reverse('login')}\n", body)
        person.email = ""
        with self.assertRaises(services.PeopleError) as caught:
            services.invitation_send(user=person, base_url="http://testserver/", by=self.secretariat)
        self.assertEqual(str(caught.exception), "ผู้ใช้นี้ยังไม่มีอีเมล กรุณาแก้ไขข้อมูลก่อน")
        person.set_password("ลำปาง-2568-ok")
        with self.assertRaises(services.PeopleError) as caught:
            services.invitation_send(user=person, base_url="http://testserver/", by=self.secretariat)
        self.assertEqual(
            str(caught.exception),
            "ผู้ใช้นี้ตั้งรหัสผ่านแล้ว หากลืมรหัสผ่านให้ใช้ลิงก์ “ลืมรหัสผ่าน” ที่หน้าเข้าสู่ระบบ",
        )


class InactiveAgencyTests(TrackerTestCase):
    def test_a_person_of_a_switched_off_agency_can_still_be_edited_but_nobody_joins_it(self):
        self.agency_a.is_active = False
        self.agency_a.save()
        self.login(self.secretariat)
        url = reverse("person_edit", args=[self.user_a.pk])
        data = person_data(first_name="culture", email="culture@example.go.th", agency=self.agency_a.pk)
        self.assertRedirects(self.client.post(url, data), reverse("person_detail", args=[self.user_a.pk]))
        response = self.client.post(reverse("person_create"), person_data(agency=self.agency_a.pk))
        self.assertContains(response, "หน่วยงานนี้ปิดการใช้งานแล้ว")
