"""The one WeasyPrint wrapper: every printed document goes through ``render_pdf``.

It renders a template from ``templates/pdf/``, resolves relative URLs against our
static directory, lets WeasyPrint read nothing but the bundled font files (no
network, no other file, no data: URL — whatever a user typed into a directive),
and repairs the text layer of the result so Thai copies out right
(``lampang_tracker.pdf_text``).

Thai has no spaces between words, and Pango's own Thai breaker (libthai) cuts
words the office would never cut ("โยธา|ธิการ", "ข้อ|ตกลง"). So before rendering,
each run of Thai text is cut into words with pythainlp (``thai.thai_words_of``: its
dictionary plus office words and the words of our agencies' names) and a
zero-width space goes between two words; while laying out, Pango is told that no
line may end inside a run of Thai between those (``_keep_thai_words_whole``; only
the runs its own breaker would cut need telling). Pango draws no glyph for the
zero-width space, so the text layer holds the typed text and nothing else.

A long document (the yearly follow-up report: some 200 pages) is laid out by as
many processes as there are CPUs (``render_sections``): it is cut between two row
groups (``<tbody>``) of its biggest table — before a meeting where one is near —
into SECTIONS_PER_PROCESS sections a process; this process lays out the first
share while forked children lay out the others, each one section after the other
(a section's layout is what a process holds at its peak). Sections are laid out
without their page margin boxes; once a process knows how many pages come before
its own, it lays out the margin boxes (the page number, in Thai digits) of as many
empty pages numbered on from there and draws them over its pages, and the shares
are joined with pikepdf. Each section begins on a new page, with the table header
repeated as on any page; the text is the same as laid out in one go. The children
end with the request. A short document (most are a few pages) is laid out in this
process alone.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import ctypes.util
import gc
import io
import logging
import mimetypes
import os
import posixpath
import re
import signal
from collections.abc import Iterable
from functools import lru_cache
from multiprocessing.connection import Connection, Pipe
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pikepdf
from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.ffi import ffi, pango
from weasyprint.text.fonts import FontConfiguration
from weasyprint.text.line_break import Layout
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import thai
from .pdf_text import repair_text_layer

logger = logging.getLogger(__name__)

# Where relative URLs in the PDF templates point (url("fonts/Laksaman.ttf")).
STATIC_DIR = Path(settings.BASE_DIR) / "static"
# The only folders of it the renderer may read, and the only kinds of file.
ALLOWED_FOLDERS = ("fonts",)
ALLOWED_SUFFIXES = {".ttf": "font/ttf", ".otf": "font/otf"}
FONT_DIR = STATIC_DIR / "fonts"


class RefusedURL(ValueError):
    """The renderer asked for something outside our static files."""


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves the bundled static files the templates name; refuses everything else.

    Only ``file:`` URLs inside ``STATIC_DIR/<allowed folder>/`` with an allowed
    suffix are read (after resolving ``..`` and symbolic links); http, https, data,
    ftp and any other file are refused without being opened. ``requested`` keeps
    every URL asked for, so tests can prove nothing else was.
    """

    def __init__(self, static_dir: Path = STATIC_DIR):
        super().__init__(allowed_protocols=("file",))
        self.static_dir = static_dir.resolve()
        self.requested: list[str] = []

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
            raise RefusedURL(f"refused: {url[:200]}")
        path = Path(unquote(parts.path)).resolve()
        try:
            relative = path.relative_to(self.static_dir)
        except ValueError:
            raise RefusedURL(f"refused (outside our static files): {url[:200]}") from None
        folder = relative.parts[0] if len(relative.parts) > 1 else ""
        if folder not in ALLOWED_FOLDERS or path.suffix.lower() not in ALLOWED_SUFFIXES or not path.is_file():
            raise RefusedURL(f"refused (not a bundled font): {url[:200]}")
        return path

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self.resolve(url)
        content_type = ALLOWED_SUFFIXES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def base_url() -> str:
    """The static directory as a file URL ending in "/", for relative URLs."""
    return posixpath.join(STATIC_DIR.resolve().as_uri(), "")


def bundled_fonts() -> list[Path]:
    return sorted(path for path in FONT_DIR.iterdir() if path.suffix.lower() in ALLOWED_SUFFIXES)


_TAG_RE = re.compile(r"(<[^>]*>)")
_RAW_TEXT_TAGS = ("style", "script", "title", "textarea")
# A run of Thai letters, marks and digits (no spaces: spaces break lines anyway).
_THAI_RUN_RE = re.compile(r"[\u0e01-\u0e5b]{2,}")
ZERO_WIDTH_SPACE = "\u200b"


