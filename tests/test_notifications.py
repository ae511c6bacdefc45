"""Notifications: each event queues exactly the expected outbox rows; delivery is
idempotent, retries with backoff; LINE through a fake server on 127.0.0.1; the
webhook checks the signature; calendars parse; no agency sees another's report."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from io import StringIO
from unittest import mock

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from agencies.models import Agency, Profile
from directives import services
from directives.models import Status, today
from lampang_tracker import thai
from minutes import services as minutes_services
from notifications import reminders
from notifications import services as notify
from notifications.models import AgencySetting, Channel, Defaults, Event, Mode, Notification, Preference
from tests.base import TrackerTestCase, make_user

SECRET = "test-channel-secret"


class FakeLine:
    """A LINE Messaging API stand-in: records every request, answers ``status``."""

    def __init__(self, status: int = 200):
        self.status = status
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                payload = (
                    b'{"sentMessages":[{"id":"1","quoteToken":"q"}]}' if fake.status == 200 else b'{"message":"x"}'
                )
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def rows(**filters) -> set[tuple[str, str, str]]:
    return set(Notification.objects.filter(**filters).values_list("recipient", "event", "channel"))


def run(*args: str) -> str:
    out = StringIO()
    call_command("send_notifications", *args, stdout=out)
    return out.getvalue()


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    LINE_CHANNEL_ACCESS_TOKEN="test-token",
    LINE_CHANNEL_SECRET=SECRET,
    SITE_URL="https://tracker.example",
    REMINDER_DAYS=[7, 3, 1],
    NOTIFY_MAX_ATTEMPTS=3,
)
class NotificationTestCase(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in (cls.secretariat, cls.user_a, cls.user_b, cls.executive):
            user.email = f"{user.username}@example.org"
            user.save()
        cls.user_district = make_user("kokha", Profile.Role.AGENCY, cls.district)
        cls.user_district.email = "kokha@example.org"
        cls.user_district.save()
        # The base cast's overdue item of agency B would be reminded in every test.
        services.directive_close(directive=cls.directive_b, note="ปิดเพื่อการทดสอบ", by=cls.secretariat)
        # Nothing queued by the base cast: on_commit never runs inside TestCase.
        Notification.objects.all().delete()

    def user_key(self, user) -> str:
        return f"user:{user.pk}"

    def waiting(self, user, subject: str, *, event=Event.DUE_SOON, **fields):
        """An e-mail row queued for ``user`` (for the digest unless ``digest=False``)."""
        fields.setdefault("digest", True)
        return Notification.objects.create(
            recipient=self.user_key(user),
            user=user,
            event=event,
            channel=Channel.EMAIL,
            key=f"test:{subject}",
            due_day=today(),
            subject=subject,
            body=f"เนื้อความ {subject}",
            **fields,
        )


class EventTests(NotificationTestCase):
    def test_it_queues_a_new_assignment_for_the_agency_its_group_members_and_its_line_group(self):
        AgencySetting.objects.create(agency=self.agency_a, line_group_id="C1234567890abcdef")
        with self.captureOnCommitCallbacks(execute=True):
            services.directive_create(
                meeting=self.meeting,
                number="5",
                text="ขอให้จัดงานสืบสานประเพณี",
                due_date=today() + datetime.timedelta(days=20),
                parties=services.parties_from(agencies=[self.agency_a], groups=[self.group]),
                by=self.secretariat,
            )
        a, d = self.user_key(self.user_a), self.user_key(self.user_district)
        self.assertEqual(
            rows(),
            {
                (a, Event.ASSIGNED, Channel.INAPP),
                (a, Event.ASSIGNED, Channel.EMAIL),
                (d, Event.ASSIGNED, Channel.INAPP),
                (d, Event.ASSIGNED, Channel.EMAIL),
                (f"line-group:{self.agency_a.pk}", Event.ASSIGNED, Channel.LINE),
            },
        )
        email = Notification.objects.get(recipient=a, channel=Channel.EMAIL)
        self.assertIn("ขอให้จัดงานสืบสานประเพณี", email.body)
        self.assertEqual(email.agency, self.agency_a)  # the outbox page lists it under the agency
        self.assertTrue(email.url.startswith("/assignments/"))

    def test_the_new_item_message_says_who_what_from_where_by_when_and_how_often(self):
        text = "ขอให้จัดงานสืบสานประเพณี" + "ก" * 230
        with self.captureOnCommitCallbacks(execute=True):
            directive = services.directive_create(
                meeting=self.meeting,
                number="5",
                text=text,
                due_date=today() + datetime.timedelta(days=20),
                report_day=25,
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )
        body = Notification.objects.get(channel=Channel.EMAIL).body
        self.assertIn(f"{self.agency_a.name} ได้รับมอบหมายข้อสั่งการใหม่\nข้อ ๕ {text[:200]}\n", body)
        self.assertIn(f"จาก {directive.source_label}\n", body)
        self.assertIn(f"กำหนดเสร็จ {thai.date_long(today() + datetime.timedelta(days=20))}", body)
        self.assertIn("รายงานทุกวันที่ ๒๕ ของเดือน", body)

    def test_a_plain_acceptance_queues_nothing_and_says_so(self):
        self.assertEqual(notify.notify_report_reviewed(report_id=self.report_a.pk, accepted=True), 0)
        self.assertEqual(rows(), set())

    def test_a_secretary_who_left_hears_of_no_pending_report(self):
        self.secretariat.is_active = False
        self.secretariat.save()
        notify.notify_report_submitted(report_id=self.report_a.pk)
        self.assertEqual(rows(), set())

    def test_it_queues_nothing_when_the_transaction_rolls_back(self):
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(services.DomainError):
            services.directive_create(
                number="6", text="x", parties=services.parties_from(agencies=[self.agency_a]), by=self.secretariat
            )
        self.assertEqual(Notification.objects.count(), 0)

    def test_it_tells_the_secretariat_a_report_waits_and_the_agency_it_was_returned(self):
        with self.captureOnCommitCallbacks(execute=True):
            report = services.progress_report(
                assignment=self.assignment_a, text="จัดกิจกรรมแล้ว", status=Status.IN_PROGRESS, by=self.user_a
            )
        s = self.user_key(self.secretariat)
        self.assertEqual(rows(), {(s, Event.REPORT_PENDING, Channel.INAPP), (s, Event.REPORT_PENDING, Channel.EMAIL)})
        pending = Notification.objects.get(channel=Channel.EMAIL)
        self.assertEqual(pending.agency, self.agency_a)
        self.assertIn("สถานะที่รายงาน: อยู่ระหว่างดำเนินการ", pending.body)
        Notification.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            services.report_review(report=report, accept=False, comment="กรุณาแนบภาพกิจกรรม", by=self.secretariat)
        a = self.user_key(self.user_a)
        self.assertEqual(rows(), {(a, Event.REPORT_RETURNED, Channel.INAPP), (a, Event.REPORT_RETURNED, Channel.EMAIL)})
        self.assertIn("กรุณาแนบภาพกิจกรรม", Notification.objects.filter(event=Event.REPORT_RETURNED).first().body)

    def test_it_tells_the_agency_its_extension_was_decided_and_nothing_for_a_plain_acceptance(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.report_review(report=self.report_a, accept=True, by=self.secretariat)
        self.assertEqual(rows(), set())
        with self.captureOnCommitCallbacks(execute=True):
            request = services.extension_request(
                assignment=self.assignment_a,
                reason="รองบประมาณ",
                new_due_date=today() + datetime.timedelta(days=90),
                by=self.user_a,
            )
        Notification.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            services.report_review(report=request, accept=True, by=self.secretariat)
        a = self.user_key(self.user_a)
        self.assertEqual(
            rows(), {(a, Event.EXTENSION_DECIDED, Channel.INAPP), (a, Event.EXTENSION_DECIDED, Channel.EMAIL)}
        )
        granted = Notification.objects.get(channel=Channel.EMAIL)
        self.assertEqual(granted.subject, "ผลการขอขยายเวลา ข้อ ๒: อนุมัติ")
        self.assertIn(f"อนุมัติ ขยายถึง {thai.date_long(today() + datetime.timedelta(days=90))}", granted.body)
        Notification.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            request = services.extension_request(
                assignment=self.assignment_a,
                reason="รองบประมาณอีกครั้ง",
                new_due_date=today() + datetime.timedelta(days=120),
                by=self.user_a,
            )
        Notification.objects.all().delete()
        with self.captureOnCommitCallbacks(execute=True):
            services.report_review(report=request, accept=False, comment="ขยายได้ครั้งเดียว", by=self.secretariat)
        refused = Notification.objects.get(channel=Channel.EMAIL)
        self.assertEqual(refused.subject, "ผลการขอขยายเวลา ข้อ ๒: ไม่อนุมัติ")
        self.assertIn("ไม่อนุมัติ", refused.body)
        self.assertNotIn("ขยายถึง", refused.body)

    def test_it_circulates_minutes_to_attending_agencies_and_answers_a_correction(self):
        later = self.meeting.__class__.objects.create(
            series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        minutes = minutes_services.minutes_start(meeting=later, by=self.secretariat)
        minutes.attendees.create(name="นาย ก", agency=self.agency_b)
        with self.captureOnCommitCallbacks(execute=True):
            minutes_services.minutes_circulate(
                minutes=minutes, deadline=today() + datetime.timedelta(days=7), by=self.secretariat
            )
        b = self.user_key(self.user_b)
        self.assertEqual(
            rows(), {(b, Event.MINUTES_CIRCULATED, Channel.INAPP), (b, Event.MINUTES_CIRCULATED, Channel.EMAIL)}
        )
        deadline = thai.date_long(today() + datetime.timedelta(days=7))
        message = Notification.objects.filter(channel=Channel.EMAIL).get()
        self.assertEqual(message.subject, f"ขอให้ตรวจรับรองรายงานการประชุม ภายในวันที่ {deadline}")
        self.assertIn(f"ฝ่ายเลขานุการเวียนรายงานการประชุม{later} เพื่อตรวจรับรอง", message.body)
        self.assertIn(f"ภายในวันที่ {deadline}", message.body)
        Notification.objects.all().delete()
        correction = minutes_services.correction_request(
            minutes=minutes, section=minutes.sections.get(number=4), text="ขอแก้", agency=self.agency_b, by=self.user_b
        )
        with self.captureOnCommitCallbacks(execute=True):
            minutes_services.correction_decide(correction=correction, accept=True, by=self.secretariat)
        self.assertEqual(
            rows(), {(b, Event.CORRECTION_DECIDED, Channel.INAPP), (b, Event.CORRECTION_DECIDED, Channel.EMAIL)}
        )
        answer = Notification.objects.get(channel=Channel.EMAIL)
        self.assertEqual(answer.agency, self.agency_b)  # the outbox page lists it under agency B
        status = correction.get_status_display()
        self.assertEqual(answer.subject, f"ผลการพิจารณาคำขอแก้ไขรายงานการประชุม: {status}")
        self.assertIn(f"ผลการพิจารณาคำขอแก้ไขรายงานการประชุม{later}: {status}", answer.body)
        self.assertIn(f"เรื่อง: {correction.section}", answer.body)

    def test_a_correction_decided_after_its_sender_left_tells_no_one(self):
        minutes = minutes_services.minutes_start(meeting=self.meeting, by=self.secretariat)
        self.circulate_quietly(minutes)
        correction = minutes_services.correction_request(
            minutes=minutes, section=minutes.sections.get(number=4), text="ขอแก้", agency=self.agency_b, by=self.user_b
        )
        self.user_b.is_active = False
        self.user_b.save()
        with self.captureOnCommitCallbacks(execute=True):
            minutes_services.correction_decide(
                correction=correction, accept=False, note="ถูกต้องแล้ว", by=self.secretariat
            )
        self.assertEqual(rows(), set())

    def circulate_quietly(self, minutes):
        minutes_services.minutes_circulate(
            minutes=minutes, deadline=today() + datetime.timedelta(days=7), by=self.secretariat
        )

    def test_minutes_with_no_agency_in_the_attendance_go_to_the_agencies_assigned_in_that_meeting(self):
        ngao = Agency.objects.create(name="อำเภองาว", kind=Agency.Kind.DISTRICT, print_order=60)
        user_ngao = make_user("ngao", Profile.Role.AGENCY, ngao)
        services.directive_create(
            meeting=self.meeting,
            number="8",
            text="ข้อของอำเภองาว",
            parties=services.parties_from(agencies=[ngao]),
            by=self.secretariat,
        )
        minutes = minutes_services.minutes_start(meeting=self.meeting, by=self.secretariat)
        minutes.attendees.create(name="นาย ข")  # a person, no agency
        with self.captureOnCommitCallbacks(execute=True):
            minutes_services.minutes_circulate(
                minutes=minutes, deadline=today() + datetime.timedelta(days=7), by=self.secretariat
            )
        # The meeting assigned agency A (item ๒), agency B (item ๑) and อำเภองาว (item ๘); เกาะคา nothing.
        self.assertEqual(
            {r for r, e, _ in rows() if e == Event.MINUTES_CIRCULATED},
            {self.user_key(self.user_a), self.user_key(self.user_b), self.user_key(user_ngao)},
        )


class ReminderTests(NotificationTestCase):
    def directive_due(self, number: str, days: int, **fields):
        return services.directive_create(
            meeting=self.meeting,
            number=number,
            text=f"ข้อทดสอบ {number}",
            due_date=today() + datetime.timedelta(days=days),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
            **fields,
        )

    def test_it_reminds_7_3_and_1_days_ahead_and_not_on_other_days(self):
        for number, days in (("11", 7), ("12", 3), ("13", 1), ("14", 5)):
            self.directive_due(number, days)
        reminders.queue_reminders(on=today())
        subjects = set(Notification.objects.filter(event=Event.DUE_SOON, channel=Channel.EMAIL).values_list("key"))
        keys = {
            (f"assignment:{self.meeting.directives.get(number=n).assignments.get().pk}",) for n in ("11", "12", "13")
        }
        self.assertEqual(subjects, keys)

    def test_it_escalates_overdue_items_by_band(self):
        head = make_user("head_a", Profile.Role.AGENCY, self.agency_a)
        head.email = "head@example.org"
        head.save()
        AgencySetting.objects.create(agency=self.agency_a, head=head)
        watch = self.directive_due("21", -1).assignments.get()
        severe = self.directive_due("22", -7).assignments.get()
        reminders.queue_reminders(on=today())
        overdue = Notification.objects.filter(event=Event.OVERDUE, channel=Channel.EMAIL)
        self.assertEqual(
            set(overdue.values_list("recipient", "key")),
            {
                (self.user_key(self.user_a), f"assignment:{watch.pk}:watch"),
                (self.user_key(head), f"assignment:{watch.pk}:watch"),
                (self.user_key(self.user_a), f"assignment:{severe.pk}:severe"),
                (self.user_key(head), f"assignment:{severe.pk}:severe"),
            }
            - {(self.user_key(head), f"assignment:{watch.pk}:watch")},
        )
        self.assertIn("เฝ้าระวัง", overdue.get(key=f"assignment:{watch.pk}:watch").body)
        self.assertIn("รุนแรง", overdue.filter(key=f"assignment:{severe.pk}:severe").first().subject)

    def test_it_puts_critical_items_in_the_secretariat_and_executive_digest_only_when_there_are_some(self):
        self.assertEqual(reminders.queue_critical_digest(on=today()), 0)
        self.directive_due("31", -20)
        reminders.queue_critical_digest(on=today())
        digest = Notification.objects.filter(event=Event.CRITICAL_DIGEST)
        self.assertEqual(
            set(digest.exclude(channel=Channel.INAPP).values_list("recipient", "digest")),
            {(self.user_key(self.secretariat), True), (self.user_key(self.executive), True)},
        )
        self.assertIn(self.agency_a.name, digest.first().body)

    def test_it_reminds_on_the_monthly_reporting_day_until_its_end(self):
        day = today()
        self.directive_due("41", 60, report_day=day.day, report_until=day + datetime.timedelta(days=40))
        self.directive_due("42", 60, report_day=day.day, report_until=day - datetime.timedelta(days=1))
        self.directive_due("43", 60, report_day=(day.day % 28) + 1)
        reminders.queue_reminders(on=day)
        keys = set(Notification.objects.filter(event=Event.REPORT_DAY).values_list("key", flat=True))
        self.assertEqual(keys, {f"assignment:{self.meeting.directives.get(number='41').assignments.get().pk}"})

    def test_two_runs_send_nothing_new(self):
        self.directive_due("51", 3)
        self.directive_due("52", -1)
        first = run()
        sent = len(mail.outbox)
        self.assertGreater(sent, 0)
        self.assertIn("sent", first)
        second = run()
        self.assertEqual(len(mail.outbox), sent)
        self.assertIn("queued 0, sent 0", second)
        self.assertEqual(mail.outbox[0].alternatives[0][1], "text/html")
        self.assertTrue(any("ใกล้ครบกำหนด" in m.subject for m in mail.outbox))

    def test_it_sends_nothing_when_nothing_is_due(self):
        self.assertIn("queued 0, sent 0", run("--digest"))
        self.assertEqual(mail.outbox, [])

    def test_dry_run_prints_and_writes_nothing(self):
        self.directive_due("61", 1)
        out = run("--dry-run")
        self.assertIn("ใกล้ครบกำหนด", out)
        self.assertEqual(Notification.objects.count(), 0)
        self.assertEqual(mail.outbox, [])

    def test_a_digest_user_gets_one_message_at_digest_time(self):
        Preference.objects.create(user=self.user_a, mode=Mode.DIGEST)
        self.directive_due("71", 3)
        self.directive_due("72", 1)
        run()
        self.assertEqual([m for m in mail.outbox if self.user_a.email in m.to], [])
        run("--digest")
        digests = [m for m in mail.outbox if self.user_a.email in m.to]
        self.assertEqual(len(digests), 1)
        self.assertIn("สรุปการแจ้งเตือนประจำวัน", digests[0].subject)
        self.assertIn("ข้อทดสอบ 71", digests[0].body)
        self.assertIn("ข้อทดสอบ 72", digests[0].body)

    def test_the_secretariat_defaults_apply_to_users_without_a_preference(self):
        Defaults.objects.update_or_create(pk=1, defaults={"email_on": False})
        self.directive_due("81", 3)
        reminders.queue_reminders(on=today())
        self.assertEqual(rows(channel=Channel.EMAIL), set())
        self.assertEqual(rows(channel=Channel.INAPP), {(self.user_key(self.user_a), Event.DUE_SOON, Channel.INAPP)})


class RecipientTests(NotificationTestCase):
    def test_the_outbox_names_each_kind_of_recipient(self):
        def row(recipient, channel=Channel.EMAIL, **fields):
            return Notification(recipient=recipient, channel=channel, **fields)

        self.user_a.first_name, self.user_a.last_name = "สมศรี", "ใจดี"
        self.assertEqual(
            [
                notify.describe_recipient(row(f"line-group:{self.agency_a.pk}", Channel.LINE, agency=self.agency_a)),
                notify.describe_recipient(row("line-group:0", Channel.LINE)),
                notify.describe_recipient(row("user:0")),
                notify.describe_recipient(row(self.user_key(self.user_a), user=self.user_a)),
                notify.describe_recipient(row(self.user_key(self.user_a), Channel.LINE, user=self.user_a)),
                notify.describe_recipient(row(self.user_key(self.user_b), Channel.LINE, user=self.user_b)),
            ],
            [
                f"กลุ่ม LINE ของ{self.agency_a.name}",
                "กลุ่ม LINE ของหน่วยงาน",
                "user:0",
                f"สมศรี ใจดี <{self.user_a.email}>",
                "สมศรี ใจดี",
                self.user_b.username,
            ],
        )

    def test_an_agency_head_is_its_active_head_only(self):
        head = make_user("head_b", Profile.Role.AGENCY, self.agency_b)
        AgencySetting.objects.create(agency=self.agency_a)  # no head named
        AgencySetting.objects.create(agency=self.agency_b, head=head)
        outbox = notify.Outbox()
        self.assertEqual(
            [outbox.agency_head(a) for a in (self.agency_a, self.agency_b, self.district)], [None, head, None]
        )
        head.is_active = False
        head.save()
        self.assertIsNone(notify.Outbox().agency_head(self.agency_b))


class OutboxTests(NotificationTestCase):
    """The Outbox on its own: which rows one message makes, for whom, stamped how."""

    def message(self, key: str = "test:1", **fields) -> notify.Message:
        fields.setdefault("users", [])
        return notify.Message(
            event=Event.ASSIGNED, key=key, subject="หัวเรื่อง", body="ข้อความ", url="/", due_day=today(), **fields
        )

    def test_each_user_named_is_queued_once_and_every_row_carries_the_outboxs_time(self):
        now = timezone.now() - datetime.timedelta(hours=1)
        outbox = notify.Outbox(now=now)
        outbox.add(self.message(users=[self.user_a, self.user_a, self.user_b]))
        self.assertEqual(outbox.flush(), 4)
        queued, sent = Notification.State.QUEUED, Notification.State.SENT
        self.assertEqual(
            set(
                Notification.objects.values_list(
                    "recipient", "channel", "user", "state", "sent_at", "created_at", "next_attempt_at"
                )
            ),
            {
                # In-app: delivered by being there, so sent at once.
                (self.user_key(self.user_a), Channel.INAPP, self.user_a.pk, sent, now, now, now),
                (self.user_key(self.user_a), Channel.EMAIL, self.user_a.pk, queued, None, now, now),
                (self.user_key(self.user_b), Channel.INAPP, self.user_b.pk, sent, now, now, now),
                (self.user_key(self.user_b), Channel.EMAIL, self.user_b.pk, queued, None, now, now),
            },
        )

    def test_queueing_the_same_message_again_adds_nothing_and_fails_nothing(self):
        first = notify.Outbox()
        first.add(self.message(users=[self.user_a]))
        self.assertEqual(first.flush(), 2)
        again = notify.Outbox(now=timezone.now() + datetime.timedelta(minutes=5))
        again.add(self.message(users=[self.user_a, self.user_b]))
        self.assertEqual(again.flush(), 2)  # user B's two rows only
        self.assertEqual(Notification.objects.count(), 4)

    def test_a_digest_reader_waits_for_the_digest_on_every_channel_and_a_digest_message_in_the_group_too(self):
        Preference.objects.create(user=self.user_a, mode=Mode.DIGEST, line_user_id="U" + "a" * 32)
        AgencySetting.objects.create(agency=self.agency_a, line_group_id="C" + "b" * 32)
        outbox = notify.Outbox()
        outbox.add(self.message("test:each", users=[self.user_a], line_group_of=self.agency_a))
        outbox.add(self.message("test:digest", line_group_of=self.agency_a, digest=True))
        outbox.flush()
        group = f"line-group:{self.agency_a.pk}"
        self.assertEqual(
            set(
                Notification.objects.exclude(channel=Channel.INAPP).values_list("recipient", "channel", "key", "digest")
            ),
            {
                (self.user_key(self.user_a), Channel.EMAIL, "test:each", True),
                (self.user_key(self.user_a), Channel.LINE, "test:each", True),
                (group, Channel.LINE, "test:each", False),
                (group, Channel.LINE, "test:digest", True),
            },
        )

    def test_a_users_own_choices_win_over_the_defaults_and_a_blank_one_follows_them(self):
        Defaults.objects.update_or_create(pk=1, defaults={"email_on": True, "line_on": True, "mode": Mode.DIGEST})
        Preference.objects.create(user=self.user_a, email_on=False, mode="", line_user_id="U" + "a" * 32)
        Preference.objects.create(user=self.user_b, line_on=False, mode=Mode.EACH, line_user_id="U" + "c" * 32)
        outbox = notify.Outbox()
        # (e-mail, LINE, digest)
        self.assertEqual(outbox.choices_for(self.user_a), (False, True, True))
        self.assertEqual(outbox.choices_for(self.user_b), (True, False, False))

    def test_an_agency_user_who_left_hears_nothing_of_its_new_work(self):
        self.user_a.is_active = False
        self.user_a.save()
        with self.captureOnCommitCallbacks(execute=True):
            services.directive_create(
                meeting=self.meeting,
                number="5",
                text="ขอให้จัดงานสืบสานประเพณี",
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )
        self.assertFalse(Notification.objects.filter(user=self.user_a).exists())
        self.assertIsNone(notify.Outbox().agency_setting(self.agency_a))  # and it has no settings either

    @override_settings(SITE_URL="https://tracker.example/")
    def test_a_link_is_the_site_address_and_the_path_with_one_slash_between(self):
        self.assertEqual(notify.absolute("/assignments/7/"), "https://tracker.example/assignments/7/")

    def test_a_subject_is_cut_to_what_the_outbox_keeps(self):
        message = notify.render_message(
            Event.CORRECTION_DECIDED, key="k", url="/", due_day=today(), context={}, subject="ก" * 400
        )
        self.assertEqual(message.subject, "ก" * 300)


class DigestDeliveryTests(NotificationTestCase):
    """deliver_digests on its own: which rows a digest takes, its date, its order, and failures."""

    def test_it_sends_each_recipient_the_queued_digest_rows_due_by_then_dated_that_day(self):
        now = timezone.now() + datetime.timedelta(days=3)
        later = self.waiting(self.user_a, "ข้อ ข", event=Event.OVERDUE)
        first = self.waiting(self.user_a, "ข้อ ก", event=Event.DUE_SOON)
        not_digest = self.waiting(self.user_a, "ส่งทันที", digest=False)  # due, but sent on its own
        failed = self.waiting(self.user_a, "ส่งไม่สำเร็จแล้ว", state=Notification.State.FAILED)
        not_yet = self.waiting(self.user_a, "ยังไม่ถึงเวลา", next_attempt_at=now + datetime.timedelta(hours=1))
        outcome = notify.deliver_digests(now=now)
        self.assertEqual((outcome.sent, outcome.failed, outcome.retrying), (2, 0, 0))
        [message] = mail.outbox
        day = thai.date_long(timezone.localdate(now))
        self.assertEqual(message.subject, f"สรุปการแจ้งเตือนประจำวันที่ {day} (๒ เรื่อง)")
        # Items by kind of event (due_soon before overdue), not by when they were queued.
        self.assertLess(message.body.index("■ ข้อ ก"), message.body.index("■ ข้อ ข"))
        self.assertNotIn("ส่งทันที", message.body)
        for row in (later, first):
            row.refresh_from_db()
            self.assertEqual((row.state, row.sent_at, row.attempts), (Notification.State.SENT, now, 1))
        states = Notification.objects.filter(pk__in=[not_digest.pk, failed.pk, not_yet.pk]).values_list(
            "state", flat=True
        )
        self.assertEqual(
            sorted(states), [Notification.State.FAILED, Notification.State.QUEUED, Notification.State.QUEUED]
        )

    def test_a_dry_run_names_each_digest_and_its_size_and_sends_nothing(self):
        self.waiting(self.user_a, "ข้อ ก")
        self.waiting(self.user_a, "ข้อ ข")
        self.waiting(self.user_b, "ข้อ ค")
        outcome = notify.deliver_digests(dry_run=True)  # now: the moment it runs
        self.assertEqual(
            sorted(outcome.lines),
            [
                f"อีเมล → {self.user_a.username} <{self.user_a.email}>: สรุปประจำวัน 2 เรื่อง",
                f"อีเมล → {self.user_b.username} <{self.user_b.email}>: สรุปประจำวัน 1 เรื่อง",
            ],
        )
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Notification.objects.exclude(state=Notification.State.QUEUED).exists())

    def test_a_digest_that_cannot_go_waits_for_its_retry(self):
        row = self.waiting(self.user_a, "ข้อ ก")
        self.user_a.email = ""  # the e-mail transport cannot send without an address
        self.user_a.save()
        now = timezone.now()
        outcome = notify.deliver_digests(now=now)
        self.assertEqual((outcome.sent, outcome.retrying), (0, 1))
        row.refresh_from_db()
        self.assertEqual((row.state, row.attempts, row.last_error), (Notification.State.QUEUED, 1, "ผู้รับไม่มีอีเมล"))
        self.assertEqual(row.next_attempt_at, now + notify.backoff(1))

    def test_a_digest_another_run_took_does_not_stop_the_others(self):
        self.waiting(self.user_a, "ข้อ ก")
        self.waiting(self.user_b, "ข้อ ข")
        real_claim = notify._claim
        calls = []

        def claim_all_but_the_first(rows, now):
            calls.append(rows)
            return [] if len(calls) == 1 else real_claim(rows, now)

        with mock.patch.object(notify, "_claim", claim_all_but_the_first):
            outcome = notify.deliver_digests()
        self.assertEqual((len(calls), outcome.sent, len(mail.outbox)), (2, 1, 1))


class DeliveryTests(NotificationTestCase):
    """deliver on its own: how many rows a run takes, in which order, and the claim
    that keeps two runs from sending one row twice."""

    def due_now(self, user, subject: str, **fields):
        return self.waiting(user, subject, digest=False, **fields)

    def test_a_run_takes_at_most_500_rows(self):
        Notification.objects.bulk_create(
            Notification(
                recipient=self.user_key(self.user_a),
                user=self.user_a,
                event=Event.DUE_SOON,
                channel=Channel.EMAIL,
                key=f"test:{n}",
                due_day=today(),
                subject=f"ข้อ {n}",
                body="เนื้อความ",
            )
            for n in range(501)
        )
        self.assertEqual(len(notify.deliver(dry_run=True).lines), 500)

    def test_a_run_takes_the_rows_whose_time_came_first(self):
        now = timezone.now()
        self.due_now(self.user_a, "ถึงเวลาทีหลัง", next_attempt_at=now - datetime.timedelta(minutes=1))
        self.due_now(self.user_a, "ถึงเวลาก่อน", next_attempt_at=now - datetime.timedelta(minutes=30))
        [line] = notify.deliver(now=now, limit=1, dry_run=True).lines
        self.assertTrue(line.endswith(": ถึงเวลาก่อน"), line)

    def test_a_row_being_sent_is_left_to_its_run_for_ten_minutes(self):
        row = self.due_now(self.user_a, "ข้อ ก")
        now = timezone.now()
        self.assertEqual(notify._claim([row], now), [row])  # a run took it, then stopped
        self.assertEqual(notify.deliver(now=now + datetime.timedelta(minutes=9)).sent, 0)
        self.assertEqual(notify.deliver(now=now + datetime.timedelta(minutes=10)).sent, 1)
        self.assertEqual(len(mail.outbox), 1)

    def test_a_row_is_claimed_by_one_run_only(self):
        self.due_now(self.user_a, "ข้อ ก")
        now = timezone.now()
        first, second = list(Notification.objects.due(now)), list(Notification.objects.due(now))
        claimed = notify._claim(first, now)
        self.assertEqual(len(claimed), 1)
        self.assertEqual(notify._claim(second, now), [])
        # The first run outlives its lease: a third run reads the row again, then the
        # first one sends it before the third claims it.
        late = now + datetime.timedelta(minutes=11)
        third = list(Notification.objects.due(late))
        self.assertEqual(len(third), 1)
        notify._record(claimed, None, now, notify.Outcome())
        self.assertEqual(notify._claim(third, late), [])

    def test_an_error_is_kept_to_2000_characters_and_the_last_one_stays(self):
        retrying = self.due_now(self.user_a, "ข้อ ก", last_error="ข้อผิดพลาดเดิม")
        failing = self.due_now(self.user_b, "ข้อ ข", attempts=2, last_error="ข้อผิดพลาดเดิม")
        now, outcome = timezone.now(), notify.Outcome()
        notify._record([retrying], "ก" * 2500, now, outcome)
        notify._record([failing], "ข" * 2500, now, outcome)
        self.assertEqual((outcome.retrying, outcome.failed), (1, 1))
        retrying.refresh_from_db()
        failing.refresh_from_db()
        self.assertEqual((retrying.state, retrying.last_error), (Notification.State.QUEUED, "ก" * 2000))
        self.assertEqual((failing.state, failing.last_error), (Notification.State.FAILED, "ข" * 2000))


class LineTests(NotificationTestCase):
    def setUp(self):
        Preference.objects.create(user=self.user_a, line_user_id="U" + "a" * 32)
        AgencySetting.objects.create(agency=self.agency_a, line_group_id="C" + "b" * 32)
        services.directive_create(
            meeting=self.meeting,
            number="9",
            text="ข้อทดสอบ LINE",
            due_date=today() + datetime.timedelta(days=1),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        reminders.queue_reminders(on=today())

    def test_it_pushes_to_the_linked_user_and_the_agency_group(self):
        with FakeLine() as line, self.settings(LINE_API_BASE_URL=line.url):
            run()
        self.assertEqual({r["json"]["to"] for r in line.requests}, {"U" + "a" * 32, "C" + "b" * 32})
        request = line.requests[0]
        self.assertEqual(request["path"], "/v2/bot/message/push")
        self.assertEqual(request["headers"]["Authorization"], "Bearer test-token")
        self.assertIn("X-Line-Retry-Key", request["headers"])
        self.assertIn("ข้อทดสอบ LINE", request["json"]["messages"][0]["text"])
        self.assertIn("https://tracker.example/assignments/", request["json"]["messages"][0]["text"])
        self.assertFalse(Notification.objects.filter(state=Notification.State.QUEUED).exists())

    def test_a_failing_line_server_is_retried_then_failed_and_the_rest_still_goes(self):
        with FakeLine(status=500) as line, self.settings(LINE_API_BASE_URL=line.url):
            now = timezone.now()
            outcomes = []
            for attempt in range(3):
                outcome = notify.deliver(now=now)
                outcomes.append((outcome.sent, outcome.retrying, outcome.failed))
                waits = {row.next_attempt_at - now for row in Notification.objects.filter(channel=Channel.LINE)}
                if attempt < 2:
                    self.assertEqual(waits, {notify.backoff(attempt + 1)})
                now += datetime.timedelta(hours=7)
        self.assertEqual(outcomes, [(1, 2, 0), (0, 2, 0), (0, 0, 2)])
        line_rows = Notification.objects.filter(channel=Channel.LINE)
        self.assertEqual(len(line.requests), 2 * 3)
        self.assertEqual(set(line_rows.values_list("state", "attempts")), {(Notification.State.FAILED, 3)})
        self.assertIn("500", line_rows.first().last_error)
        self.assertEqual(len(mail.outbox), 1)  # the e-mail went on the first run
        self.assertEqual(Notification.objects.get(channel=Channel.EMAIL).state, Notification.State.SENT)

    def test_a_failure_waits_for_its_backoff_before_the_next_try(self):
        with FakeLine(status=500) as line, self.settings(LINE_API_BASE_URL=line.url):
            now = timezone.now()
            notify.deliver(now=now)
            notify.deliver(now=now + datetime.timedelta(seconds=30))
        self.assertEqual(len(line.requests), 2)  # one try each, the second run waited
        row = Notification.objects.filter(channel=Channel.LINE).first()
        self.assertEqual((row.state, row.attempts), (Notification.State.QUEUED, 1))
        self.assertGreater(row.next_attempt_at, now)

    def test_the_wait_doubles_after_each_failure_up_to_six_hours(self):
        minutes = [notify.backoff(attempts) / datetime.timedelta(minutes=1) for attempts in range(11)]
        self.assertEqual(minutes, [1, 1, 2, 4, 8, 16, 32, 64, 128, 256, 360])

    def test_a_retry_that_goes_through_clears_the_error(self):
        now = timezone.now()
        with FakeLine(status=500) as line, self.settings(LINE_API_BASE_URL=line.url):
            notify.deliver(now=now)
        with FakeLine() as line, self.settings(LINE_API_BASE_URL=line.url):
            outcome = notify.deliver(now=now + datetime.timedelta(hours=1))
        self.assertEqual((outcome.sent, outcome.retrying, outcome.failed), (2, 0, 0))
        rows = Notification.objects.filter(channel=Channel.LINE)
        self.assertEqual(set(rows.values_list("state", "attempts", "last_error")), {(Notification.State.SENT, 2, "")})

    def test_an_unreachable_server_is_recorded_as_an_error(self):
        with self.settings(LINE_API_BASE_URL="http://127.0.0.1:9"):
            notify.deliver()
        row = Notification.objects.filter(channel=Channel.LINE).first()
        self.assertEqual(row.attempts, 1)
        self.assertTrue(row.last_error)


class WebhookTests(NotificationTestCase):
    def post(self, body: dict, secret: str = SECRET):
        raw = json.dumps(body).encode()
        signature = base64.b64encode(hmac.new(secret.encode(), raw, hashlib.sha256).digest()).decode()
        return self.client.post(
            reverse("line_webhook"), raw, content_type="application/json", headers={"X-Line-Signature": signature}
        )

    def body(self, text: str) -> dict:
        return {
            "destination": "Uxxxxxxxx",
            "events": [
                {
                    "type": "message",
                    "mode": "active",
                    "timestamp": 1700000000000,
                    "webhookEventId": "01H",
                    "deliveryContext": {"isRedelivery": False},
                    "replyToken": "r",
                    "source": {"type": "user", "userId": "U" + "c" * 32},
                    "message": {"id": "1", "type": "text", "text": text, "quoteToken": "q"},
                }
            ],
        }

    def test_it_links_the_line_user_who_sends_a_valid_code_once(self):
        code = notify.line_code_issue(user=self.user_a).line_code
        self.assertEqual(self.post(self.body(code)).status_code, 200)
        pref = Preference.objects.get(user=self.user_a)
        self.assertEqual((pref.line_user_id, pref.line_code), ("U" + "c" * 32, ""))

    def test_it_refuses_a_bad_signature(self):
        code = notify.line_code_issue(user=self.user_a).line_code
        response = self.post(self.body(code), secret="wrong-secret")
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Preference.objects.get(user=self.user_a).line_user_id, "")

    def test_it_ignores_a_wrong_or_expired_code(self):
        pref = notify.line_code_issue(user=self.user_a)
        Preference.objects.filter(pk=pref.pk).update(line_code_expires=timezone.now() - datetime.timedelta(seconds=1))
        self.assertEqual(self.post(self.body(pref.line_code)).status_code, 200)
        self.assertEqual(self.post(self.body("000000")).status_code, 200)
        self.assertEqual(Preference.objects.get(user=self.user_a).line_user_id, "")

    def test_it_answers_get_with_405_and_garbage_with_400(self):
        self.assertEqual(self.client.get(reverse("line_webhook")).status_code, 405)
        raw = b"not json"
        signature = base64.b64encode(hmac.new(SECRET.encode(), raw, hashlib.sha256).digest()).decode()
        response = self.client.post(
            reverse("line_webhook"), raw, content_type="application/json", headers={"X-Line-Signature": signature}
        )
        self.assertEqual(response.status_code, 400)


class CalendarTests(NotificationTestCase):
    def test_the_agency_feed_parses_and_has_the_due_dates_and_reporting_days(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="8",
            text="รายงานทุกเดือน",
            due_date=datetime.date(2031, 9, 30),
            report_day=20,
            report_until=datetime.date(2031, 9, 30),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        token = notify.agency_setting_for(self.agency_a).calendar_token
        self.client.logout()
        response = self.client.get(reverse("calendar_agency", args=[token]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/calendar"))
        cal = Calendar.from_ical(response.content)
        events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
        due = next(e for s, e in events.items() if s.startswith("ครบกำหนด ข้อ ๘"))
        self.assertEqual(due.decoded("dtstart"), datetime.date(2031, 9, 30))
        self.assertEqual(due.decoded("dtend"), datetime.date(2031, 10, 1))
        self.assertIn(f"/assignments/{directive.assignments.get().pk}/", str(due["url"]))
        cycle = next(e for s, e in events.items() if s.startswith("ถึงกำหนดรายงานผลประจำเดือน ข้อ ๘"))
        self.assertEqual(cycle.decoded("dtstart").day, 20)
        self.assertEqual(cycle["rrule"]["FREQ"], ["MONTHLY"])
        self.assertEqual(cycle["rrule"]["UNTIL"], [datetime.date(2031, 9, 30)])
        # Agency B's items are not in A's feed.
        self.assertFalse(any(self.directive_b.text[:20] in s for s in events))

    def test_renewing_the_token_revokes_the_old_link(self):
        old = notify.preference_for(self.user_a).calendar_token
        self.login(self.user_a)
        self.client.post(reverse("notification_calendar_renew"))
        new = Preference.objects.get(user=self.user_a).calendar_token
        self.assertNotEqual(old, new)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("calendar_user", args=[old])).status_code, 404)
        self.assertEqual(self.client.get(reverse("calendar_user", args=[new])).status_code, 200)

    def test_the_home_page_offers_to_make_a_feed_without_writing_anything(self):
        self.login(self.user_a)
        response = self.client.get(reverse("home"))
        self.assertContains(response, "สร้างลิงก์ปฏิทิน")
        self.assertFalse(Preference.objects.filter(user=self.user_a).exists())

    def test_the_home_and_inbox_pages_show_the_feed(self):
        self.login(self.user_a)
        token = notify.agency_setting_for(self.agency_a).calendar_token
        self.assertContains(self.client.get(reverse("inbox")), f"/calendar/agency/{token}.ics")
        token = notify.preference_for(self.user_a).calendar_token
        self.assertContains(self.client.get(reverse("home")), f"/calendar/user/{token}.ics")


class IsolationTests(NotificationTestCase):
    def test_a_notification_never_carries_another_agencys_report_text(self):
        AgencySetting.objects.create(agency=self.agency_a, line_group_id="C" + "d" * 32)
        with self.captureOnCommitCallbacks(execute=True):
            shared = services.directive_create(
                meeting=self.meeting,
                number="7",
                text="ข้อร่วมกันสองหน่วยงาน",
                due_date=today() + datetime.timedelta(days=3),
                parties=services.parties_from(agencies=[self.agency_a, self.agency_b]),
                by=self.secretariat,
            )
            report_b = services.progress_report(
                assignment=shared.assignments.get(agency=self.agency_b),
                text="SECRET-REPORT-OF-B",
                status=Status.IN_PROGRESS,
                by=self.user_b,
            )
            services.report_review(report=report_b, accept=False, comment="SECRET-COMMENT-FOR-B", by=self.secretariat)
        reminders.queue_reminders(on=today())
        reminders.queue_critical_digest(on=today())
        self.assertTrue(Notification.objects.filter(recipient=self.user_key(self.user_b)).exists())
        visible_to_a = Notification.objects.filter(
            recipient__in=[self.user_key(self.user_a), f"line-group:{self.agency_a.pk}"]
        )
        self.assertTrue(visible_to_a.exists())
        for row in visible_to_a:
            for marker in ("SECRET-REPORT-OF-B", "SECRET-COMMENT-FOR-B"):
                self.assertNotIn(marker, row.subject + row.body)
        # Nor does the report text itself travel to the secretariat outside the app.
        self.assertFalse(Notification.objects.filter(body__contains="SECRET-REPORT-OF-B").exists())


class ViewTests(NotificationTestCase):
    def setUp(self):
        self.note = Notification.objects.create(
            recipient=self.user_key(self.user_a),
            user=self.user_a,
            event=Event.DUE_SOON,
            channel=Channel.INAPP,
            key="assignment:1",
            due_day=today(),
            subject="ใกล้ครบกำหนด ข้อ ๒",
            body="ข้อความ",
            url=reverse("assignment_detail", args=[self.assignment_a.pk]),
            state=Notification.State.SENT,
        )

    def test_it_shows_the_unread_count_and_marks_read_on_open(self):
        self.login(self.user_a)
        response = self.client.get(reverse("notification_list"))
        self.assertContains(response, "ใกล้ครบกำหนด ข้อ ๒")
        self.assertContains(response, 'aria-label="ยังไม่อ่าน">๑</span>', html=False)
        response = self.client.get(reverse("notification_open", args=[self.note.pk]))
        self.assertRedirects(response, self.note.url, fetch_redirect_response=False)
        self.note.refresh_from_db()
        self.assertIsNotNone(self.note.read_at)
        self.assertNotContains(self.client.get(reverse("notification_list")), 'aria-label="ยังไม่อ่าน"')

    def test_another_user_cannot_open_it(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(reverse("notification_open", args=[self.note.pk])).status_code, 404)

    def test_it_saves_preferences(self):
        self.login(self.user_a)
        response = self.client.post(
            reverse("notification_preferences"), {"email_on": "off", "line_on": "", "mode": Mode.DIGEST}
        )
        self.assertRedirects(response, reverse("notification_preferences"))
        pref = Preference.objects.get(user=self.user_a)
        self.assertEqual((pref.email_on, pref.line_on, pref.mode), (False, None, Mode.DIGEST))
        response = self.client.post(reverse("notification_preferences"), {"email_on": "maybe", "mode": "x"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "field-error", status_code=400)

    def test_it_shows_a_line_code_to_send(self):
        self.login(self.user_a)
        self.client.post(reverse("notification_line_code"))
        code = Preference.objects.get(user=self.user_a).line_code
        self.assertRegex(code, r"^\d{6}$")
        self.assertContains(self.client.get(reverse("notification_preferences")), code)

    def test_the_secretariat_sees_the_outbox_and_resends(self):
        row = Notification.objects.create(
            recipient=self.user_key(self.user_a),
            user=self.user_a,
            event=Event.DUE_SOON,
            channel=Channel.EMAIL,
            key="assignment:1",
            due_day=today(),
            subject="ใกล้ครบกำหนด",
            body="x",
            state=Notification.State.FAILED,
            attempts=3,
            last_error="SMTPServerDisconnected: gone",
        )
        self.login(self.secretariat)
        response = self.client.get(reverse("notification_outbox"), {"state": "failed", "event": "nonsense"})
        self.assertContains(response, "SMTPServerDisconnected")
        self.assertContains(response, self.user_a.email)
        self.client.post(reverse("notification_resend", args=[row.pk]))
        row.refresh_from_db()
        self.assertEqual((row.state, row.attempts), (Notification.State.QUEUED, 0))
        run()
        row.refresh_from_db()
        self.assertEqual(row.state, Notification.State.SENT)
        self.assertEqual(len(mail.outbox), 1)

    def test_only_the_secretariat_reaches_the_outbox_and_settings(self):
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(reverse("notification_outbox")).status_code, 403)
            self.assertEqual(self.client.post(reverse("notification_resend", args=[self.note.pk])).status_code, 403)
            self.assertEqual(self.client.get(reverse("notification_settings")).status_code, 403)

    def test_the_secretariat_sets_an_agency_line_group_and_a_bad_one_keeps_what_was_typed(self):
        self.login(self.secretariat)
        url = reverse("notification_agency", args=[self.agency_a.pk])
        response = self.client.post(url, {"line_group_id": "not-a-group", "head": ""})
        self.assertContains(response, "รหัสกลุ่ม LINE ไม่ถูกต้อง", status_code=400)
        self.assertContains(response, "not-a-group", status_code=400)
        response = self.client.post(url, {"line_group_id": "C" + "e" * 32, "head": self.user_a.pk})
        self.assertRedirects(response, reverse("notification_settings"))
        setting = AgencySetting.objects.get(agency=self.agency_a)
        self.assertEqual((setting.line_group_id, setting.head), ("C" + "e" * 32, self.user_a))
        response = self.client.post(url, {"line_group_id": "", "head": self.user_b.pk})
        self.assertEqual(response.status_code, 400)  # the head must belong to the agency


class QueryCountTests(NotificationTestCase):
    def make_rows(self, count: int, start: int) -> None:
        users = [self.user_a, self.user_b, self.user_district]
        Notification.objects.bulk_create(
            Notification(
                recipient=f"user:{users[i % 3].pk}",
                user=users[i % 3],
                agency=[self.agency_a, self.agency_b, self.district][i % 3],
                event=Event.DUE_SOON,
                channel=channel,
                key=f"assignment:{i}",
                due_day=today(),
                subject=f"เรื่อง {i}",
                body="ข้อความ",
            )
            for i in range(start, start + count)
            for channel in (Channel.EMAIL, Channel.INAPP)
        )

    def test_the_outbox_and_the_list_do_not_grow_queries_with_rows(self):
        self.make_rows(3, 0)
        counts = {}
        for user, name in ((self.secretariat, "notification_outbox"), (self.user_a, "notification_list")):
            self.login(user)
            with CaptureQueriesContext(connection) as first:
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)
            counts[name] = len(first.captured_queries)
        self.make_rows(30, 100)
        for user, name in ((self.secretariat, "notification_outbox"), (self.user_a, "notification_list")):
            self.login(user)
            with self.assertNumQueries(counts[name]):
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)
