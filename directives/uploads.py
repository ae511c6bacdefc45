"""What an uploaded evidence file really is, read from its content.

The name's extension is only a claim: an HTML page renamed ``ภาพ.png`` or a PNG
renamed ``รายงาน.pdf`` is refused, because the bytes must be of the kind the
extension names. Images are opened by Pillow, Office files are read as the ZIP
packages they are; the content type stored (and sent on download) is the one found
here, never the browser's or the name's.
"""

from __future__ import annotations

import zipfile

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

PNG = "image/png"
JPEG = "image/jpeg"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Allowed extension -> the content type its bytes must have.
KIND_OF_EXTENSION = {"png": PNG, "jpg": JPEG, "jpeg": JPEG, "pdf": PDF, "docx": DOCX, "xlsx": XLSX}
PILLOW_FORMATS = {"PNG": PNG, "JPEG": JPEG}
# The part every Office package of that kind has.
OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
# Text that a browser would render as a page or a script: never accepted, whatever the name.
MARKUP_STARTS = (b"<", b"\xef\xbb\xbf<")


def _head(upload: UploadedFile, size: int = 1024) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def is_markup(upload: UploadedFile) -> bool:
    """HTML, SVG, XML: text starting (after blanks) with a tag."""
    return _head(upload).lstrip(b" \t\r\n\x00").startswith(MARKUP_STARTS)


def sniff(upload: UploadedFile) -> str | None:
    """The content type the bytes of ``upload`` show, among the ones the tracker takes."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for part, kind in OFFICE_PARTS.items():
                if part in names:
                    return kind
        return None
    try:
        with Image.open(upload) as image:
            kind = PILLOW_FORMATS.get(image.format or "")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return kind
