"""``manage.py load_demo``: the demo database that ``make run`` starts with.

Loads the real reference data in ``fixtures/`` (Lampang agencies and groups, the
six strategies, meeting ครั้งที่ ๑๐/๒๕๖๐ with all its items, the Ministry of Interior
letter ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ with its four directives), demo users for every role, and a little progress so each bucket of the agency inbox has something in it;
then minutes (``minutes/management/demo_minutes.py``): the real รายงานการประชุม
ครั้งที่ ๔/๒๕๖๓ of the community development office, and a draft for ๑๑/๒๕๖๐.

The meeting and the letter go through the services (meeting_create, letter_create, directive_create,
progress_report, report_review …) so assignments, derived states and the audit
trail come out exactly as they would from the web forms.

Idempotent: what exists already is left alone (found by name, username,
meeting number or the letter's ที่ and date), so running it on every start changes nothing after the first
time and never overwrites what someone changed in the demo. Refuses to run
unless DEBUG is on, because every demo user shares one well-known password.
"""

from __future__ import annotations

import datetime
import json
import os
import textwrap
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyGroup, Profile
from directives import services
from directives.models import Assignment, Directive, Status, Strategy
from meetings.models import Letter, Meeting, MeetingSeries
from meetings.services import letter_create, meeting_create, source_publish
from minutes.management import demo_minutes
from minutes.models import AgendaItem, Minutes

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
MEETING_FILE = "meeting-10-2560.json"
LETTER_FILE = "letter-moi-soft-power-2567.json"

# Agency → login of its demo user (short ASCII, easy to type on a Thai keyboard
# switched to English). Users are created only for agencies the demo meeting
# assigns; the others are listed so that a later demo meeting needs no code change.
AGENCY_USERNAMES = {
    "สำนักงานจังหวัดลำปาง": "province",
    "ที่ทำการปกครองจังหวัดลำปาง": "dopa",
    "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัดลำปาง": "disaster",
    "สำนักงานพัฒนาชุมชนจังหวัดลำปาง": "community",
    "สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง": "publicworks",
    "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง": "localgov",
    "สำนักงานที่ดินจังหวัดลำปาง": "land",
    "สำนักงานคลังจังหวัดลำปาง": "treasury",
    "สำนักงานเกษตรและสหกรณ์จังหวัดลำปาง": "agcoop",
    "สำนักงานเกษตรจังหวัดลำปาง": "agriculture",
    "สำนักงานปศุสัตว์จังหวัดลำปาง": "livestock",
    "สำนักงานประมงจังหวัดลำปาง": "fisheries",
    "สำนักงานสหกรณ์จังหวัดลำปาง": "cooperatives",
    "สำนักงานการปฏิรูปที่ดินจังหวัดลำปาง": "landreform",
    "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดลำปาง": "environment",
    "สำนักงานพาณิชย์จังหวัดลำปาง": "commerce",
    "สำนักงานอุตสาหกรรมจังหวัดลำปาง": "industry",
    "สำนักงานแรงงานจังหวัดลำปาง": "labour",
    "สำนักงานจัดหางานจังหวัดลำปาง": "employment",
    "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดลำปาง": "labourprotection",
    "สำนักงานประกันสังคมจังหวัดลำปาง": "socialsecurity",
    "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดลำปาง": "socialdev",
    "สำนักงานสาธารณสุขจังหวัดลำปาง": "health",
    "สำนักงานศึกษาธิการจังหวัดลำปาง": "education",
    "สำนักงานวัฒนธรรมจังหวัดลำปาง": "culture",
    "สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง": "tourism",
    "สำนักงานพลังงานจังหวัดลำปาง": "energy",
    "สำนักงานยุติธรรมจังหวัดลำปาง": "justice",
    "สำนักงานสถิติจังหวัดลำปาง": "statistics",
    "สำนักงานประชาสัมพันธ์จังหวัดลำปาง": "pr",
    "สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดลำปาง": "digital",
    "สำนักงานขนส่งจังหวัดลำปาง": "transport",
    "สำนักงานพระพุทธศาสนาจังหวัดลำปาง": "buddhism",
    "ตำรวจภูธรจังหวัดลำปาง": "police",
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำปาง เขต ๑": "primary1",
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำปาง เขต ๒": "primary2",
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำปาง เขต ๓": "primary3",
    "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาลำปาง ลำพูน": "secondary",
    "โครงการชลประทานลำปาง": "irrigation",
    "แขวงทางหลวงลำปางที่ ๑": "highways",
    "แขวงทางหลวงชนบทลำปาง": "ruralroads",
    "สถานีพัฒนาที่ดินลำปาง": "landdev",
    "สำนักงานคุมประพฤติจังหวัดลำปาง": "probation",
    "สำนักงานตรวจบัญชีสหกรณ์ลำปาง": "coopaudit",
    "ศูนย์ศึกษาและพัฒนาชุมชนลำปาง": "cdcentre",
    "องค์การบริหารส่วนจังหวัดลำปาง": "pao",
    "เทศบาลนครลำปาง": "nakhon",
    "การไฟฟ้าส่วนภูมิภาคจังหวัดลำปาง": "pea",
    "การประปาส่วนภูมิภาคสาขาลำปาง": "pwa",
    "มหาวิทยาลัยราชภัฏลำปาง": "lpru",
    # The districts (ทุกอำเภอ in the demo letter).
    "อำเภอเมืองลำปาง": "mueang",
    "อำเภอแม่เมาะ": "maemoh",
    "อำเภอเกาะคา": "kokha",
    "อำเภอเสริมงาม": "soemngam",
    "อำเภองาว": "ngao",
    "อำเภอแจ้ห่ม": "chaehom",
    "อำเภอวังเหนือ": "wangnuea",
    "อำเภอเถิน": "thoen",
    "อำเภอแม่พริก": "maephrik",
    "อำเภอแม่ทะ": "maetha",
    "อำเภอสบปราบ": "sopprap",
    "อำเภอห้างฉัตร": "hangchat",
    "อำเภอเมืองปาน": "mueangpan",
}

