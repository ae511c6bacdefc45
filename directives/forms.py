from __future__ import annotations

import re
from dataclasses import replace

from django import forms
from django.forms.utils import ErrorDict

from agencies.models import Agency, AgencyGroup
from lampang_tracker import limits
from lampang_tracker.conflicts import VersionedFormMixin
from lampang_tracker.forms import (
    BoundedTextMixin,
    CheckboxSelectMultiple,
    MultipleFileField,
    MultipleFileInput,
    ThaiDateField,
    ThaiIntegerField,
)
from lampang_tracker.thai import arabic_digits, thai_digits, thai_sorted

from .models import (
    AGENCY_STATUSES,
    NUMBER_RE,
    PARAGRAPH_FROM_ONE,
    Directive,
    ResponsibleParty,
    Status,
    Strategy,
    group_members_of,
    paragraph_error,
)
from .numbering import next_free, next_top_level
from .services import DomainError, NewDirective, Party, check_upload, parties_from


class PartiesField(forms.MultipleChoiceField):
    """One multi-select offering agency groups first, then agencies by kind.

    Values are "g<id>" for a group and "a<id>" for an agency.
    """

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=self._choices, **kwargs)

    @staticmethod
    def _choices():
        groups = [(f"g{g.pk}", g.name) for g in AgencyGroup.objects.filter(is_active=True)]
        by_kind: dict[str, list] = {}
        for agency in Agency.objects.active().thai_sorted():
            by_kind.setdefault(agency.get_kind_display(), []).append((f"a{agency.pk}", agency.name))
        return [("กลุ่มหน่วยงาน", groups), *by_kind.items()]


def _party_key(party) -> tuple:
    """What a printed line names, to carry its paragraph across an edit of the parties."""
    if party.agency is not None:
        return ("a", party.agency.pk)
    if party.group is not None:
        return ("g", party.group.pk)
    return ("t", party.label.strip())