def mark_word_breaks(html: str, *, extra_words: Iterable[str] = ()) -> str:
    """``html`` with a zero-width space between every two Thai words of its text.

    Tags, attributes and the text of style/script/title are left alone. The
    zero-width spaces are where a line may end; ``_keep_thai_words_whole`` stops
    Pango from ending one anywhere else inside a run of Thai.
    """
    extra = frozenset(extra_words)

    def words(match: re.Match) -> str:
        return ZERO_WIDTH_SPACE.join(thai.thai_words_of(match[0], extra_words=extra))

    pieces = _TAG_RE.split(html)
    raw_until = None
    for index, piece in enumerate(pieces):
        if index % 2:  # a tag
            name = piece[1:].split(None, 1)[0].rstrip(">/").lower() if len(piece) > 2 else ""
            if raw_until is None and name in _RAW_TEXT_TAGS:
                raw_until = "/" + name
            elif name == raw_until:
                raw_until = None
        elif raw_until is None and piece:
            pieces[index] = _THAI_RUN_RE.sub(words, piece)
    return "".join(pieces)


# Pango's attribute that forbids line breaks inside its range (Pango ≥ 1.44), which
# WeasyPrint does not declare.
ffi.cdef(
    """
    PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);
    int pango_layout_get_width (PangoLayout *layout);
    """
)
# More characters than the widest line of Thai holds (about 120 at 16 pt across
# 16 cm).
FIRST_LINE_CHARS = 1500
# A run of Thai letters and marks. Matched on the text, not on its UTF-8 bytes: a
# class of bytes would stop at the last byte of "เ" (E0 B9 80) and leave a line
# break allowed on either side of it.
_THAI_RUN_IN_LINE_RE = re.compile("[\u0e01-\u0e5b]{2,}")


@lru_cache(maxsize=4096)
def _thai_word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """UTF-8 byte ranges (as Pango counts) of the runs of Thai in the first
    FIRST_LINE_CHARS of ``text`` that Pango would cut (WeasyPrint sets the same
    text several times: to lay it out, to measure the line, to draw it)."""
    spans = []
    byte, char = 0, 0
    for match in _THAI_RUN_IN_LINE_RE.finditer(text, 0, FIRST_LINE_CHARS):
        byte += len(text[char : match.start()].encode())
        end = byte + len(match[0].encode())
        if _pango_breaks_inside(match[0]):
            spans.append((byte, end))
        byte, char = end, match.end()
    return tuple(spans)


_THAI_LANGUAGE = pango.pango_language_from_string(b"th")


@lru_cache(maxsize=16384)
def _pango_breaks_inside(word: str) -> bool:
    """Whether Pango's own breaker (libthai) may end a line inside ``word``, a run
    of Thai letters. It cuts each run of Thai on its own, whatever stands around
    it, so a run it leaves whole needs no attribute: many words are so, and each
    attribute makes every layout of the text slower."""
    data = word.encode()
    count = len(word) + 1
    log_attrs = ffi.new("PangoLogAttr[]", count)
    pango.pango_get_log_attrs(data, len(data), -1, _THAI_LANGUAGE, log_attrs, count)
    return any(log_attrs[index].is_line_break for index in range(1, count - 1))