# Demo-only state of each item of the meeting (not in the source document):
# due date as days from today, so the inbox shows overdue, due-soon, later and
# undated work whenever the demo is first loaded; and the strategy it serves.
DEMO_DUE_IN_DAYS: dict[str, int | None] = {
    "1": -10,
    "2": 3,
    "3": -5,
    "4": 30,
    "5": 5,
    "6": -20,
    "7": None,
    "7.1": 14,
    "7.2": 2,
    "7.3": None,
    "7.4": 45,
    "7.5": -3,
    "7.6": 60,
}
DEMO_STRATEGY: dict[str, int] = {"1": 1, "2": 1, "3": 2, "4": 1, "5": 3, "6": 4, "7.6": 3}

# Printed one per line in the summary; the other agency users on one wrapped line.
FEATURED_LOGINS = ("secretariat", "executive", "culture", "education")

# Natural identity of each fixture model: an existing row with the same value is
# the same thing, whatever its primary key.
NATURAL_KEYS: dict[type[models.Model], str] = {Agency: "name", AgencyGroup: "name", Strategy: "number"}


class Command(BaseCommand):
    help = (
        "โหลดข้อมูลสาธิต: หน่วยงานจังหวัดลำปาง ยุทธศาสตร์ การประชุมครั้งที่ ๑๐/๒๕๖๐ หนังสือสั่งการ "
        "รายงานการประชุม และผู้ใช้ทดลอง (เฉพาะ DEBUG)"
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo runs only with DEBUG on (DEBUG=1): it creates demo users who all share "
                "one known password, which must never happen on a real server. "
                "(ปฏิเสธการทำงาน: ต้องเปิด DEBUG ก่อน)"
            )
        password = os.environ.get("DEMO_PASSWORD") or "demo"
        with transaction.atomic():
            loader = DemoLoader(password=password, today=timezone.localdate())
            loader.run()
        self._print_summary(loader, password)

    def _print_summary(self, loader: DemoLoader, password: str) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Lampang Tracker demo data"))
        out.write(
            f"  agencies: {Agency.objects.count()}  groups: {AgencyGroup.objects.count()}  "
            f"strategies: {Strategy.objects.count()}"
        )
        meeting = loader.meeting
        out.write(
            f"  meeting: {meeting}  items: {meeting.directives.count()}  "
            f"assignments: {Assignment.objects.filter(directive__meeting=meeting).count()}"
        )
        letter = loader.letter
        out.write(
            f"  letter: {letter}  items: {letter.directives.count()}  "
            f"assignments: {Assignment.objects.filter(directive__letter=letter).count()}"
        )
        for minutes in [loader.minutes, loader.next_meeting.minutes]:
            out.write(
                f"  minutes: {minutes} — {minutes.standing().label}  attendees: {minutes.attendees.count()}  "
                f"agenda items: {AgendaItem.objects.filter(section__minutes=minutes).count()}"
            )
        created = loader.created
        out.write(
            f"  created this run: {', '.join(f'{k} {v}' for k, v in created.items() if v) or 'nothing (already loaded)'}"
        )
        shown = "demo" if password == "demo" else "the value of DEMO_PASSWORD"
        out.write(f"  logins (password: {shown}):")
        others = []
        for profile in loader.profiles():
            if profile.user.username in FEATURED_LOGINS:
                who = profile.agency.name if profile.agency else profile.get_role_display()
                out.write(f"    {profile.user.username:<12} {who}")
            else:
                others.append(profile.user.username)
        if others:
            out.write(
                textwrap.fill(
                    f"other agency users: {' '.join(others)}", 100, initial_indent="    ", subsequent_indent="      "
                )
            )