class DirectiveForm(BoundedTextMixin, VersionedFormMixin, forms.Form):
    text_limits = {"text": limits.DIRECTIVE_TEXT, "free_parties": limits.FREE_PARTIES}

    number = forms.CharField(label="ลำดับ", max_length=20, help_text="เช่น 1 หรือ 7.1 (พิมพ์เลขไทยได้)")
    heading = forms.CharField(label="หัวข้อ (พิมพ์ขีดเส้นใต้)", max_length=500, required=False)
    text = forms.CharField(label="ประเด็น / ข้อสั่งการ", required=False, widget=forms.Textarea(attrs={"rows": 6}))
    parties = PartiesField(label="หน่วยงานรับผิดชอบ", required=False)
    free_parties = forms.CharField(
        label="หน่วยงานอื่น ๆ (พิมพ์ตามที่ปรากฏ บรรทัดละหนึ่งรายการ)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "เช่น ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"}),
    )
    parties_bulleted = forms.BooleanField(label="พิมพ์เครื่องหมาย - หน้าหน่วยงานแต่ละบรรทัด", required=False)
    # Where the parties print in the summary's table (ResponsibleParty.paragraph, 1-based
    # here): on an edit there is one such field per line kept (paragraph_<n>), and this
    # one is for the lines added.
    parties_paragraph = ThaiIntegerField(
        label="พิมพ์หน่วยงานข้างย่อหน้าที่",
        required=False,
        min_value=1,
        initial=1,
        help_text="ย่อหน้าของข้อความ (บรรทัดที่พิมพ์) ที่หน่วยงานอยู่ข้าง ๆ ในตารางสรุป ปกติคือย่อหน้าที่ ๑",
        error_messages={"min_value": PARAGRAPH_FROM_ONE},
    )
    heading_apart = forms.BooleanField(
        label="พิมพ์หัวข้อแยกบรรทัด",
        required=False,
        help_text="หัวข้อขีดเส้นใต้อยู่บรรทัดของตัวเอง ข้อความเริ่มบรรทัดใหม่ (ไม่เลือก: ข้อความต่อท้ายหัวข้อ)",
    )
    due_date = ThaiDateField(label="กำหนดเสร็จ", required=False)
    report_day = ThaiIntegerField(
        label="รายงานผลทุกวันที่ของเดือน",
        required=False,
        min_value=1,
        max_value=31,
        error_messages={"min_value": "วันที่ต้องอยู่ระหว่าง ๑ ถึง ๓๑", "max_value": "วันที่ต้องอยู่ระหว่าง ๑ ถึง ๓๑"},
    )
    report_until = ThaiDateField(label="รายงานจนถึงวันที่", required=False)
    strategy = forms.ModelChoiceField(
        label="ยุทธศาสตร์", queryset=Strategy.objects.all(), required=False, empty_label="— ไม่ระบุ —"
    )

    def __init__(
        self,
        *args,
        meeting=None,
        letter=None,
        parent: Directive | None = None,
        instance: Directive | None = None,
        **kwargs,
    ):
        """The directive's source is ``meeting`` or ``letter`` (an existing one's own when omitted)."""
        if instance is not None and meeting is None and letter is None:
            meeting, letter = instance.meeting, instance.letter
        self.meeting, self.letter = meeting, letter
        self.parent, self.instance = parent or (instance.parent if instance else None), instance
        if instance is not None:
            kwargs.setdefault("initial", self.initial_for(instance))
        super().__init__(*args, **kwargs)
        self.lines: list[ResponsibleParty] = list(instance.parties.all()) if instance is not None else []
        self.paragraph_fields: list[str] = []
        for index, line in enumerate(self.lines):
            name = f"paragraph_{index}"
            self.fields[name] = ThaiIntegerField(
                label=f"“{line.text}” พิมพ์ข้างย่อหน้าที่",
                required=False,
                min_value=1,
                initial=line.paragraph + 1,
                error_messages={"min_value": PARAGRAPH_FROM_ONE},
            )
            self.paragraph_fields.append(name)
        if self.lines:
            self.fields["parties_paragraph"].label = "หน่วยงานที่เพิ่มใหม่ พิมพ์ข้างย่อหน้าที่"
        # The paragraph fields follow the parties they place.
        order = list(self.fields)
        for name in ("parties_paragraph", *self.paragraph_fields):
            order.remove(name)
        at = order.index("parties_bulleted") + 1
        self.order_fields([*order[:at], *self.paragraph_fields, "parties_paragraph", *order[at:]])
        if instance is not None:
            self.add_version_field(instance)

    # The agency lines are rows of their own, not columns of the directive's history.
    not_in_history = ("parties", "free_parties", "parties_paragraph")

    def stored_values(self, instance: Directive) -> dict:
        return self.initial_for(instance)

    @staticmethod
    def initial_for(directive: Directive) -> dict:
        lines = list(directive.parties.all())
        return {
            "number": directive.number,
            "heading": directive.heading,
            "text": directive.text,
            "parties": [
                f"a{p.agency_id}" if p.agency_id else f"g{p.group_id}" for p in lines if p.agency_id or p.group_id
            ],
            "free_parties": "\n".join(p.label for p in lines if not (p.agency_id or p.group_id)),
            "parties_bulleted": directive.parties_bulleted,
            "heading_apart": directive.heading_apart,
            "parties_paragraph": 1,
            **{f"paragraph_{index}": line.paragraph + 1 for index, line in enumerate(lines)},
            "due_date": directive.due_date,
            "report_day": directive.report_day,
            "report_until": directive.report_until,
            "strategy": directive.strategy_id,
        }

    def clean_number(self) -> str:
        number = arabic_digits(self.cleaned_data["number"]).strip().rstrip(".")
        if not NUMBER_RE.match(number):
            raise forms.ValidationError("ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1")
        if self.parent and not number.startswith(self.parent.number + "."):
            raise forms.ValidationError(f"ข้อย่อยของข้อ {self.parent.number_label} ต้องขึ้นต้นด้วย {self.parent.number_label}.")
        if self.letter is not None:
            taken, where = Directive.objects.filter(letter=self.letter, number=number), "ในหนังสือฉบับนี้"
        else:
            taken, where = Directive.objects.filter(meeting=self.meeting, number=number), "ในการประชุมนี้"
        if self.instance:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"ลำดับ {thai_digits(number)} มีอยู่แล้ว{where}")
        return number

    def clean_free_parties(self) -> str:
        text = self.cleaned_data["free_parties"]
        limits.check_lines(text, limits.PARTY_LINE_COUNT)
        limit = ResponsibleParty._meta.get_field("label").max_length
        for line in text.splitlines():
            if len(line.strip()) > limit:
                raise forms.ValidationError(
                    f"หน่วยงานแต่ละบรรทัดยาวได้ไม่เกิน {limits.number(limit)} ตัวอักษร: “{line.strip()[:40]}…”"
                )
        return text

    def clean(self):
        data = super().clean()
        typed_but_refused = self.has_error("heading") or self.has_error("text")  # (too long, NUL): said already
        if not typed_but_refused and not data.get("heading", "").strip() and not data.get("text", "").strip():
            self.add_error("text", "กรุณากรอกข้อความประเด็น หรือหัวข้อ อย่างน้อยหนึ่งอย่าง")
        if data.get("report_until") and not data.get("report_day"):
            self.add_error("report_day", "กรุณาระบุวันที่รายงานของทุกเดือน")
        if "text" in data:
            for name in ("parties_paragraph", *self.paragraph_fields):
                if data.get(name) and (message := paragraph_error(data[name], data["text"])):
                    self.add_error(name, message)
        return data

    def _paragraph(self, name: str) -> int:
        """A paragraph field's value, 0-based as stored (blank: the first paragraph)."""
        return (self.cleaned_data.get(name) or 1) - 1

    def party_list(self) -> list[Party] | None:
        """The parties to save, or None when the user left them and their paragraphs
        as they were. Lines kept keep their exact wording (typed "as written" by an
        import) and take the paragraph set beside them; lines added take
        ``parties_paragraph``."""
        placed = {
            _party_key(line): self._paragraph(name)
            for line, name in zip(self.lines, self.paragraph_fields, strict=True)
        }
        if self.instance is not None and not {"parties", "free_parties"} & set(self.changed_data):
            if all(
                self._paragraph(name) == line.paragraph
                for line, name in zip(self.lines, self.paragraph_fields, strict=True)
            ):
                return None
            return [
                Party(agency=line.agency, group=line.group, label=line.label, paragraph=placed[_party_key(line)])
                for line in self.lines
            ]
        added = self._paragraph("parties_paragraph")
        return [replace(party, paragraph=placed.get(_party_key(party), added)) for party in self._chosen_parties()]

    def _chosen_parties(self) -> list[Party]:
        chosen = self.cleaned_data.get("parties") or []
        agency_ids = [int(v[1:]) for v in chosen if v.startswith("a")]
        group_ids = [int(v[1:]) for v in chosen if v.startswith("g")]
        agencies = sorted(
            Agency.objects.filter(pk__in=agency_ids), key=lambda a: (a.print_order, agency_ids.index(a.pk))
        )
        groups = list(AgencyGroup.objects.filter(pk__in=group_ids))
        return parties_from(agencies=agencies, groups=groups, free_text=self.cleaned_data["free_parties"].splitlines())

    def directive_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "number",
                "heading",
                "text",
                "due_date",
                "report_day",
                "report_until",
                "strategy",
                "parties_bulleted",
                "heading_apart",
            )
        }