def _keep_thai_words_whole(set_text):
    """Wrap WeasyPrint's ``Layout.set_text``: every run of Thai letters between two
    zero-width spaces (or anything else that is not Thai) is one word, and Pango
    gets an attribute that allows no line break inside it. A box per word would
    do the same in CSS (white-space: nowrap) but makes WeasyPrint's layout several
    times slower."""

    def wrapped(self, text, justify=False):
        set_text(self, text, justify)
        # A layout without a width (a line measured or drawn once cut) wraps
        # nothing: it needs no attribute.
        if pango.pango_layout_get_width(self.layout) < 0:
            return
        spans = _thai_word_spans(self.text)
        if not spans:
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        # WeasyPrint reads the first line only and lays the rest out again from a
        # new set_text: words further on than a line can hold need no attribute.
        for start, end in spans:
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_insert(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    wrapped.keeps_thai_words_whole = True
    return wrapped


if not getattr(Layout.set_text, "keeps_thai_words_whole", False):
    Layout.set_text = _keep_thai_words_whole(Layout.set_text)


# Something that closes a document (the office line under a table) and must not
# stand alone on the last page. WeasyPrint does not honour break-before: avoid after
# a table, so when it happens the document is laid out again with PULL_CLASS on
# <html>, and templates/pdf/document.css moves the table's last row over with it.
KEEP_WITH_PREVIOUS = "keep-with-previous"
PULL_CLASS = "pull-last-row"
_HTML_TAG_RE = re.compile(r"<html(?:\s[^>]*)?>", re.I)


def _has_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def _alone_on_last_page(document) -> bool:
    """Whether the last page holds nothing but KEEP_WITH_PREVIOUS content (and its
    page number)."""
    if len(document.pages) < 2:
        return False
    found = {"keep": False, "other": False}

    def visit(box, inside: bool) -> None:
        if isinstance(box, boxes.MarginBox):
            return
        inside = inside or _has_class(box, KEEP_WITH_PREVIOUS)
        if isinstance(box, boxes.TextBox) and box.text.strip():
            found["keep" if inside else "other"] = True
        for child in getattr(box, "children", ()):
            visit(child, inside)

    visit(document.pages[-1]._page_box, False)
    return found["keep"] and not found["other"]


def agency_words() -> set[str]:
    """Words of our agencies' names, for the line-break dictionary."""
    agency = apps.get_model("agencies", "Agency")
    return thai.agency_words(agency.objects.values_list("name", flat=True))


def html_to_pdf(
    html: str,
    *,
    fetcher: StaticFilesOnlyFetcher | None = None,
    extra_words: Iterable[str] = (),
    processes: int | None = None,
) -> bytes:
    """PDF bytes for an HTML document, lines broken between Thai words, its text
    layer repaired.

    ``processes``: how many processes may lay it out (default: one per CPU, and one
    for a short document or when a ``fetcher`` must see every request)."""
    html = mark_word_breaks(html, extra_words=extra_words)
    if processes is None:
        processes = 1 if fetcher is not None or len(html) < PARALLEL_MIN_CHARS else cpu_count()
    if processes > 1:
        sections = split_sections(html, processes * SECTIONS_PER_PROCESS)
        if len(sections) > 1:
            size = -(-len(sections) // processes)
            try:
                return render_sections([sections[at : at + size] for at in range(0, len(sections), size)], html)
            except _CannotFork:
                logger.info("printing in one process: this one may not start others")
    return _render(html, fetcher or StaticFilesOnlyFetcher())


def _layout(html: str, fetcher: StaticFilesOnlyFetcher):
    """The laid-out WeasyPrint document, laid out again with PULL_CLASS when the
    closing line would stand alone on the last page."""
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(font_config=font_config)
    if _alone_on_last_page(document):
        html = _HTML_TAG_RE.sub(lambda match: f'{match[0][:-1]} class="{PULL_CLASS}">', html, count=1)
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(font_config=font_config)
    return document


def _render(html: str, fetcher: StaticFilesOnlyFetcher) -> bytes:
    return repair_text_layer(_layout(html, fetcher).write_pdf(), bundled_fonts())


# -- Long documents: sections laid out side by side ----------------------------

# Below this many characters of (marked) HTML — about 35 pages of the follow-up
# report — a document is laid out in one process: starting another costs more
# than it saves. The summary (4 pages) and the minutes (13) stay well below.
PARALLEL_MIN_CHARS = 100_000
# Each process lays out its share of a long document in this many sections, one
# after the other: a section's layout (about 0.75 MB a page) is what a process
# holds at its peak.
SECTIONS_PER_PROCESS = 2
# Never more processes than this, whatever the CPU count: each holds a WeasyPrint
# layout in memory.
MAX_PROCESSES = 4


def cpu_count() -> int:
    """CPUs this process may run on (``PDF_PROCESSES`` in the settings overrides)."""
    configured = getattr(settings, "PDF_PROCESSES", None)
    if configured:
        return max(1, min(int(configured), MAX_PROCESSES))
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_PROCESSES))


