import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lampang_tracker import thai
from lampang_tracker.tables import PythonRowsMixin

from .models import Directive, ResponsibleParty, Status, today

# format_html() without arguments is deprecated (and warns on every call).
OVERDUE_BADGE = mark_safe(' <span class="badge overdue">เกินกำหนด</span>')
# includes/status.html, for the pages that write their rows in Python (the list's
# cells, the inbox's cards, the directive page's cards): change them together.
STATUS_HTML = '<span class="status status-{}">{}</span>{}'


def status_badge(code: str, label: str, overdue: bool = False) -> SafeString:
    return format_html(STATUS_HTML, code, label, OVERDUE_BADGE if overdue else "")


def LABEL(text: str) -> dict:  # noqa: N802 - reads as a constant in the column declarations
    """A cell's label on a phone, where each row is a card (static/css/app.css, .table.cards)."""
    return {"td": {"data-label": text}}


# The export's cells (DirectiveTable.value_* and DirectiveTable.export_rows alike).
def letter_source_value(number: str, date, subject: str) -> str:
    return f"หนังสือ ที่ {number} ลงวันที่ {thai.date_numeric(date)} เรื่อง {subject}"


def meeting_source_value(series: str, number: int, year_be: int) -> str:
    return f"{series} ครั้งที่ {number}/{year_be}"


def text_value(heading: str, text: str) -> str:
    return f"{heading} {text}".strip()


def share_of(state: str, agency_status: str | None, agency_due, agency_is_open: bool | None, on) -> tuple:
    """(state, due date, overdue) of one agency's share of a directive, as the list
    narrowed to that agency shows it: its own status and due date; a closed directive
    stays closed."""
    state = Status.CLOSED if state == Status.CLOSED else agency_status or state
    return state, agency_due, bool(agency_is_open) and agency_due is not None and agency_due < on


def state_value(state: str, overdue: bool) -> str:
    label = Status(state).label
    return f"{label} (เกินกำหนด)" if overdue else label


def party_text(label: str, agency_id: int | None, agency_name: str | None, group_name: str | None) -> str:
    """ResponsibleParty.text from its columns."""
    if label:
        return label
    return agency_name if agency_id is not None else group_name