class ReportForm(BoundedTextMixin, forms.Form):
    text_limits = {"text": limits.REPORT_TEXT}

    status = forms.ChoiceField(
        label="สถานะ",
        choices=[(s.value, s.label) for s in AGENCY_STATUSES if s != Status.EXTENSION],
        widget=forms.RadioSelect,
    )
    percent = ThaiIntegerField(
        label="ร้อยละความคืบหน้า",
        required=False,
        min_value=0,
        max_value=100,
        error_messages={"min_value": "ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐", "max_value": "ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐"},
    )
    text = forms.CharField(label="ผลการดำเนินงาน", widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(
        label="ไฟล์หลักฐาน (pdf, jpg, png, docx, xlsx ไม่เกิน 10 MB ต่อไฟล์)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        for upload in files:
            try:
                check_upload(upload)
            except DomainError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return files


class ExtensionForm(BoundedTextMixin, forms.Form):
    text_limits = {"reason": limits.NOTE}

    new_due_date = ThaiDateField(label="ขอขยายเวลาถึงวันที่")
    reason = forms.CharField(label="เหตุผลที่ขอขยายเวลา", widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(BoundedTextMixin, forms.Form):
    text_limits = {"comment": limits.NOTE}

    decision = forms.ChoiceField(label="ผลการตรวจ", choices=[("accept", "รับรายงาน"), ("return", "ส่งกลับให้แก้ไข")])
    comment = forms.CharField(label="ความเห็น", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("comment", "").strip():
            self.add_error("comment", "กรุณาระบุเหตุผลที่ส่งกลับ เพื่อให้หน่วยงานแก้ไขได้ถูกต้อง")
        return data


class NarrowGroupForm(BoundedTextMixin, forms.Form):
    """Which members of a group line keep the work (e.g. ที่ได้รับการจัดสรรงบฯ)."""

    text_limits = {"label": 300}

    members = forms.ModelMultipleChoiceField(
        label="เฉพาะหน่วยงาน",
        queryset=Agency.objects.none(),
        widget=CheckboxSelectMultiple,  # Django's, printed without its per-box includes
        required=False,
        help_text="เลือกทุกหน่วยงาน (หรือไม่เลือกเลย) เพื่อกลับไปมอบให้ทั้งกลุ่ม",
    )
    label = forms.CharField(
        label="ข้อความที่พิมพ์ในช่องหน่วยงานรับผิดชอบ",
        required=False,
        max_length=300,
        help_text="เช่น ทุกส่วนราชการ/หน่วยงาน ที่ได้รับการจัดสรรงบฯ",
    )

    def __init__(self, *args, party, **kwargs):
        members = party.group.members.filter(is_active=True)
        # The members, each saying whether it is chosen and whether any agency is: read
        # with the party (models.parties_of), or now in one query. Ticked: the chosen
        # ones, or all of them when none is.
        found = party.group_members if hasattr(party, "group_members") else group_members_of(party)
        rows = thai_sorted(found, key=lambda agency: agency.name)
        ticked = [a.pk for a in rows if a.is_chosen or not a.any_chosen]
        super().__init__(*args, initial={"members": ticked, "label": party.label}, prefix=f"p{party.pk}", **kwargs)
        self.party = party
        self.fields["members"].queryset = members
        self.fields["members"].choices = [(a.pk, a.name) for a in rows]


class CloseForm(BoundedTextMixin, forms.Form):
    text_limits = {"note": limits.NOTE}

    note = forms.CharField(
        label="เหตุผลการปิดประเด็น",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "กรุณาระบุเหตุผลการปิดประเด็น"},
    )


# -- Bulk entry: a whole meeting's directives in one table -------------------------

PARTY_SEPARATORS = re.compile(r"[\n\r,]+")


def _key(name: str) -> str:
    """How a typed agency name is compared: spaces, a leading bullet and case ignored."""
    return "".join(arabic_digits(name).lstrip("-•* ").split()).lower()


class PartyMatcher:
    """Reads the parties typed in a cell, one per line or separated by commas.

    A line that is the name or short name of an active agency or group becomes that
    agency or group; anything else is kept as a free-text party exactly as written.
    Built once per page (two queries), whatever the number of rows."""

    def __init__(self):
        self.groups = list(AgencyGroup.objects.filter(is_active=True))
        self.agencies = Agency.objects.active().thai_sorted()
        self._by_key: dict[str, Agency | AgencyGroup] = {}
        # Names first, so a short name never hides another agency's full name.
        for record in [*self.groups, *self.agencies]:
            self._by_key.setdefault(_key(record.name), record)
        for agency in self.agencies:
            if agency.short_name:
                self._by_key.setdefault(_key(agency.short_name), agency)

    def parties(self, typed: str) -> list[Party]:
        parties, seen = [], set()
        for line in PARTY_SEPARATORS.split(typed or ""):
            line = line.strip()
            if not line:
                continue
            record = self._by_key.get(_key(line))
            if isinstance(record, Agency):
                party, seen_key = Party(agency=record), ("a", record.pk)
            elif isinstance(record, AgencyGroup):
                party, seen_key = Party(group=record), ("g", record.pk)
            else:
                party, seen_key = Party(label=line), ("t", line)
            if seen_key not in seen:
                seen.add(seen_key)
                parties.append(party)
        return parties


def _number(value: str) -> str:
    return arabic_digits(value or "").strip().rstrip(".")


class BulkRowForm(BoundedTextMixin, forms.Form):
    """One row of the bulk-entry table. A row with no heading, text or agencies is
    an unused row and is skipped, whatever number or due date it was offered."""

    text_limits = {"text": limits.DIRECTIVE_TEXT, "parties": 3000}

    CONTENT = ("heading", "text", "parties")

    number = forms.CharField(
        label="ลำดับ", max_length=20, required=False, widget=forms.TextInput(attrs={"size": 4, "inputmode": "decimal"})
    )
    heading = forms.CharField(
        label="หัวข้อ (ขีดเส้นใต้)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    text = forms.CharField(label="ประเด็น / ข้อสั่งการ", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    parties = forms.CharField(
        label="หน่วยงานรับผิดชอบ",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "บรรทัดละหนึ่งหน่วยงาน"}),
    )
    due_date = ThaiDateField(label="กำหนดเสร็จ", required=False)

    def __init__(self, *args, matcher: PartyMatcher, quiet: bool = False, **kwargs):
        self.matcher, self.quiet = matcher, quiet
        super().__init__(*args, **kwargs)

    def clean_parties(self) -> str:
        parties = self.cleaned_data["parties"]
        limits.check_lines(parties, limits.PARTY_LINE_COUNT)
        return parties

    def full_clean(self):
        if self.quiet:  # re-shown with more rows, not submitted: nothing to complain about yet
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def has_changed(self) -> bool:
        if not self.is_bound:
            return False
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in self.CONTENT)

    def clean_number(self) -> str:
        number = _number(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError("กรุณากรอกลำดับ")
        if not NUMBER_RE.match(number):
            raise forms.ValidationError("ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1")
        return number

    def clean(self):
        data = super().clean()
        if not data.get("heading", "").strip() and not data.get("text", "").strip():
            self.add_error("text", "กรุณากรอกข้อความประเด็น หรือหัวข้อ อย่างน้อยหนึ่งอย่าง")
        return data

    def new_directive(self) -> NewDirective:
        data = self.cleaned_data
        return NewDirective(
            number=data["number"],
            heading=data["heading"].strip(),
            text=data["text"].strip(),
            due_date=data["due_date"],
            parties=self.matcher.parties(data["parties"]),
        )


class BaseBulkFormSet(forms.BaseFormSet):
    """The table: numbers unique in the table and in the meeting, sub-items under an
    item that exists, at least one row filled."""

    default_error_messages = {
        "missing_management_form": "ข้อมูลตารางไม่ครบ กรุณาเปิดหน้านี้ใหม่แล้วกรอกอีกครั้ง",
        "too_many_forms": "บันทึกได้ครั้งละไม่เกิน %(num)d แถว",
        "too_few_forms": "กรุณากรอกอย่างน้อย %(num)d แถว",
    }

    def __init__(
        self, *args, meeting, matcher: PartyMatcher, proposals: list[dict] | None = None, quiet: bool = False, **kwargs
    ):
        self.meeting, self.matcher, self.proposals, self.quiet = meeting, matcher, proposals or [], quiet
        super().__init__(*args, **kwargs)

    def full_clean(self):
        if self.quiet:
            self._errors, self._non_form_errors = [], self.error_class(error_class="nonform", renderer=self.renderer)
            return
        super().full_clean()

    def get_form_kwargs(self, index):
        kwargs = {**super().get_form_kwargs(index), "matcher": self.matcher, "quiet": self.quiet}
        if index is not None and index < len(self.proposals):
            kwargs["initial"] = self.proposals[index]
        return kwargs

    @property
    def filled_forms(self) -> list[BulkRowForm]:
        return [form for form in self.forms if form.has_changed()]

    def clean(self):
        if not self.management_form.is_valid():
            return  # Django has said so; there are no rows to speak of
        filled = self.filled_forms
        if not filled:
            raise forms.ValidationError("ยังไม่มีข้อที่กรอก กรุณากรอกประเด็นอย่างน้อยหนึ่งข้อ")
        existing = set(Directive.objects.filter(meeting=self.meeting).values_list("number", flat=True))
        # Rows whose number could be read, by number; the first row with a number owns it.
        numbered = [(row, form) for row, form in enumerate(self.forms, start=1) if form in filled]
        numbered = [(row, form, form.cleaned_data["number"]) for row, form in numbered if "number" in form.cleaned_data]
        first_row: dict[str, int] = {}
        for row, _, number in numbered:
            first_row.setdefault(number, row)
        for row, form, number in numbered:
            label = thai_digits(number)
            head, dot, _ = number.rpartition(".")
            if number in existing:
                form.add_error("number", f"ลำดับ {label} มีอยู่แล้วในการประชุมนี้")
            elif first_row[number] != row:
                form.add_error("number", f"ลำดับ {label} ซ้ำกับแถวที่ {thai_digits(first_row[number])}")
            elif dot and head not in existing and head not in first_row:
                form.add_error("number", f"ยังไม่มีข้อ {thai_digits(head)} กรุณาเพิ่มข้อ {thai_digits(head)} ก่อนข้อย่อย {label}")
        if any(form.errors for form in filled):
            raise forms.ValidationError("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง ยังไม่มีข้อใดถูกบันทึก")

    def new_directives(self) -> list[NewDirective]:
        return [form.new_directive() for form in self.filled_forms]

    def unmatched_labels(self) -> list[str]:
        """The agency lines typed that name no agency or group (kept as written)."""
        labels = [p.label for row in self.new_directives() for p in row.parties if p.label]
        return list(dict.fromkeys(labels))


BULK_ROWS = 10  # empty rows offered at first (the page works without JavaScript)
BULK_MORE_ROWS = 5  # rows added by "เพิ่มแถว"
# Five fields a row: 150 rows stay well under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS (1000).
BULK_MAX_ROWS = 150

BulkFormSet = forms.formset_factory(
    BulkRowForm,
    formset=BaseBulkFormSet,
    extra=BULK_ROWS,
    max_num=BULK_MAX_ROWS,
    absolute_max=BULK_MAX_ROWS,
    validate_max=True,
)


def bulk_proposals(existing: list[str], *, rows: int = BULK_ROWS) -> list[dict]:
    """Initial rows: the numbers after the meeting's highest top-level item."""
    first = int(next_top_level(existing))
    return [{"number": str(first + i)} for i in range(rows)]


def bulk_with_more_rows(data, *, existing: list[str], prefix: str = "form", more: int = BULK_MORE_ROWS):
    """The posted table with ``more`` empty rows appended, for "เพิ่มแถว" without
    JavaScript: each new row is numbered after the row above and gets its due date."""
    data = data.copy()
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", ""))
    except ValueError:
        total = 0
    total = max(0, min(total, BULK_MAX_ROWS))
    last_number, last_due = "", ""
    numbers = set(existing)
    for i in range(total):
        if number := _number(data.get(f"{prefix}-{i}-number", "")):
            last_number = number
            numbers.add(number)
        last_due = data.get(f"{prefix}-{i}-due_date", "").strip() or last_due
    for i in range(total, min(total + more, BULK_MAX_ROWS)):
        last_number = next_free(last_number, numbers) if last_number else next_top_level(numbers)
        numbers.add(last_number)
        data[f"{prefix}-{i}-number"] = last_number
        data[f"{prefix}-{i}-due_date"] = last_due
    data[f"{prefix}-TOTAL_FORMS"] = str(min(total + more, BULK_MAX_ROWS))
    data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    return data