def split_sections(html: str, count: int) -> list[str]:
    """``html`` cut into at most ``count`` documents of about the same length.

    The cuts fall between two row groups (``<tbody>``) of the table with the most
    of them; every section keeps the ``<head>`` (styles) and the table's header and
    footer, the first also what comes before the table, the last what comes after
    it. A document without such a table comes back whole."""
    if count < 2:
        return [html]
    tree = lxml.html.document_fromstring(html)
    tables = [(len(table.findall("tbody")), table) for table in tree.iter("table")]
    groups, table = max(tables, key=lambda pair: pair[0], default=(0, None))
    if groups < 2 * count:
        return [html]
    groups = table.findall("tbody")
    sizes = [len(lxml.html.tostring(tbody, encoding=str)) for tbody in groups]
    starts = [0]
    for size in sizes:
        starts.append(starts[-1] + size)
    total = starts[-1]
    # A cut leaves the end of a page empty: where a group opens a part of its own
    # (a meeting of the yearly report) near the even cut, the cut goes there.
    natural = [index for index, tbody in enumerate(groups) if _opens_a_part(tbody)]
    cuts: list[int] = []
    for number in range(1, count):
        even = min(range(1, len(groups)), key=lambda index: abs(starts[index] - total * number / count))
        near = [index for index in natural if abs(starts[index] - starts[even]) <= total / count / 3]
        cut = min(near, key=lambda index: abs(starts[index] - starts[even])) if near else even
        if cut > (cuts[-1] if cuts else 0):
            cuts.append(cut)
    bounds = list(zip([0, *cuts], [*cuts, len(sizes)], strict=True))
    path = table.getroottree().getpath(table)
    sections = []
    for number, (start, end) in enumerate(bounds):
        section = copy.deepcopy(tree)
        section_table = section.getroottree().xpath(path)[0]
        for index, tbody in enumerate(section_table.findall("tbody")):
            if not start <= index < end:
                section_table.remove(tbody)
        node = section_table
        while node.getparent() is not None and node.tag != "body":
            parent = node.getparent()
            siblings = list(parent)
            at = siblings.index(node)
            if number > 0:
                for sibling in siblings[:at]:
                    if sibling.tag != "style":
                        parent.remove(sibling)
            if number < len(bounds) - 1:
                for sibling in siblings[at + 1 :]:
                    parent.remove(sibling)
            node = parent
        sections.append(lxml.html.tostring(section, encoding=str, doctype="<!DOCTYPE html>"))
    return sections


# Rows that open a part of a document (a meeting in the yearly follow-up report).
PART_ROW_CLASSES = {"meeting-row"}


def _opens_a_part(tbody) -> bool:
    row = tbody.find("tr")
    return row is not None and bool(PART_ROW_CLASSES & set((row.get("class") or "").split()))


class _CannotFork(RuntimeError):
    """This system cannot fork."""


MARGIN_BOXES = [
    f"@{side}-{place}"
    for side in ("top", "bottom")
    for place in ("left-corner", "left", "center", "right", "right-corner")
] + [f"@{side}-{place}" for side in ("left", "right") for place in ("top", "middle", "bottom")]
# Added to a section's styles: its pages are laid out without margin boxes (the
# page number), which the joined document gets from _numbers_pdf.
_NO_MARGIN_BOXES = "<style>@page {{ {} }}</style>".format(
    " ".join(f"{name} {{ content: none !important; }}" for name in MARGIN_BOXES)
)
_HEAD_END_RE = re.compile(r"</head\s*>", re.I)


class _Share:
    """One process's share of a long document: its sections laid out and printed
    one after the other (only one section's layout is in memory at a time), then
    joined and numbered from ``offset + 1``."""

    def __init__(self, sections: list[str]):
        self.pdfs: list[bytes] = []
        self.page_count = 0
        for section in sections:
            self.pdfs.append(self.print(section))

    def print(self, section: str) -> bytes:
        document = _layout(
            _HEAD_END_RE.sub(lambda match: _NO_MARGIN_BOXES + match[0], section, count=1), StaticFilesOnlyFetcher()
        )
        for page in document.pages:
            page._page_box.children = [box for box in page._page_box.children if not isinstance(box, boxes.MarginBox)]
        self.page_count += len(document.pages)
        return repair_text_layer(document.write_pdf(), bundled_fonts())

    def numbered(self, html: str, offset: int | None) -> bytes:
        """The share's PDF with the page margin boxes of ``html`` over its pages
        (``offset`` None: left without them)."""
        pdf = _joined(self.pdfs)
        if offset is not None:
            _overlay(pdf, _numbers_pdf(html, self.page_count, offset))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _joined(pdfs: list[bytes]) -> pikepdf.Pdf:
    joined = pikepdf.open(io.BytesIO(pdfs[0]))
    for pdf in pdfs[1:]:
        joined.pages.extend(pikepdf.open(io.BytesIO(pdf)).pages)
    return joined


def _overlay(pdf: pikepdf.Pdf, numbers: bytes) -> None:
    overlays = pikepdf.open(io.BytesIO(numbers))
    for page, overlay in zip(pdf.pages, overlays.pages, strict=True):
        page.add_overlay(overlay)