class DirectiveTable(PythonRowsMixin, tables.Table):
    # The meeting or the letter the directive came from (sorted by the copies of its
    # date and ครั้งที่ on the directive, as the list's default order).
    source = tables.Column(
        verbose_name="ที่มา",
        attrs=LABEL("ที่มา"),
        accessor="pk",
        order_by=("source_date", "source_number", "letter_id", "meeting_id", "sort_key"),
    )
    number = tables.Column(verbose_name="ลำดับ", attrs=LABEL("ลำดับ"), order_by=("sort_key",))
    text = tables.Column(
        verbose_name="ประเด็น", attrs=LABEL("ประเด็น"), accessor="text", orderable=False, empty_values=()
    )
    parties = tables.Column(
        verbose_name="หน่วยงานรับผิดชอบ", attrs=LABEL("หน่วยงานรับผิดชอบ"), accessor="pk", orderable=False
    )
    due_date = tables.Column(verbose_name="กำหนดเสร็จ", attrs=LABEL("กำหนดเสร็จ"), empty_values=())
    state = tables.Column(verbose_name="สถานะ", attrs=LABEL("สถานะ"), empty_values=())

    class Meta:
        model = Directive
        fields = ("source", "number", "text", "parties", "due_date", "state")
        attrs = {"class": "table directives cards"}
        empty_text = "ไม่พบข้อสั่งการตามเงื่อนไขที่เลือก"
        template_name = "includes/table_python_rows.html"

    # An export writes every row the filters keep (thousands): its cells are made here
    # from plain values (one query for the rows, one for their parties) rather than
    # through django-tables2's export, which builds a model instance, its relations and
    # a bound cell per value. Each cell is the value_* method's; tests/test_directive_list.py
    # checks that both give the same file.
    EXPORT_VALUES = (
        "pk",
        "number",
        "heading",
        "text",
        "state",
        "due_date",
        "open_due_date",
        "letter_id",
        "letter__number",
        "letter__date",
        "letter__subject",
        "meeting__series__name",
        "meeting__number",
        "meeting__year_be",
    )
    SHARE_VALUES = ("agency_status", "agency_due_date", "agency_is_open")

    def export_headers(self) -> list[str]:
        return [str(self.base_columns[name].verbose_name) for name in self.Meta.fields]

    def export_rows(self):
        """The cells of every row of the table's data, in its order (the sort applied)."""
        queryset = self.data.data.prefetch_related(None)
        shares = self.SHARE_VALUES if self.SHARE_VALUES[0] in queryset.query.annotations else ()
        rows = list(queryset.values_list(*self.EXPORT_VALUES, *shares))
        parties: dict[int, list[str]] = {}
        lines = (
            ResponsibleParty.objects.filter(directive_id__in=[row[0] for row in rows])
            .order_by("position", "id")
            .values_list("directive_id", "label", "agency_id", "agency__name", "group__name")
        )
        for directive_id, label, agency_id, agency_name, group_name in lines:
            parties.setdefault(directive_id, []).append(party_text(label, agency_id, agency_name, group_name))
        on = today()
        for row in rows:
            pk, number, heading, text, state, due, open_due, letter_id, *source, series, meeting_number, year = row[:14]
            if shares:
                state, due, overdue = share_of(state, *row[14:], on)
            else:
                overdue = open_due is not None and open_due < on
            yield [
                letter_source_value(*source) if letter_id else meeting_source_value(series, meeting_number, year),
                thai.thai_digits(number) if number not in (None, "") else None,
                text_value(heading, text),
                "\n".join(parties.get(pk, ())),
                thai.date_numeric(due),
                state_value(state, overdue),
            ]

    def render_source(self, record):
        if record.letter_id:
            letter = record.letter
            return format_html(
                '<a href="{}">หนังสือ ที่ {}</a><br><small>{}</small>',
                reverse("letter_detail", args=[letter.pk]),
                letter.number_label,
                thai.date_short(letter.date),
            )
        meeting = record.meeting
        return format_html("{}<br><small>{}</small>", meeting.number_label, thai.date_short(meeting.date))

    def value_source(self, record):
        if record.letter_id:
            letter = record.letter
            return letter_source_value(letter.number, letter.date, letter.subject)
        meeting = record.meeting
        return meeting_source_value(meeting.series.name, meeting.number, meeting.year_be)

    # Each render_* takes the record alone (PythonRowsMixin).
    def render_number(self, record):
        return thai.thai_digits(record.number)

    def render_text(self, record):
        url = reverse("directive_detail", args=[record.pk])
        heading = format_html("<u>{}</u> ", record.heading) if record.heading else ""
        snippet = record.text if len(record.text) <= 160 else record.text[:160] + "…"
        return format_html('<a href="{}">{}{}</a>', url, heading, snippet)

    def value_text(self, record):
        return text_value(record.heading, record.text)

    def render_parties(self, record):
        lines = format_html_join("", "<div>{}</div>", ((p.text,) for p in record.parties.all()))
        # A group item reads as one, with how its members stand (set by the list view).
        rollup = getattr(record, "rollup", None)
        if rollup is None:
            return lines
        return format_html('{}<div class="rollup muted">{}</div>', lines, rollup.label)

    def value_parties(self, record):
        return "\n".join(p.text for p in record.parties.all())

    # With the list narrowed to one agency (DirectiveFilter.qs), each row shows that
    # agency's share: its own status and due date, not the directive's overall state.
    @staticmethod
    def _share(record) -> tuple[str, object, bool]:
        if hasattr(record, "agency_status"):
            return share_of(record.state, record.agency_status, record.agency_due_date, record.agency_is_open, today())
        return record.state, record.due_date, record.is_overdue()

    def render_due_date(self, record):
        _, due, overdue = self._share(record)
        return format_html("{}{}", thai.date_short(due), OVERDUE_BADGE if overdue else "")

    def value_due_date(self, record):
        return thai.date_numeric(self._share(record)[1])

    def render_state(self, record):
        state = self._share(record)[0]
        return status_badge(state, Status(state).label)

    def value_state(self, record):
        state, _, overdue = self._share(record)
        return state_value(state, overdue)


class LetterTable(tables.Table):
    """หนังสือสั่งการ: ที่, ลงวันที่, เรื่อง, จาก and how many of its directives are open.

    ``directive_count`` and ``open_count`` come from letters_with_counts()."""

    number = tables.Column(verbose_name="ที่", attrs=LABEL("ที่"), order_by=("number_key",))
    date = tables.Column(verbose_name="ลงวันที่", attrs=LABEL("ลงวันที่"))
    subject = tables.Column(verbose_name="เรื่อง", attrs=LABEL("เรื่อง"))
    sender = tables.Column(verbose_name="จาก", attrs=LABEL("จาก"))
    directive_count = tables.Column(verbose_name="ข้อสั่งการ", attrs={"td": {"class": "num", "data-label": "ข้อสั่งการ"}})
    open_count = tables.Column(verbose_name="ยังไม่แล้วเสร็จ", attrs={"td": {"class": "num", "data-label": "ยังไม่แล้วเสร็จ"}})

    class Meta:
        attrs = {"class": "table letters cards"}
        empty_text = "ยังไม่มีหนังสือสั่งการ"
        order_by = ("-date",)

    def render_number(self, record):
        urgency = format_html(' <span class="badge urgent">{}</span>', record.urgency) if record.urgency else ""
        url = reverse("letter_detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>{}', url, record.number_label, urgency)

    def value_number(self, record):
        return record.number

    def render_date(self, value):
        return thai.date_short(value)

    def value_date(self, value):
        return thai.date_numeric(value)

    def render_directive_count(self, value):
        return thai.thai_digits(value)

    def render_open_count(self, value):
        return thai.thai_digits(value)
