"""The text inside our PDFs is the Thai that was printed (issue 3, item 7).

The seed meeting (``shared/seeds/meeting-summary-lampang-10-2560.txt``) is rebuilt
through the services, printed, and its text extracted with poppler's ``pdftotext
-raw`` and with pypdf; every heading, paragraph and responsible party of the seed
must come back. Both sides are normalised the way Thai text is compared: Unicode
NFC, pythainlp's ``normalize`` (nikhahit + sara aa → sara am, marks in canonical
order) and no whitespace (line breaks fall anywhere in Thai).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import TestCase
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pythainlp.util import normalize

from directives.documents import render_followup, render_summary
from directives.services import Party, directive_create
from lampang_tracker import thai
from lampang_tracker.pdf_text import (
    THAI_PUA_TO_BASE,
    _cid_to_gid,
    _parse_to_unicode,
    glyph_texts,
    mark_spans,
    repair_text_layer,
)
from meetings.models import MeetingSeries
from meetings.services import meeting_create

SEED = Path(settings.BASE_DIR) / "tests" / "data" / "meeting-summary-lampang-10-2560.txt"
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


# ---------------------------------------------------------------------------
# The seed meeting, read from the seed file (shared with the other PDF tests and
# bench/bench_pdf.py)


@dataclass
class SeedItem:
    number: str  # "7.1"
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    bulleted: bool = False
    children: list[SeedItem] = field(default_factory=list)


@dataclass
class Seed:
    title: str
    venue: str
    items: list[SeedItem]
    office_line: str

    def all_items(self) -> list[SeedItem]:
        return [sub for item in self.items for sub in (item, *item.children)]

    def printed_texts(self) -> list[str]:
        """Every heading, paragraph and party line the summary must print."""
        texts = []
        for item in self.all_items():
            texts += [item.heading, *item.paragraphs, *item.parties]
        return [text for text in texts if text]


_U_RE = re.compile(r"</?u>")
_P_RE = re.compile(r"<p>(.*?)</p>")
_CHILD_RE = re.compile(r"^([๐-๙]+\.[๐-๙]+)\s+(.*)$")


def _split_heading(cell: str) -> tuple[str, str]:
    match = re.match(r"^\s*<u>(.*?)</u>\s*(.*)$", cell)
    return (match[1].strip(), match[2].strip()) if match else ("", cell.strip())


def _split_parties(cell: str) -> tuple[list[str], bool]:
    paragraphs = _P_RE.findall(cell) or [cell]
    parties: list[str] = []
    bulleted = False
    for paragraph in paragraphs:
        paragraph = paragraph.strip()
        if paragraph.startswith("-"):
            bulleted = True
            parties += [part.strip() for part in paragraph.split("-") if part.strip()]
        else:
            parties += [part.strip() for part in re.split(r"\s{2,}", paragraph) if part.strip()]
    return parties, bulleted


def parse_seed(path: Path = SEED) -> Seed:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, venue = lines[0].strip(), lines[2].strip().removeprefix("ณ ").strip()
    items: list[SeedItem] = []
    for line in lines[3:]:
        if "\t" not in line or line.startswith("ลำดับ"):
            continue
        number, issue, parties_cell = line.split("\t")
        paragraphs = _P_RE.findall(issue)
        party_paragraphs = [p.strip() for p in _P_RE.findall(parties_cell)]
        if number.strip():
            item = SeedItem(number=thai.arabic_digits(number.strip()))
            items.append(item)
        else:
            item = items[-1]
        if not paragraphs:  # one plain paragraph: "<u>heading</u> text"
            heading, text = _split_heading(issue)
            item.heading = item.heading or heading
            item.paragraphs.append(text)
            parties, bulleted = _split_parties(parties_cell)
            item.parties += parties
            item.bulleted |= bulleted
            continue
        children = []
        for paragraph in paragraphs:
            heading, text = _split_heading(paragraph)
            if heading and not text:
                item.heading = heading
            elif match := _CHILD_RE.match(_U_RE.sub("", paragraph)):
                children.append(SeedItem(number=thai.arabic_digits(match[1]), paragraphs=[match[2].strip()]))
            else:
                item.paragraphs.append(_U_RE.sub("", paragraph).strip())
        if children:
            # The party paragraphs sit beside the sub-items in order; a "-" line
            # right after another "-" line belongs to the same sub-item.
            child_index, previous_bulleted = -1, False
            for party in party_paragraphs:
                bulleted = party.startswith("-")
                if not (bulleted and previous_bulleted):
                    child_index += 1
                child = children[child_index]
                child.parties.append(party.lstrip("-").strip())
                child.bulleted |= bulleted
                previous_bulleted = bulleted
            item.children += children
        else:
            for party in party_paragraphs:
                item.parties.append(party.lstrip("-").strip())
                item.bulleted |= party.startswith("-")
    office_line = next(line for line in reversed(lines) if line.startswith("กลุ่มงาน")).strip()
    return Seed(title=title, venue=venue, items=items, office_line=office_line)


def build_seed_meeting(*, by, agencies=None):
    """Meeting ๑๐/๒๕๖๐ with the seed's items, printed parties as free text.

    ``agencies`` maps a party line to an Agency, to give it an assignment.
    """
    seed = parse_seed()
    agencies = agencies or {}
    summary_title = seed.title.rsplit(" ครั้งที่", 1)[0]
    series, _ = MeetingSeries.objects.get_or_create(
        name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง",
        defaults={"summary_title": summary_title, "office_line": seed.office_line},
    )
    import datetime

    meeting = meeting_create(
        by=by,
        series=series,
        number=10,
        year_be=2560,
        date=datetime.date(2017, 11, 29),
        start_time=datetime.time(9, 30),
        venue=seed.venue,
    )

    def parties_of(item: SeedItem) -> list[Party]:
        return [Party(agency=agencies[p], label=p) if p in agencies else Party(label=p) for p in item.parties]

    for item in seed.items:
        parent = directive_create(
            meeting=meeting,
            number=item.number,
            heading=item.heading,
            text="\n".join(item.paragraphs),
            parties=parties_of(item),
            parties_bulleted=item.bulleted,
            by=by,
        )
        for child in item.children:
            directive_create(
                meeting=meeting,
                parent=parent,
                number=child.number,
                text="\n".join(child.paragraphs),
                parties=parties_of(child),
                parties_bulleted=child.bulleted,
                by=by,
            )
    return meeting, seed


# ---------------------------------------------------------------------------
# Extraction


def squash(text: str) -> str:
    """Compare Thai as Thai: NFC, pythainlp normalisation, no whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\s+", "", text)
    return normalize(text)


