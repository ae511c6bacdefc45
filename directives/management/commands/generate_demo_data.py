"""Fill the database with a large, realistic, deterministic demo data set.

    python manage.py generate_demo_data --directives 100000 --seed 1

Meant for demos and for ``bench/bench_pages.py``: rows are written with
``bulk_create`` in batches, so the services are bypassed on purpose. Everything
the services would derive is therefore computed here by the same rules:
``Directive.sort_key``, ``Directive.state``/``open_due_date`` and
``Assignment.is_open`` (``services.directive_refresh``), ``Assignment.status``
(the newest report that was not returned, skipping accepted extension requests,
as ``services._assignment_recompute_status``), an accepted extension moving the
assignment's due date (``services.report_review``), lead/support roles and the
printed responsible-party lines (``services._set_parties``). django-simple-history
tables stay empty: bulk writes do not record history.

Existing agencies are used when there are any; otherwise about sixty Lampang
agencies (the thirteen districts included) are created. Meetings are laid out
month by month backwards from today for several series; a slot (series, พ.ศ.,
ครั้งที่) that already exists is skipped, so running the command again adds older
meetings instead of failing.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from agencies.models import Agency, AgencyGroup, Profile
from directives.models import (
    Assignment,
    Directive,
    ProgressReport,
    ResponsibleParty,
    Status,
    Strategy,
    sort_key_for,
)
from directives.services import derive_state
from lampang_tracker.thai import BE_OFFSET, search_text
from meetings.models import Meeting, MeetingSeries

GENERATOR_USERNAME = "demo_generator"
SECRETARIAT_USERNAME = "bench_secretariat"
EXECUTIVE_USERNAME = "bench_executive"
AGENCY_USERNAME = "bench_agency"  # the busiest agency; bench_agency_2 … for the next ones
AGENCY_USER_COUNT = 5

DISTRICTS = [
    "เมืองลำปาง",
    "แม่เมาะ",
    "เกาะคา",
    "เสริมงาม",
    "งาว",
    "แจ้ห่ม",
    "วังเหนือ",
    "เถิน",
    "แม่พริก",
    "แม่ทะ",
    "สบปราบ",
    "ห้างฉัตร",
    "เมืองปาน",
]

K = Agency.Kind
AGENCIES: list[tuple[str, str]] = [
    (K.PROVINCIAL, "สำนักงานจังหวัดลำปาง"),
    (K.PROVINCIAL, "ที่ทำการปกครองจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานป้องกันและบรรเทาสาธารณภัยจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานสาธารณสุขจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานศึกษาธิการจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานวัฒนธรรมจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานเกษตรจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานเกษตรและสหกรณ์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานสหกรณ์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานปศุสัตว์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานประมงจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานพาณิชย์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานพัฒนาชุมชนจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานแรงงานจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานจัดหางานจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานประกันสังคมจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานอุตสาหกรรมจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานพลังงานจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานคลังจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานสถิติจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานประชาสัมพันธ์จังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานที่ดินจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานขนส่งจังหวัดลำปาง"),
    (K.PROVINCIAL, "สำนักงานยุติธรรมจังหวัดลำปาง"),
    (K.PROVINCIAL, "โรงพยาบาลลำปาง"),
    (K.CENTRAL, "สำนักงานพระพุทธศาสนาจังหวัดลำปาง"),
    (K.CENTRAL, "ตำรวจภูธรจังหวัดลำปาง"),
    (K.CENTRAL, "เรือนจำกลางลำปาง"),
    (K.CENTRAL, "สำนักงานคุมประพฤติจังหวัดลำปาง"),
    (K.CENTRAL, "แขวงทางหลวงลำปางที่ 1"),
    (K.CENTRAL, "สำนักงานทางหลวงชนบทจังหวัดลำปาง"),
    (K.CENTRAL, "โครงการชลประทานลำปาง"),
    (K.CENTRAL, "สำนักงานสรรพากรพื้นที่ลำปาง"),
    (K.CENTRAL, "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำปาง เขต 1"),
    (K.CENTRAL, "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาลำปาง ลำพูน"),
    (K.CENTRAL, "สำนักงานทรัพยากรน้ำภาค 1"),
    (K.LOCAL, "องค์การบริหารส่วนจังหวัดลำปาง"),
    (K.LOCAL, "เทศบาลนครลำปาง"),
    (K.LOCAL, "เทศบาลเมืองเขลางค์นคร"),
    (K.LOCAL, "เทศบาลเมืองพิชัย"),
    (K.ENTERPRISE, "การไฟฟ้าส่วนภูมิภาคจังหวัดลำปาง"),
    (K.ENTERPRISE, "การประปาส่วนภูมิภาคสาขาลำปาง"),
    (K.ENTERPRISE, "การไฟฟ้าฝ่ายผลิตแห่งประเทศไทย แม่เมาะ"),
    (K.ENTERPRISE, "ธนาคารเพื่อการเกษตรและสหกรณ์การเกษตร สำนักงานจังหวัดลำปาง"),
    (K.EDUCATION, "มหาวิทยาลัยราชภัฏลำปาง"),
    (K.EDUCATION, "มหาวิทยาลัยธรรมศาสตร์ ศูนย์ลำปาง"),
    (K.EDUCATION, "วิทยาลัยเทคนิคลำปาง"),
] + [(K.DISTRICT, f"อำเภอ{name}") for name in DISTRICTS]

DISTRICTS_GROUP = "ทุกอำเภอ"
VAGUE_PARTY = "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"

# The six development strategies of the seed document (lampang-pao-strategies.txt).
STRATEGIES = [
    "ส่งเสริมคุณภาพชีวิตที่ดีอย่างทั่วถึงและเท่าเทียม",
    "พัฒนาเศรษฐกิจ เพื่อสร้างงาน สร้างรายได้ อย่างสมดุล",
    "ส่งเสริมการท่องเที่ยววิถีใหม่",
    "พัฒนาโครงสร้างพื้นฐาน ทรัพยากรธรรมชาติ และสิ่งแวดล้อมแบบองค์รวม",
    "พัฒนา อบจ. ลำปาง ให้เป็นองค์กรคุณภาพ",
    "ปรับตัวรับการเปลี่ยนแปลงทางดิจิทัล",
]

OLYMPIC_ROOM = "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง"
GOVERNOR = "ผู้ว่าราชการจังหวัดลำปาง"


@dataclass(frozen=True)
class SeriesPlan:
    name: str
    summary_title: str
    months: tuple[int, ...]  # months of the year in which the series meets
    day: int  # usual day of the month
    venue: str
    chair: str
    district: str = ""  # a district's own meeting: that district leads most items


EVERY_MONTH = tuple(range(1, 13))
SERIES: list[SeriesPlan] = [
    SeriesPlan(
        "การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง",
        "สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ",
        EVERY_MONTH,
        27,
        OLYMPIC_ROOM,
        GOVERNOR,
    ),
    SeriesPlan(
        "การประชุมกรมการจังหวัดลำปาง",
        "สรุปประเด็นสืบเนื่องจากการประชุมกรมการจังหวัด",
        EVERY_MONTH,
        27,
        OLYMPIC_ROOM,
        GOVERNOR,
    ),
    SeriesPlan(
        "การประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการจังหวัดลำปาง (ก.บ.จ.)",
        "สรุปประเด็นสืบเนื่องจากการประชุม ก.บ.จ.ลำปาง",
        (1, 4, 7, 10),
        15,
        OLYMPIC_ROOM,
        GOVERNOR,
    ),
    SeriesPlan(
        "การประชุมศูนย์บัญชาการเหตุการณ์ป้องกันและแก้ไขปัญหาไฟป่าและฝุ่นละออง PM2.5 จังหวัดลำปาง",
        "สรุปข้อสั่งการจากการประชุมศูนย์บัญชาการเหตุการณ์ไฟป่าและฝุ่นละออง",
        (1, 2, 3, 4, 5),
        8,
        "ห้องประชุมพระแก้วดอนเต้า ชั้น ๒ ศาลากลางจังหวัดลำปาง",
        "รองผู้ว่าราชการจังหวัดลำปาง",
    ),
    SeriesPlan(
        "การประชุมคณะกรรมการอำนวยการป้องกันและปราบปรามยาเสพติดจังหวัดลำปาง",
        "สรุปข้อสั่งการจากการประชุมคณะกรรมการอำนวยการป้องกันและปราบปรามยาเสพติด",
        (2, 4, 6, 8, 10, 12),
        18,
        OLYMPIC_ROOM,
        GOVERNOR,
    ),
] + [
    SeriesPlan(
        f"การประชุมหัวหน้าส่วนราชการประจำอำเภอ{name}",
        f"สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการประจำอำเภอ{name}",
        EVERY_MONTH,
        5 + i,
        f"ห้องประชุมที่ว่าการอำเภอ{name}",
        f"นายอำเภอ{name}",
        district=name,
    )
    for i, name in enumerate(DISTRICTS)
]

HEADINGS = [
    "วาระลำปางเมืองแห่งการเรียนรู้ เมืองน่าอยู่สำหรับเด็ก เยาวชน จุดนัดพบคนรุ่นใหม่",
    "วาระรักลำปาง รักวิถีล้านนา",
    "วาระลำปางเมืองศิลปะ นครหัตถศิลป์ ถิ่นอารยธรรม",
    "วาระลำปาง เกษตรสุขภาพ เกษตรผสมผสาน นวัตกรรมเกษตร",
    "วาระลำปางแข็งแรง : คนจิตอาสา ครอบครัวอบอุ่น ชุมชนสุขภาวะ",
    "วาระลำปางน่าเที่ยว : ปักหมุดลำปาง เส้นทางต้องแวะ",
    "วาระลำปางปันสุข : สวัสดิการทั่วถึง ฐานรากเข้มแข็ง ลดความเหลื่อมล้ำ",
    "การป้องกันและแก้ไขปัญหาหมอกควันและไฟป่า",
    "การป้องกันและลดอุบัติเหตุทางถนนช่วงเทศกาล",
    "การเร่งรัดการเบิกจ่ายงบประมาณ",
    "การป้องกันและปราบปรามยาเสพติด",
    "การบริหารจัดการน้ำและการเตรียมรับมือภัยแล้ง",
]
PARENT_HEADINGS = ["ประเด็นอื่น ๆ", "เรื่องสืบเนื่อง", "ข้อสั่งการของผู้ว่าราชการจังหวัด"]
OPENERS = ["ขอให้", "มอบหมายให้", "ให้", "เน้นย้ำให้", "ขอความร่วมมือให้", "ผู้ว่าราชการจังหวัดสั่งการให้"]
ACTORS = [
    "",
    "",
    "ทุกส่วนราชการ",
    "หน่วยงานที่เกี่ยวข้อง",
    "ทุกอำเภอ",
    "องค์กรปกครองส่วนท้องถิ่น",
    "หัวหน้าส่วนราชการ",
    "สถานศึกษาทุกแห่ง",
]
ACTIONS = [
    "เร่งรัดการดำเนินงาน",
    "ประชาสัมพันธ์และรณรงค์",
    "จัดทำแผนปฏิบัติการ",
    "ติดตามและรายงานผล",
    "ตรวจสอบและกำกับดูแล",
    "บูรณาการการทำงานร่วมกันในเรื่อง",
    "สำรวจข้อมูลและจัดทำฐานข้อมูล",
    "ประสานความร่วมมือกับภาคเอกชนในเรื่อง",
    "เตรียมความพร้อม",
    "ขับเคลื่อน",
    "พิจารณาจัดสรรงบประมาณสนับสนุน",
    "ลงพื้นที่ตรวจเยี่ยม",
]
TOPICS = [
    "การป้องกันและแก้ไขปัญหาหมอกควันและไฟป่า",
    "ปัญหาฝุ่นละอองขนาดเล็ก PM2.5",
    "การท่องเที่ยวชุมชนและการจัดปฏิทินการท่องเที่ยวทั้งปี",
    "การพัฒนาแหล่งท่องเที่ยวเชิงเกษตรและธรรมชาติ",
    "การแต่งกายชุดพื้นเมืองทุกวันศุกร์และการพูดภาษาเหนือ (คำเมือง)",
    "การดูแลผู้สูงอายุและผู้พิการ",
    "อาหารปลอดภัยและผักปลอดสารพิษ",
    "กิจกรรมจังหวัดเคลื่อนที่",
    "การป้องกันและปราบปรามยาเสพติด",
    "การเตรียมรับมือภัยแล้งและการบริหารจัดการน้ำ",
    "การป้องกันอุทกภัยและดินโคลนถล่ม",
    "การป้องกันและควบคุมโรคไข้เลือดออก",
    "ความสะอาดและความเป็นระเบียบเรียบร้อยของสถานที่ราชการ",
    "การเบิกจ่ายงบประมาณรายจ่ายประจำปี",
    "การแก้ไขปัญหาราคาพืชผลทางการเกษตร",
    "โครงการอนุรักษ์และพัฒนาเมืองเก่านครลำปาง",
    "เรื่องร้องเรียนของศูนย์ดำรงธรรมจังหวัดลำปาง",
    "การลดอุบัติเหตุทางถนนช่วงเทศกาลปีใหม่และสงกรานต์",
    "การส่งเสริมอุตสาหกรรมเซรามิกและหัตถกรรมพื้นบ้าน",
    "กิจกรรมจิตอาสาพัฒนาชุมชน",
    "การพัฒนาเด็กปฐมวัยและคุณภาพการศึกษา",
    "การส่งเสริมอาชีพและรายได้ของเกษตรกร",
    "การรักษาความปลอดภัยในชีวิตและทรัพย์สินของประชาชน",
    "การแก้ไขปัญหาหนี้สินภาคประชาชน",
    "การพัฒนาระบบบริการภาครัฐด้วยเทคโนโลยีดิจิทัล",
]
PLACES = [
    "ในพื้นที่จังหวัดลำปาง",
    "ในพื้นที่รับผิดชอบ",
    "ในสถานศึกษาทุกแห่ง",
    "ในชุมชนและหมู่บ้าน",
    "ตามแนวเขตป่าและพื้นที่เสี่ยง",
    "",
]
PURPOSES = [
    "เพื่อให้การดำเนินงานเป็นรูปธรรมและเกิดผลสัมฤทธิ์",
    "เพื่อเสริมสร้างภาพลักษณ์ที่ดีของจังหวัดลำปาง",
    "ให้แล้วเสร็จภายในกำหนด",
    "แล้วรายงานให้จังหวัดทราบ",
    "และรายงานผลให้ที่ประชุมทราบในการประชุมครั้งต่อไป",
    "เพื่อประโยชน์สุขของพี่น้องประชาชน",
    "โดยจังหวัดจะให้การสนับสนุนงบประมาณดำเนินงาน",
]
FOLLOW_UPS = [
    "ทั้งนี้ ให้ประสานหน่วยงานที่เกี่ยวข้องอย่างใกล้ชิด",
    "ทั้งนี้ ให้คำนึงถึงความปลอดภัยของประชาชนเป็นสำคัญ",
    "โดยให้ใช้จ่ายงบประมาณอย่างประหยัดและคุ้มค่า",
    "และให้เผยแพร่ผลการดำเนินงานผ่านสื่อสังคมออนไลน์ของหน่วยงาน",
    "หากมีปัญหาอุปสรรคให้รายงานผู้ว่าราชการจังหวัดทราบโดยด่วน",
]
REPORT_TEXTS = {
    Status.NOT_STARTED: ["รับทราบข้อสั่งการแล้ว อยู่ระหว่างเตรียมการ", "อยู่ระหว่างประสานหน่วยงานที่เกี่ยวข้อง"],
    Status.IN_PROGRESS: [
        "ได้ประชุมชี้แจงหน่วยงานในสังกัดและมอบหมายผู้รับผิดชอบแล้ว",
        "ดำเนินการประชาสัมพันธ์ผ่านหอกระจายข่าวและสื่อสังคมออนไลน์แล้ว",
        "ลงพื้นที่ตรวจติดตามร่วมกับอำเภอและองค์กรปกครองส่วนท้องถิ่น",
        "อยู่ระหว่างจัดทำแผนปฏิบัติการและขออนุมัติโครงการ",
        "เบิกจ่ายงบประมาณแล้วบางส่วน อยู่ระหว่างดำเนินการตามแผน",
    ],
    Status.DONE: [
        "ดำเนินการแล้วเสร็จตามข้อสั่งการ รายละเอียดตามเอกสารแนบ",
        "จัดกิจกรรมแล้วเสร็จ มีผู้เข้าร่วมตามเป้าหมาย",
        "ดำเนินการครบทุกพื้นที่แล้ว และรายงานผลให้จังหวัดทราบแล้ว",
    ],
    Status.EXTENSION: [
        "ขอขยายเวลาเนื่องจากอยู่ระหว่างรอการจัดสรรงบประมาณ",
        "ขอขยายเวลาเนื่องจากสภาพอากาศไม่เอื้ออำนวยต่อการดำเนินงานในพื้นที่",
        "ขอขยายเวลาเนื่องจากต้องประสานข้อมูลเพิ่มเติมกับหน่วยงานส่วนกลาง",
    ],
}
RETURN_COMMENTS = ["กรุณาระบุผลการดำเนินงานเชิงปริมาณ", "กรุณาแนบหลักฐานประกอบรายงาน", "รายงานยังไม่ครอบคลุมทุกพื้นที่"]
CLOSE_NOTES = [
    "ที่ประชุมมีมติให้ยุติประเด็น",
    "ดำเนินการตามภารกิจปกติแล้ว ไม่ต้องติดตามต่อ",
    "สถานการณ์คลี่คลายแล้ว",
    "รวมไปติดตามในประเด็นใหม่ของการประชุมครั้งถัดไป",
]


def derive_directive(
    *, closed: bool, assignments: Sequence[Assignment], children: Sequence[Directive] = ()
) -> tuple[str, datetime.date | None, list[bool]]:
    """state, open_due_date and each assignment's is_open, by the services' own rule."""
    is_open = [not closed and a.status != Status.DONE for a in assignments]
    for assignment, open_ in zip(assignments, is_open, strict=True):
        assignment.is_open = open_
    return (*derive_state(closed=closed, assignments=assignments, children=children), is_open)


@dataclass
class Counts:
    meetings: int = 0
    directives: int = 0
    assignments: int = 0
    parties: int = 0
    reports: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Generator:
    """Builds the rows in memory, a chunk of meetings at a time, and writes them."""

    def __init__(
        self,
        *,
        seed: int,
        today: datetime.date,
        max_reports: int,
        batch_size: int,
        stdout=None,
    ) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.max_reports = max_reports
        self.batch_size = batch_size
        self.stdout = stdout
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.counts = Counts()

    # --- reference data -----------------------------------------------------------

    def setup_reference_data(self) -> None:
        User = get_user_model()
        self.generator_user, created = User.objects.get_or_create(
            username=GENERATOR_USERNAME, defaults={"first_name": "ข้อมูลตัวอย่าง", "is_active": False}
        )
        if created:
            self.generator_user.set_unusable_password()
            self.generator_user.save(update_fields=["password"])

        if not Agency.objects.exists():
            Agency.objects.bulk_create(
                Agency(name=name, kind=kind, print_order=(i + 1) * 10) for i, (kind, name) in enumerate(AGENCIES)
            )
        self.agencies = list(Agency.objects.active().order_by("print_order", "name", "pk"))
        if not self.agencies:
            raise CommandError("ไม่มีหน่วยงานที่ใช้งานอยู่")
        # A few agencies carry most of the work, as in real summaries: weights fall
        # off with a seeded rank, and the first place goes to the governor's office
        # when it exists, so bench_agency is a busy one.
        ranked = self.agencies[:]
        self.rng.shuffle(ranked)
        ranked.sort(key=lambda a: a.name != "สำนักงานจังหวัดลำปาง")
        self.ranked_agencies = ranked
        self.agency_weights = [1.0 / (rank + 4) for rank in range(len(ranked))]
        self.district_agency = {a.name.removeprefix("อำเภอ"): a for a in self.agencies if a.name.startswith("อำเภอ")}

        districts = [a for a in self.agencies if a.kind == Agency.Kind.DISTRICT]
        self.districts_group = AgencyGroup.objects.filter(name=DISTRICTS_GROUP).first()
        if self.districts_group is None and districts:
            self.districts_group = AgencyGroup.objects.create(name=DISTRICTS_GROUP, print_order=10)
            self.districts_group.members.set(districts)
        self.group_members = (
            list(self.districts_group.members.filter(is_active=True).order_by("pk")) if self.districts_group else []
        )

        if not Strategy.objects.exists():
            Strategy.objects.bulk_create(Strategy(number=i + 1, name=name) for i, name in enumerate(STRATEGIES))
        self.strategies = list(Strategy.objects.order_by("number"))

        self.series = {}
        for plan in SERIES:
            self.series[plan.name], _ = MeetingSeries.objects.get_or_create(
                name=plan.name,
                defaults={
                    "summary_title": plan.summary_title,
                    "office_line": "กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง โทร. ๐๕๔-๒๖๕๐๑๔",
                    "default_venue": plan.venue,
                },
            )
        self._setup_users()

    def _setup_users(self) -> None:
        User = get_user_model()

        def user(username: str, first_name: str) -> object:
            obj, created = User.objects.get_or_create(username=username, defaults={"first_name": first_name})
            if created:
                obj.set_unusable_password()
                obj.save(update_fields=["password"])
            return obj

        self.secretariat = user(SECRETARIAT_USERNAME, "ฝ่ายเลขานุการ (ทดสอบ)")
        Profile.objects.get_or_create(user=self.secretariat, defaults={"role": Profile.Role.SECRETARIAT})
        executive = user(EXECUTIVE_USERNAME, "ผู้บริหาร (ทดสอบ)")
        Profile.objects.get_or_create(user=executive, defaults={"role": Profile.Role.EXECUTIVE})
        # Reports and acknowledgements of an agency with a user are by that user.
        self.agency_user: dict[int, object] = {}
        for i, agency in enumerate(self.ranked_agencies[:AGENCY_USER_COUNT]):
            username = AGENCY_USERNAME if i == 0 else f"{AGENCY_USERNAME}_{i + 1}"
            obj = user(username, f"ผู้ใช้ {agency.name}")
            profile, _ = Profile.objects.get_or_create(
                user=obj, defaults={"role": Profile.Role.AGENCY, "agency": agency}
            )
            if profile.agency_id:
                self.agency_user[profile.agency_id] = obj
        # Users an agency already has (load_demo's, for example) write its reports too.
        for profile in Profile.objects.filter(role=Profile.Role.AGENCY).select_related("user").order_by("pk"):
            self.agency_user.setdefault(profile.agency_id, profile.user)

    # --- meetings -----------------------------------------------------------------

    def meeting_slots(self) -> Iterable[tuple[SeriesPlan, int, int, datetime.date]]:
        """(series, year_be, number, date), newest first, going back in time for
        ever; ครั้งที่ counts the series' meetings from January of each year."""
        year = self.today.year
        while year + BE_OFFSET > 2400:
            slots = []
            for plan in SERIES:
                for number, month in enumerate(plan.months, start=1):
                    day = min(plan.day, 28)
                    date = datetime.date(year, month, day)
                    # Government meetings fall on weekdays: Saturday and Sunday move to Monday.
                    if date.weekday() >= 5:
                        date += datetime.timedelta(days=7 - date.weekday())
                    if date <= self.today:
                        slots.append((plan, year + BE_OFFSET, number, date))
            slots.sort(key=lambda s: (s[3], s[0].name), reverse=True)
            yield from slots
            year -= 1
        raise CommandError("ปี พ.ศ. ย้อนหลังเกินกว่าที่ระบบรองรับ (๒๔๐๐)")

    def new_meeting(self, plan: SeriesPlan, year_be: int, number: int, date: datetime.date) -> Meeting:
        afternoon = self.rng.random() < 0.25
        start = datetime.time(13, 30) if afternoon else datetime.time(9, 30)
        end = datetime.time(self.rng.choice([15, 16]), 30) if afternoon else datetime.time(self.rng.choice([11, 12]), 0)
        return Meeting(
            series=self.series[plan.name],
            number=number,
            year_be=year_be,
            date=date,
            start_time=start,
            end_time=end,
            venue=plan.venue,
            chair=plan.chair,
            created_by=self.secretariat,
        )

    # --- texts --------------------------------------------------------------------

    def directive_text(self, district: str) -> str:
        rng = self.rng
        place = rng.choice(PLACES)
        if district and rng.random() < 0.5:
            place = f"ในพื้นที่อำเภอ{district}"
        parts = [rng.choice(OPENERS) + rng.choice(ACTORS), rng.choice(ACTIONS), rng.choice(TOPICS), place]
        parts.append(rng.choice(PURPOSES))
        text = " ".join(p for p in parts if p)
        if rng.random() < 0.4:
            text += " " + rng.choice(FOLLOW_UPS)
        return text

    # --- directives ---------------------------------------------------------------

    def numbers_for(self, count: int) -> list[tuple[str, str | None]]:
        """``count`` numbers in print order with their parent's number: 1, 2, 3,
        3.1, 3.2, 4 …; sub-items are real directives of their own."""
        numbers: list[tuple[str, str | None]] = []
        top = 0
        while len(numbers) < count:
            top += 1
            left = count - len(numbers)
            numbers.append((str(top), None))
            if left >= 3 and self.rng.random() < 0.12:
                for sub in range(1, min(self.rng.randint(2, 6), left - 1) + 1):
                    numbers.append((f"{top}.{sub}", str(top)))
        return numbers

    def pick_agencies(self, plan: SeriesPlan) -> list[Agency]:
        rng = self.rng
        how_many = min(rng.choices([1, 2, 3, 4], weights=[40, 30, 18, 12])[0], len(self.agencies))
        chosen: list[Agency] = []
        district = self.district_agency.get(plan.district)
        if district and rng.random() < 0.7:
            chosen.append(district)
        while len(chosen) < how_many:
            agency = rng.choices(self.ranked_agencies, weights=self.agency_weights)[0]
            if agency not in chosen:
                chosen.append(agency)
        return chosen

    def status_for(self, age_days: int) -> str:
        """Older items are mostly finished; recent ones are still being worked on."""
        rng = self.rng
        if age_days < 7:
            return Status.NOT_STARTED if rng.random() < 0.8 else Status.IN_PROGRESS
        p_done = min(0.93, 0.1 + age_days / 500)
        if rng.random() < p_done:
            return Status.DONE
        return rng.choices([Status.IN_PROGRESS, Status.NOT_STARTED, Status.EXTENSION], weights=[55, 30, 15])[0]

    def at(self, day: datetime.date) -> datetime.datetime:
        """A working-hours moment of ``day`` (never in the future)."""
        moment = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 16), self.rng.randint(0, 59)), tzinfo=self.tz
        )
        return min(moment, self.now)

    def build_reports(
        self,
        assignment: Assignment,
        *,
        start: datetime.date,
        end: datetime.date,
        author,
    ) -> list[ProgressReport]:
        """Reports whose newest counted one gives ``assignment.status``, dated
        between ``start`` and ``end``; may move ``assignment.due_date`` when an
        extension request was accepted, as report_review does."""
        rng = self.rng
        status = assignment.status
        span = (end - start).days
        if span < 1 or not self.max_reports:
            return []
        # An item not started yet seldom has a report ("รับทราบแล้ว อยู่ระหว่างเตรียมการ").
        not_started = status == Status.NOT_STARTED
        count = int(rng.random() < 0.1) if not_started else rng.randint(1, self.max_reports)
        if count == 0:
            return []
        count = min(count, span)
        days = sorted(rng.sample(range(1, span + 1), count))
        reports = []
        percent = 0
        for i, offset in enumerate(days):
            last = i == count - 1
            created_at = self.at(start + datetime.timedelta(days=offset))
            report = ProgressReport(
                assignment=assignment, created_by=author, created_at=created_at, review=ProgressReport.Review.PENDING
            )
            if last:
                report.status = status
            elif rng.random() < 0.1 and assignment.due_date:
                # An extension the secretariat accepted earlier: the due date moved.
                report.status = Status.EXTENSION
                report.requested_due_date = assignment.due_date + datetime.timedelta(days=rng.randint(30, 90))
                report.review = ProgressReport.Review.ACCEPTED
                assignment.due_date = report.requested_due_date
            else:
                report.status = Status.IN_PROGRESS
                if rng.random() < 0.1:
                    report.review = ProgressReport.Review.RETURNED
                    report.review_comment = rng.choice(RETURN_COMMENTS)
            if report.status == Status.EXTENSION and report.requested_due_date is None:
                base = assignment.due_date or created_at.date()
                report.requested_due_date = base + datetime.timedelta(days=rng.randint(30, 90))
            if report.status == Status.DONE:
                report.percent = 100
            elif report.status == Status.IN_PROGRESS and rng.random() < 0.7:
                percent = min(95, percent + rng.randint(10, 40))
                report.percent = percent
            report.text = rng.choice(REPORT_TEXTS[report.status])
            # An open extension request (the last report) waits for the secretariat;
            # other reports are accepted once looked at, and only recent ones may
            # still be waiting.
            if report.review == ProgressReport.Review.PENDING and not (last and report.status == Status.EXTENSION):
                recent = (self.today - created_at.date()).days < 60
                if not recent or rng.random() < 0.4:
                    report.review = ProgressReport.Review.ACCEPTED
            if report.review != ProgressReport.Review.PENDING:
                report.reviewed_by = self.secretariat
                report.reviewed_at = min(created_at + datetime.timedelta(days=rng.randint(1, 7)), self.now)
            reports.append(report)
        return reports

    def build_meeting(self, meeting: Meeting, plan: SeriesPlan, count: int, out: dict[str, list]) -> None:
        rng = self.rng
        age_days = (self.today - meeting.date).days
        numbers = self.numbers_for(count)
        parent_numbers = {parent for _, parent in numbers if parent}
        by_number: dict[str, Directive] = {}
        for number, parent_number in numbers:
            has_children = number in parent_numbers
            directive = Directive(
                meeting=meeting,
                source_date=meeting.date,
                source_number=meeting.number,
                number=number,
                sort_key=sort_key_for(number),
                parent=by_number.get(parent_number) if parent_number else None,
                created_by=self.secretariat,
            )
            by_number[number] = directive
            if has_children:
                # A heading that groups sub-items (๗ ประเด็นอื่น ๆ → ๗.๑ …): no agencies of its own.
                directive.heading = rng.choice(PARENT_HEADINGS)
                directive.state, directive.open_due_date = derive_directive(closed=False, assignments=[])[:2]
                out["parents" if parent_number is None else "children"].append((directive, [], [], []))
                continue
            if parent_number is None and rng.random() < 0.35:
                directive.heading = rng.choice(HEADINGS)
            directive.text = self.directive_text(plan.district)
            if rng.random() < 0.9:
                directive.due_date = meeting.date + datetime.timedelta(days=rng.choice([15, 30, 30, 45, 60, 90, 180]))
            if rng.random() < 0.12 or directive.due_date is None:
                directive.report_day = rng.choice([5, 20, 25])
                if rng.random() < 0.5:
                    directive.report_until = directive.due_date or meeting.date + datetime.timedelta(days=365)
            if self.strategies and rng.random() < 0.4:
                directive.strategy = rng.choice(self.strategies)

            agencies = self.pick_agencies(plan)
            parties = [ResponsibleParty(directive=directive, agency=a) for a in agencies]
            members: list[Agency] = []
            if self.group_members and rng.random() < 0.02:
                parties.append(ResponsibleParty(directive=directive, group=self.districts_group))
                members = [m for m in self.group_members if m not in agencies]
            if rng.random() < 0.15:
                parties.append(ResponsibleParty(directive=directive, label=VAGUE_PARTY))
            for position, party in enumerate(parties):
                party.position = position
            directive.parties_bulleted = len(parties) > 1 and rng.random() < 0.5

            # Role as _set_parties gives it: named agencies lead, group members support.
            assignments = [
                Assignment(directive=directive, agency=a, role=Assignment.Role.LEAD, due_date=directive.due_date)
                for a in agencies
            ] + [
                Assignment(directive=directive, agency=a, role=Assignment.Role.SUPPORT, due_date=directive.due_date)
                for a in members
            ]
            for assignment in assignments:
                assignment.status = self.status_for(age_days)

            # ยุติ/ปิดประเด็น: the secretariat closes most items still unfinished after
            # a couple of years, and now and then one sooner.
            unfinished = any(a.status != Status.DONE for a in assignments)
            if age_days <= 30:
                p_close = 0.0
            elif unfinished and age_days > 730:
                p_close = 0.85
            elif unfinished and age_days > 365:
                p_close = 0.15
            else:
                p_close = 0.02
            closed = rng.random() < p_close
            end = self.today
            if closed:
                end = meeting.date + datetime.timedelta(days=rng.randint(30, min(age_days, 1000)))
                directive.closed_at = self.at(end)
                directive.closed_by = self.secretariat
                directive.close_note = rng.choice(CLOSE_NOTES)

            reports: list[ProgressReport] = []
            for assignment in assignments:
                author = self.agency_user.get(assignment.agency_id, self.generator_user)
                # Agencies report for a year or so after the meeting, not for ever.
                window_end = min(end, meeting.date + datetime.timedelta(days=400))
                own = self.build_reports(assignment, start=meeting.date, end=window_end, author=author)
                if not own and assignment.status != Status.NOT_STARTED:
                    # No day to report on (a meeting of today): nothing has happened yet.
                    assignment.status = Status.NOT_STARTED
                if own:
                    assignment.acknowledged_at = own[0].created_at
                    assignment.acknowledged_by = author
                elif age_days > 3 and rng.random() < 0.5:
                    assignment.acknowledged_at = self.at(meeting.date + datetime.timedelta(days=rng.randint(1, 3)))
                    assignment.acknowledged_by = author
                reports.append(own)
            directive.state, directive.open_due_date, is_open = derive_directive(closed=closed, assignments=assignments)
            for assignment, open_ in zip(assignments, is_open, strict=True):
                assignment.is_open = open_
            out["parents" if parent_number is None else "children"].append((directive, assignments, reports, parties))
        # Heading rows take their state from their sub-items, now that those exist.
        for number in sorted(parent_numbers, key=sort_key_for, reverse=True):
            children = [by_number[n] for n, parent in numbers if parent == number]
            parent_row = by_number[number]
            parent_row.state, parent_row.open_due_date = derive_directive(
                closed=False, assignments=[], children=children
            )[:2]

    def generate(self, total: int) -> Counts:
        started = time.perf_counter()
        self.setup_reference_data()
        taken = set(Meeting.objects.values_list("series_id", "year_be", "number"))
        pending: list[tuple[Meeting, SeriesPlan, int]] = []
        remaining = total
        for plan, year_be, number, date in self.meeting_slots():
            if remaining <= 0:
                break
            if (self.series[plan.name].pk, year_be, number) in taken:
                continue
            count = min(self.rng.randint(10, 20), remaining)
            pending.append((self.new_meeting(plan, year_be, number, date), plan, count))
            remaining -= count
        self.counts.seconds["setup"] = time.perf_counter() - started

        chunk_directives = 0
        chunk: list[tuple[Meeting, SeriesPlan, int]] = []
        for item in pending:
            chunk.append(item)
            chunk_directives += item[2]
            if chunk_directives >= self.batch_size:
                self.write_chunk(chunk)
                chunk, chunk_directives = [], 0
        if chunk:
            self.write_chunk(chunk)
        self.counts.seconds["total"] = time.perf_counter() - started
        return self.counts

    def write_chunk(self, chunk: list[tuple[Meeting, SeriesPlan, int]]) -> None:
        out: dict[str, list] = {"parents": [], "children": []}
        for meeting, plan, count in chunk:
            self.build_meeting(meeting, plan, count, out)
        rows = out["parents"] + out["children"]
        reports = [rep for r in rows for per_assignment in r[2] for rep in per_assignment]
        # bulk_create skips save(): the search column is filled here as save() would.
        for obj in [r[0] for r in rows] + reports:
            obj.search_text = search_text(*(getattr(obj, name) for name in obj.SEARCH_FIELDS))
        batch = 2000
        with transaction.atomic():
            Meeting.objects.bulk_create([m for m, _, _ in chunk], batch_size=batch)
            # Parents first: the sub-items need their ids.
            Directive.objects.bulk_create([r[0] for r in out["parents"]], batch_size=batch)
            Directive.objects.bulk_create([r[0] for r in out["children"]], batch_size=batch)
            assignments = [a for r in rows for a in r[1]]
            Assignment.objects.bulk_create(assignments, batch_size=batch)
            ResponsibleParty.objects.bulk_create([p for r in rows for p in r[3]], batch_size=batch)
            ProgressReport.objects.bulk_create(reports, batch_size=batch)
        self.counts.meetings += len(chunk)
        self.counts.directives += len(rows)
        self.counts.assignments += len(assignments)
        self.counts.parties += sum(len(r[3]) for r in rows)
        self.counts.reports += len(reports)
        if self.stdout:
            self.stdout.write(f"  {self.counts.directives} ข้อสั่งการ …")