class DemoLoader:
    """Loads everything once; each step skips what already exists."""

    def __init__(self, *, password: str, today: datetime.date) -> None:
        # One hash for all demo users: hashing ~50 times would take many seconds.
        self.password_hash = make_password(password)
        self.today = today
        self.created: dict[str, int] = {}
        self.usernames: list[str] = []
        self.meeting: Meeting | None = None
        self.letter: Letter | None = None
        self.minutes: Minutes | None = None
        self.next_meeting: Meeting | None = None

    def _count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    def run(self) -> None:
        self.secretariat = self.user(
            "secretariat",
            role=Profile.Role.SECRETARIAT,
            first_name="ฝ่ายเลขานุการ",
            last_name="กลุ่มงานอำนวยการ",
            position="เจ้าหน้าที่กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง",
        )
        self.user(
            "executive",
            role=Profile.Role.EXECUTIVE,
            first_name="ผู้บริหาร",
            last_name="จังหวัดลำปาง",
            position="ผู้ว่าราชการจังหวัดลำปาง",
        )
        self.load_fixture("agencies.json")
        self.load_fixture("strategies.json")
        meeting_is_new = self.load_meeting()
        letter_is_new = self.load_letter()
        assigned = (
            Agency.objects.filter(
                models.Q(assignments__directive__meeting=self.meeting)
                | models.Q(assignments__directive__letter=self.letter)
            )
            .distinct()
            .order_by("print_order")
        )
        for agency in assigned:
            self.user(
                AGENCY_USERNAMES.get(agency.name, f"agency{agency.pk}"),
                role=Profile.Role.AGENCY,
                agency=agency,
                first_name="เจ้าหน้าที่",
                last_name=agency.short_name or agency.name,
                position=f"ผู้ประสานงาน {agency.name}",
            )
        if meeting_is_new:
            self.load_progress()
            # The demo meeting is on the open-data page (/public/) from the start.
            source_publish(source=self.meeting, published=True, by=self.secretariat)
        if letter_is_new:
            self.load_letter_progress()
        self.minutes = demo_minutes.load_minutes_seed(by=self.secretariat, count=self._count)
        self.next_meeting = demo_minutes.load_next_meeting(
            previous=self.meeting, by=self.secretariat, count=self._count
        )

    # -- reference data -------------------------------------------------

    def load_fixture(self, filename: str) -> None:
        """Insert the fixture's rows that do not exist yet (matched by natural key).

        Unlike ``loaddata`` this never overwrites a row someone has edited, and a
        row whose explicit pk is taken by something else gets a new pk.
        """
        pk_map: dict[type[models.Model], dict[int, int]] = {}
        inserted_models: set[type[models.Model]] = set()
        with open(FIXTURES_DIR / filename, encoding="utf-8") as fixture:
            objects = list(serializers.deserialize("json", fixture))
        for deserialized in objects:
            obj = deserialized.object
            model = type(obj)
            key = NATURAL_KEYS[model]
            fixture_pk = obj.pk
            existing = model.objects.filter(**{key: getattr(obj, key)}).first()
            if existing is not None:
                pk_map.setdefault(model, {})[fixture_pk] = existing.pk
                continue
            if model.objects.filter(pk=fixture_pk).exists():
                obj.pk = None
            obj.full_clean()
            obj._history_user = self.secretariat
            obj.save(force_insert=True)
            pk_map.setdefault(model, {})[fixture_pk] = obj.pk
            inserted_models.add(model)
            self._count(model._meta.model_name)
            for field_name, related_pks in (deserialized.m2m_data or {}).items():
                related_model = model._meta.get_field(field_name).related_model
                mapping = pk_map.get(related_model, {})
                getattr(obj, field_name).set([mapping.get(pk, pk) for pk in related_pks])
        if inserted_models:
            # Rows inserted with explicit pks leave PostgreSQL's sequences behind;
            # the next row created in the app would collide. (SQLite: no-op.)
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(inserted_models)):
                    cursor.execute(sql)

    # -- users ----------------------------------------------------------

    def user(self, username: str, *, role: str, agency: Agency | None = None, position: str = "", **names):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            # An address on a reserved domain, so the console e-mail backend shows the
            # demo's reminders (send_notifications) without mailing anyone.
            email = f"{username}@lampang-demo.example"
            user = User.objects.create(username=username, password=self.password_hash, email=email, **names)
            self._count("users")
        if not Profile.objects.filter(user=user).exists():
            profile = Profile(user=user, role=role, agency=agency, position=position)
            profile.full_clean()
            profile._history_user = user
            profile.save()
        self.usernames.append(username)
        return user

    def profiles(self) -> list[Profile]:
        by_name = {
            p.user.username: p
            for p in Profile.objects.select_related("user", "agency").filter(user__username__in=self.usernames)
        }
        return [by_name[name] for name in self.usernames if name in by_name]

    # -- the meeting ----------------------------------------------------

    def load_meeting(self) -> bool:
        """Create series, meeting and its items; False if the meeting existed."""
        with open(FIXTURES_DIR / MEETING_FILE, encoding="utf-8") as source:
            data = json.load(source)
        series = MeetingSeries.objects.filter(name=data["series"]["name"]).first()
        if series is None:
            series = MeetingSeries(**data["series"])
            series.full_clean()
            series._history_user = self.secretariat
            series.save()
            self._count("meeting series")
        fields = data["meeting"]
        self.meeting = Meeting.objects.filter(series=series, year_be=fields["year_be"], number=fields["number"]).first()
        if self.meeting is not None:
            return False
        self.meeting = meeting_create(
            by=self.secretariat,
            series=series,
            number=fields["number"],
            year_be=fields["year_be"],
            date=datetime.date.fromisoformat(fields["date"]),
            start_time=datetime.time.fromisoformat(fields["start_time"]),
            venue=fields["venue"],
        )
        self._count("meetings")
        strategies = {s.number: s for s in Strategy.objects.all()}
        created: dict[str, Directive] = {}
        for item in data["directives"]:
            number = item["number"]
            days = DEMO_DUE_IN_DAYS.get(number)
            created[number] = services.directive_create(
                meeting=self.meeting,
                number=number,
                heading=item["heading"],
                text=item["text"],
                parent=created[item["parent"]] if item.get("parent") else None,
                parties=[self.party(p) for p in item["parties"]],
                parties_bulleted=item["parties_bulleted"],
                heading_apart=item.get("heading_apart", False),
                due_date=self.today + datetime.timedelta(days=days) if days is not None else None,
                strategy=strategies.get(DEMO_STRATEGY.get(number)),
                by=self.secretariat,
            )
            self._count("directives")
        return True

    @staticmethod
    def party(entry: dict, source: str = MEETING_FILE) -> services.Party:
        try:
            agency = Agency.objects.get(name=entry["agency"]) if "agency" in entry else None
            group = AgencyGroup.objects.get(name=entry["group"]) if "group" in entry else None
        except (Agency.DoesNotExist, AgencyGroup.DoesNotExist) as error:
            raise CommandError(f"{source}: unknown agency or group in {entry}") from error
        return services.Party(
            agency=agency, group=group, label=entry.get("label", ""), paragraph=entry.get("paragraph", 0)
        )

    # -- the letter -----------------------------------------------------

    def load_letter(self) -> bool:
        """The หนังสือสั่งการ of the seed and its numbered directives; False if it existed."""
        with open(FIXTURES_DIR / LETTER_FILE, encoding="utf-8") as source:
            data = json.load(source)
        fields = {**data["letter"], "date": datetime.date.fromisoformat(data["letter"]["date"])}
        self.letter = Letter.objects.same_as(number=fields["number"], date=fields["date"]).first()
        if self.letter is not None:
            return False
        self.letter = letter_create(by=self.secretariat, **fields)
        self._count("letters")
        created: dict[str, Directive] = {}
        for item in data["directives"]:
            dates = {
                name: datetime.date.fromisoformat(item[name]) if item.get(name) else None
                for name in ("due_date", "report_until")
            }
            created[item["number"]] = services.directive_create(
                letter=self.letter,
                number=item["number"],
                heading=item.get("heading", ""),
                text=item["text"],
                parent=created[item["parent"]] if item.get("parent") else None,
                parties=[self.party(p, LETTER_FILE) for p in item["parties"]],
                report_day=item.get("report_day"),
                **dates,
                by=self.secretariat,
            )
            self._count("directives")
        return True

    def load_letter_progress(self) -> None:
        """The local government office's first monthly report on item ๔, and the
        culture office's acknowledgement of item ๑."""
        user = get_user_model().objects.get(username=AGENCY_USERNAMES["สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง"])
        assignment = Assignment.objects.get(
            directive__letter=self.letter, directive__number="4", agency=user.profile.agency
        )
        services.progress_report(
            assignment=assignment,
            text=(
                "รายงานผลการดำเนินงานประจำเดือนต่อกรมส่งเสริมการปกครองท้องถิ่นทาง Google Sheet แล้ว "
                "และมอบหมายเจ้าหน้าที่ระดับจังหวัดและอำเภอเข้าร่วมกลุ่มไลน์ครบทุกอำเภอ"
            ),
            status=Status.IN_PROGRESS,
            percent=30,
            by=user,
        )
        culture = get_user_model().objects.get(username="culture")
        assignment = Assignment.objects.get(
            directive__letter=self.letter, directive__number="1", agency=culture.profile.agency
        )
        services.assignment_acknowledge(assignment=assignment, by=culture)
        self._count("progress reports")

    # -- demo activity --------------------------------------------------

    def assignment(self, number: str, username: str) -> tuple[Assignment, object]:
        user = get_user_model().objects.select_related("profile").get(username=username)
        assignment = Assignment.objects.get(
            directive__meeting=self.meeting, directive__number=number, agency=user.profile.agency
        )
        return assignment, user

    def load_progress(self) -> None:
        """A few reports so the demo shows every state: accepted, pending review,
        returned, an extension request, done, acknowledged-only and untouched."""
        by = self.secretariat

        assignment, culture = self.assignment("2", "culture")
        report = services.progress_report(
            assignment=assignment,
            text=(
                "แจ้งเวียนส่วนราชการ อำเภอ และสถาบันการศึกษาแล้ว ให้แต่งกายชุดพื้นเมืองทุกวันศุกร์ "
                "อยู่ระหว่างประสานภาคเอกชนและจัดทำสื่อรณรงค์การพูดคำเมือง"
            ),
            status=Status.IN_PROGRESS,
            percent=40,
            by=culture,
        )
        services.report_review(
            report=report, accept=True, comment="รับรายงาน ขอให้รายงานความคืบหน้าในการประชุมครั้งต่อไป", by=by
        )

        assignment, education = self.assignment("1", "education")
        services.extension_request(
            assignment=assignment,
            reason="อยู่ระหว่างหารือหน่วยงานในสังกัดกระทรวงศึกษาธิการและสถาบันการศึกษาเพื่อจัดทำแผนพัฒนาการศึกษา ขอขยายเวลา ๓๐ วัน",
            new_due_date=self.today + datetime.timedelta(days=30),
            by=education,
        )

        assignment, livestock = self.assignment("3", "livestock")
        services.progress_report(
            assignment=assignment,
            text="จัดทำร่างแผนยุทธศาสตร์การพัฒนาปศุสัตว์จังหวัดลำปางแล้ว อยู่ระหว่างรับฟังความคิดเห็นเกษตรกร",
            status=Status.IN_PROGRESS,
            percent=60,
            by=livestock,
        )

        assignment, health = self.assignment("4", "health")
        services.progress_report(
            assignment=assignment,
            text="จัดประชุมระดมความคิดเห็นและรณรงค์ Big Cleaning Day ทุกวันพุธครบทุกหน่วยงานแล้ว",
            status=Status.DONE,
            percent=100,
            by=health,
        )

        assignment, publicworks = self.assignment("6", "publicworks")
        report = services.progress_report(
            assignment=assignment,
            text="อยู่ระหว่างรวบรวมข้อมูลโครงการอนุรักษ์และพัฒนาเมืองเก่านครลำปาง",
            status=Status.IN_PROGRESS,
            percent=20,
            by=publicworks,
        )
        services.report_review(
            report=report,
            accept=False,
            comment="ขอให้ระบุกำหนดการนำเสนอยุทธศาสตร์การพัฒนาเมืองเก่าต่อที่ประชุมครั้งต่อไปด้วย",
            by=by,
        )

        assignment, tourism = self.assignment("5", "tourism")
        services.assignment_acknowledge(assignment=assignment, by=tourism)
        self._count("progress reports", 5)