def no_space(text: str) -> str:
    """Only the whitespace removed (line breaks fall anywhere in Thai)."""
    return re.sub(r"\s+", "", text)


HEADERS = ["ลำดับประเด็นหน่วยงานรับผิดชอบ", "ลำดับประเด็น/หน่วยงานรับผิดชอบผลการดำเนินงาน"]
PAGE_NUMBER_RE = re.compile(r"^-[๐-๙]+-|-[๐-๙]+-$")


def running_text(pages: list[str], clean=squash) -> str:
    """The pages' text as one string cleaned by ``clean``, without what repeats on
    every page (the page number, the table header), so a paragraph that runs on to
    the next page reads on."""
    texts = []
    for page in pages:
        text = PAGE_NUMBER_RE.sub("", clean(page))
        for header in HEADERS:
            text = text.replace(header, "", 1) if texts else text
        texts.append(text)
    return "".join(texts)


def pdftotext(pdf: bytes, clean=squash) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return running_text(out.split("\f"), clean)


def pypdf_text(pdf: bytes) -> str:
    return running_text([page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages])


HAS_PDFTOTEXT = shutil.which("pdftotext") is not None


class SeedParserTests(TestCase):
    def test_it_reads_every_item_of_the_seed(self):
        seed = parse_seed()
        self.assertEqual([item.number for item in seed.items], ["1", "2", "3", "4", "5", "6", "7"])
        self.assertEqual([child.number for child in seed.items[6].children], [f"7.{n}" for n in range(1, 7)])
        self.assertEqual(seed.items[6].heading, "ประเด็นอื่น ๆ")
        self.assertEqual(len(seed.items[4].paragraphs), 2)  # ๕ runs on to page 2
        self.assertEqual(seed.items[6].children[5].parties[0], "สำนักงานเกษตร จังหวัด")
        self.assertTrue(seed.items[6].children[5].bulleted)


class SummaryTextLayerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("secretariat")
        cls.meeting, cls.seed = build_seed_meeting(by=cls.user)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.filename, cls.pdf = render_summary(cls.meeting)

    def assert_contains_all(self, extracted: str) -> None:
        squashed = squash(extracted)
        for expected in ["สำนักงานจังหวัดลำปาง", "น้ำ", "ทั้งนี้", "ลำดับ", "ประเด็น", "หน่วยงานรับผิดชอบ"]:
            self.assertIn(squash(expected), squashed)
        missing = [text for text in self.seed.printed_texts() if squash(text) not in squashed]
        self.assertEqual(missing, [], "printed but not extracted")

    def test_it_gives_back_every_seed_text_through_pdftotext(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        self.assert_contains_all(pdftotext(self.pdf))

    def test_it_gives_back_the_typed_text_exactly_through_pdftotext(self):
        # poppler reads our /ActualText spans: sara am and marks come back in typed
        # order with no normalisation at all (pypdf ignores them; see above).
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        extracted = pdftotext(self.pdf, clean=no_space)
        for expected in ["สำนักงานจังหวัดลำปาง", "น้ำ", "ทั้งนี้", "รู้", "ผู้ว่าราชการจังหวัด"]:
            self.assertIn(expected, extracted)
        missing = [text for text in self.seed.printed_texts() if no_space(text) not in extracted]
        self.assertEqual(missing, [], "printed but not extracted exactly")

    def test_it_gives_back_every_seed_text_through_pypdf(self):
        self.assert_contains_all(pypdf_text(self.pdf))

    def test_it_gives_back_the_title_lines(self):
        squashed = squash(pypdf_text(self.pdf))
        self.assertIn(squash(self.seed.title), squashed)
        self.assertIn(squash("เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐ เวลา ๐๙.๓๐ น."), squashed)
        self.assertIn(squash(self.seed.office_line), squashed)

    def test_it_keeps_sara_am_and_tone_marks_that_weasyprint_loses(self):
        # Before the repair the same words came out as "นา", "ทังนี", "สำนักงำน".
        text = pypdf_text(self.pdf)
        self.assertNotIn("ทังนี", text)
        self.assertNotIn("งำน", text)
        self.assertIn(squash("ทั้งห้องน้ำ"), squash(text))

    def test_it_gives_back_the_typed_text_exactly_through_pypdf(self):
        # pypdf ignores /ActualText; the marks of sara am and of a tone over a vowel
        # below are drawn through alias codes whose text is the typed run.
        extracted = running_text([page.extract_text() for page in PdfReader(io.BytesIO(self.pdf)).pages], no_space)
        for expected in ["สำนักงานจังหวัดลำปาง", "น้ำ", "ทั้งนี้", "รู้", "ผู้ว่าราชการจังหวัด"]:
            self.assertIn(expected, extracted)
        self.assertNotIn("\u0e4d\u0e32", extracted)  # no nikhahit + sara aa for sara am
        missing = [text for text in self.seed.printed_texts() if no_space(text) not in extracted]
        self.assertEqual(missing, [], "printed but not extracted exactly")

    def test_it_maps_no_glyph_to_nothing(self):
        # Only an alias code (the second glyph of a run whose first carries the
        # typed text) has no text; every glyph drawn has a code with text.
        with pikepdf.open(io.BytesIO(self.pdf)) as pdf:
            for font in pdf.objects:
                if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type0:
                    cmap = _parse_to_unicode(font.ToUnicode.read_bytes())
                    descendant = font.DescendantFonts[0]
                    gids = _cid_to_gid(descendant)
                    gid_of = (lambda cid: cid) if gids is None else gids.get
                    with_text = {gid_of(cid) for cid, text in cmap.items() if text}
                    for cid, text in cmap.items():
                        if not text:
                            self.assertNotEqual(gid_of(cid), cid, "a glyph's own code has no text")
                            self.assertIn(gid_of(cid), with_text)


class FollowupTextLayerTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user("secretariat")
        cls.meeting, cls.seed = build_seed_meeting(by=cls.user)

    def test_it_gives_back_the_directive_texts_of_the_followup(self):
        _, pdf = render_followup(self.meeting)
        squashed = squash(pypdf_text(pdf))
        for item in self.seed.all_items():
            for paragraph in item.paragraphs:
                self.assertIn(squash(paragraph), squashed)


class GlyphTextTests(TestCase):
    """The font analysis behind the repair, on the bundled font itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.font = TTFont(FONT_DIR / "Laksaman.ttf")
        cls.texts = glyph_texts(cls.font)

    def gid(self, name: str) -> int:
        return self.font.getGlyphID(name)

    def test_it_maps_sara_aa_and_nikhahit_to_themselves(self):
        self.assertEqual(self.texts[self.gid("uni0E32")], "\u0e32")
        self.assertEqual(self.texts[self.gid("uni0E4D")], "\u0e4d")
        self.assertEqual(self.texts[self.gid("uni0E33")], "\u0e33")

    def test_it_maps_presentation_forms_back_to_the_base_marks(self):
        cmap = self.font.getBestCmap()
        for codepoint, base in THAI_PUA_TO_BASE.items():
            if codepoint in cmap:
                self.assertEqual(self.texts[self.gid(cmap[codepoint])], base, hex(codepoint))

    def test_it_traces_gsub_only_glyphs_to_their_source(self):
        # uni0E33.alt1 and the underlined consonants are reached only through GSUB.
        self.assertEqual(self.texts[self.gid("uni0E0D.uline")], "\u0e0d\u0331")
        self.assertIn(self.gid("uni0E33.alt1"), self.texts)

    def test_it_reads_default_ligatures_back_as_their_letters(self):
        self.assertEqual(self.texts[self.gid("fi")], "fi")  # not "ﬁ": "file" must copy as "file"
        self.assertEqual(self.texts[self.gid("onehalf")], "½")  # an optional (frac) ligature keeps its code point

    def test_it_finds_runs_of_marks_drawn_out_of_typed_order(self):
        # glyph texts in drawing order → spans to wrap in /ActualText
        self.assertEqual(mark_spans(["น", "\u0e4d", "\u0e49", "\u0e32"]), [(1, 4, "\u0e49\u0e33")])  # น ํ ้ า
        self.assertEqual(mark_spans(["ล", "\u0e4d", "\u0e32", "ป"]), [(1, 3, "\u0e33")])  # ลำ
        self.assertEqual(mark_spans(["ร", "\u0e49", "\u0e39"]), [(1, 3, "\u0e39\u0e49")])  # รู้
        self.assertEqual(mark_spans(["ท", "\u0e31", "\u0e49", "ง"]), [])  # ทั้ง: already in order
        self.assertEqual(mark_spans(["ส", "\u0e4d"]), [])  # a nikhahit on its own stays

    def test_it_leaves_a_pdf_without_type0_fonts_alone(self):
        buffer = io.BytesIO()
        pikepdf.new().save(buffer)
        self.assertEqual(repair_text_layer(buffer.getvalue(), [FONT_DIR / "Laksaman.ttf"]), buffer.getvalue())
