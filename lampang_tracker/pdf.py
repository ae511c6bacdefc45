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
line may end inside a run of Thai between those (``_keep_thai_words_whole``).
Pango draws no glyph for the zero-width space, so the text layer holds the typed
text and nothing else.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

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
ffi.cdef("PangoAttribute * pango_attr_allow_breaks_new (gboolean allow_breaks);")
# More UTF-8 bytes than the widest line of Thai holds (about 120 characters of 3
# bytes at 16 pt across 16 cm).
FIRST_LINE_BYTES = 4096
_THAI_WORD_BYTES_RE = re.compile("[\u0e01-\u0e5b]{2,}".encode())


def _keep_thai_words_whole(set_text):
    """Wrap WeasyPrint's ``Layout.set_text``: every run of Thai letters between two
    zero-width spaces (or anything else that is not Thai) is one word, and Pango
    gets an attribute that allows no line break inside it. A box per word would
    do the same in CSS (white-space: nowrap) but makes WeasyPrint's layout several
    times slower."""

    def wrapped(self, text, justify=False):
        set_text(self, text, justify)
        if not _THAI_RUN_RE.search(self.text):
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        # WeasyPrint reads the first line only and lays the rest out again from a
        # new set_text: words further on than a line can hold need no attribute.
        for match in _THAI_WORD_BYTES_RE.finditer(self.text.encode(), 0, FIRST_LINE_BYTES):
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = match.start(), match.end()
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


def html_to_pdf(html: str, *, fetcher: StaticFilesOnlyFetcher | None = None, extra_words: Iterable[str] = ()) -> bytes:
    """PDF bytes for an HTML document, lines broken between Thai words, its text
    layer repaired."""
    html = mark_word_breaks(html, extra_words=extra_words)
    fetcher = fetcher or StaticFilesOnlyFetcher()
    font_config = FontConfiguration()
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(font_config=font_config)
    if _alone_on_last_page(document):
        html = _HTML_TAG_RE.sub(lambda match: f'{match[0][:-1]} class="{PULL_CLASS}">', html, count=1)
        document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher).render(font_config=font_config)
    pdf = document.write_pdf()
    return repair_text_layer(pdf, bundled_fonts())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context), extra_words=agency_words())
