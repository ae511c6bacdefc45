"""The one WeasyPrint wrapper: every printed document goes through ``render_pdf``.

It renders a template from ``templates/pdf/``, resolves relative URLs against our
static directory, lets WeasyPrint read nothing but the bundled font files (no
network, no other file, no data: URL — whatever a user typed into a directive),
and repairs the text layer of the result so Thai copies out right
(``lampang_tracker.pdf_text``).
"""

from __future__ import annotations

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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


def html_to_pdf(html: str, *, fetcher: StaticFilesOnlyFetcher | None = None) -> bytes:
    """PDF bytes for an HTML document, its text layer repaired."""
    document = HTML(string=html, base_url=base_url(), url_fetcher=fetcher or StaticFilesOnlyFetcher())
    pdf = document.write_pdf(font_config=FontConfiguration())
    return repair_text_layer(pdf, bundled_fonts())


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<template_name>`` with ``context`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