def _section_child(sections: list[str], whole: str, connection) -> None:
    """A child process's part: lay out and print its sections, tell the page
    count, wait for the first page's number, number the pages, send the PDF back."""
    try:
        share = _Share(sections)
        connection.send(share.page_count)
        offset = connection.recv()
        connection.send(share.numbered(whole, offset))
    except Exception as error:  # the parent raises it
        connection.send(f"{type(error).__name__}: {error}"[:1000])
    finally:
        connection.close()


def _receive(connection, pid: int) -> object:
    try:
        answer = connection.recv()
    except EOFError:
        raise RuntimeError(f"PDF section process {pid} ended without an answer") from None
    if isinstance(answer, str):
        raise RuntimeError(f"PDF section process {pid} failed: {answer}")
    return answer


def _trim_heap() -> None:
    """Give the memory free in this process's heap (left by an earlier render) back
    to the system before forking: a child would otherwise write its own data into
    those pages and make private copies of them while this process keeps them."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def _fork_section(sections: list[str], whole: str) -> tuple[int, Connection]:
    """A child process laying out its share of the sections; its pid and our end
    of the pipe.

    A plain fork rather than a multiprocessing.Process: a daemonic process (a test
    runner's worker) may not start those. The child leaves through os._exit, so
    nothing of this process (its database connection, its exit handlers) runs
    twice."""
    mine, theirs = Pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            mine.close()
            _section_child(sections, whole, theirs)
            code = 0
        finally:
            os._exit(code)
    theirs.close()
    return pid, mine


def render_sections(shares: list[list[str]], html: str) -> bytes:
    """The shares of sections laid out side by side, joined, and numbered as one
    document.

    This process lays out the first share while forked children lay out the
    others; the children end with the call (killed if it fails). ``html`` (the
    whole document) gives the styles of the page margin boxes. Each process numbers
    its own pages once it knows how many come before; when the margin boxes count
    the pages (``counter(pages)``), the numbers are laid out once over the joined
    document."""
    if not hasattr(os, "fork"):
        raise _CannotFork
    per_share = "counter(pages" not in html.replace(" ", "")
    children: list[tuple[int, Connection]] = []
    done = False
    _trim_heap()
    # The children share this process's memory until either writes to it: with
    # the objects made so far out of the collector's reach (until the children
    # end), no collection here or there writes to (and so copies) every page of them.
    gc.freeze()
    try:
        for share in shares[1:]:
            children.append(_fork_section(share, html))
        first = _Share(shares[0])
        # Each child learns where its pages begin before this process numbers its
        # own: the numbering is done side by side too.
        offset = first.page_count
        for pid, connection in children:
            count = _receive(connection, pid)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.send(offset if per_share else None)  # if it has failed, its answer says why
            offset += count
        pdfs = [first.numbered(html, 0 if per_share else None)]
        pdfs += [_receive(connection, pid) for pid, connection in children]
        done = True
    finally:
        for pid, connection in children:
            connection.close()
            if not done:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        gc.unfreeze()
    joined = _joined(pdfs)
    if not per_share:
        _overlay(joined, _numbers_pdf(html, len(joined.pages), 0))
    out = io.BytesIO()
    joined.save(out)
    return out.getvalue()


def _numbers_pdf(html: str, page_count: int, offset: int) -> bytes:
    """``page_count`` pages numbered from ``offset + 1`` with the page margin boxes
    of ``html``'s styles (the page numbers) and nothing else. A page after the
    first is no ``@page :first``: the numbers of a later section are laid out
    after one page more, left out."""
    tree = lxml.html.document_fromstring(html)
    body = tree.body
    for child in list(body):
        body.remove(child)
    body.text = None
    lead = 1 if offset else 0
    if lead:
        style = lxml.html.Element("style")
        style.text = f"@page :first {{ counter-reset: page {offset}; }}"  # no increment on it then
        tree.head.append(style)
    for number in range(lead + page_count):
        page = lxml.html.Element("div")
        if number < lead + page_count - 1:
            page.set("style", "break-after: page")
        body.append(page)
    document = HTML(
        string=lxml.html.tostring(tree, encoding=str, doctype="<!DOCTYPE html>"),
        base_url=base_url(),
        url_fetcher=StaticFilesOnlyFetcher(),
    ).render(font_config=FontConfiguration())
    if len(document.pages) != lead + page_count:
        raise RuntimeError(f"{len(document.pages)} pages of page numbers for {lead + page_count} pages")
    document = document.copy(document.pages[lead:])
    for page in document.pages:
        box = page._page_box
        box.children = [child for child in box.children if isinstance(child, boxes.MarginBox)]
        box.background = box.canvas_background = None
    return repair_text_layer(document.write_pdf(), bundled_fonts())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), extra_words=agency_words())