class Command(BaseCommand):
    help = "สร้างข้อมูลตัวอย่างจำนวนมาก (การประชุม ข้อสั่งการ หน่วยงานรับผิดชอบ รายงานผล) สำหรับสาธิตและวัดความเร็ว"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--directives", type=int, default=10000, help="จำนวนข้อสั่งการที่จะสร้าง (default 10000)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the random generator: same seed, same data")
        parser.add_argument(
            "--reports-per-assignment",
            type=int,
            default=3,
            help="most progress reports one assignment gets (default 3; 0 = no reports)",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="pretend today is this date (YYYY-MM-DD): meetings end here and due dates spread around it",
        )
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="directives written per transaction (default 5000)"
        )

    def handle(self, *args, **options) -> None:
        total = options["directives"]
        if total < 1:
            raise CommandError("--directives must be at least 1")
        if options["reports_per_assignment"] < 0:
            raise CommandError("--reports-per-assignment must not be negative")
        generator = Generator(
            seed=options["seed"],
            today=options["today"] or timezone.localdate(),
            max_reports=options["reports_per_assignment"],
            batch_size=max(1, options["batch_size"]),
            stdout=self.stdout if options["verbosity"] >= 2 else None,
        )
        counts = generator.generate(total)
        # Statistics for the planner now that the tables are large (SQLite has none
        # until ANALYZE; PostgreSQL's autovacuum would gather them only later).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"สร้างข้อมูลตัวอย่างแล้วใน {counts.seconds['total']:.1f} วินาที: "
                    f"การประชุม {counts.meetings:,} ครั้ง, ข้อสั่งการ {counts.directives:,} ข้อ, "
                    f"การมอบหมาย {counts.assignments:,} รายการ, หน่วยงานรับผิดชอบ {counts.parties:,} บรรทัด, "
                    f"รายงานผล {counts.reports:,} ฉบับ"
                )
            )
