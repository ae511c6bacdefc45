"""Word (.docx) copies of the printed documents, so the office can adjust a line
before signing (issue 14). The Word counterpart of ``lampang_tracker.pdf``: same
page (A4, the margins of templates/pdf/document.css), same size (16 pt), same
tables and numbering, built with python-docx.

The text is set in TH Sarabun New, the government's font, which the office's
computers have; the font table names our bundled Laksaman as its stand-in
(``w:altName``), so Word shows that where TH Sarabun New is missing. Thai is a
complex script in Word: the font and size are set for it too (``w:cs``, ``w:szCs``),
and the language is Thai so Word breaks lines between words with its own
dictionary.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

FONT = "TH Sarabun New"
FALLBACK_FONT = "Laksaman"  # static/fonts, what the PDFs are set in
SIZE = Pt(16)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# templates/pdf/document.css: @page { margin: 2.5cm 2cm 2cm 3cm }
MARGINS = {"top": Cm(2.5), "right": Cm(2), "bottom": Cm(2), "left": Cm(3)}
PAGE_WIDTH = Cm(21.0)
PAGE_HEIGHT = Cm(29.7)


def _set_run_font(element, *, size=SIZE) -> None:
    """rFonts for every script and the complex-script size, on a run or a style."""
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for tag in ("w:sz", "w:szCs"):
        node = properties.find(qn(tag))
        if node is None:
            node = OxmlElement(tag)
            properties.append(node)
        node.set(qn("w:val"), str(int(size.pt * 2)))
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "th-TH")
    language.set(qn("w:bidi"), "th-TH")


def _name_fallback_font(document) -> None:
    """Give TH Sarabun New an entry in the font table with Laksaman as altName."""
    font_table = next((part for part in document.part.package.parts if part.partname.endswith("/fontTable.xml")), None)
    if font_table is None:
        return
    from lxml import etree

    root = etree.fromstring(font_table.blob)
    entry = etree.SubElement(root, qn("w:font"))
    entry.set(qn("w:name"), FONT)
    for tag, value in (
        ("w:altName", FALLBACK_FONT),
        ("w:charset", "DE"),
        ("w:family", "swiss"),
        ("w:pitch", "variable"),
    ):
        child = etree.SubElement(entry, qn(tag))
        child.set(qn("w:val"), value)
    font_table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_document():
    """An empty A4 document in the office's page, font and size."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.right_margin = MARGINS["top"], MARGINS["right"]
    section.bottom_margin, section.left_margin = MARGINS["bottom"], MARGINS["left"]
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = SIZE
    _set_run_font(normal.element)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    _name_fallback_font(document)
    page_numbers(section)
    return document


def page_numbers(section, *, restart: bool = False) -> None:
    """ "- ๒ -" at the head of every page but the first, as the PDFs print it
    (document.css @top-center, counter(page, thai)); ``restart`` counts the
    section's pages from ๑ again (the minutes after their cover letter)."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    for header in (section.header, section.first_page_header):
        for para in header.paragraphs:
            para._p.getparent().remove(para._p)
    para = section.header.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(para, "- ")
    _page_field(para)
    run(para, " -")
    section.first_page_header.add_paragraph()
    numbering = section._sectPr.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        section._sectPr.append(numbering)
    numbering.set(qn("w:fmt"), "thaiNumbers")
    if restart:
        numbering.set(qn("w:start"), "1")


def _page_field(para) -> None:
    """Word's PAGE field, in the section's number format (Thai digits)."""

    def field_char(kind: str) -> None:
        node = OxmlElement("w:fldChar")
        node.set(qn("w:fldCharType"), kind)
        run(para, "")._element.append(node)

    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run(para, "")._element.append(instruction)
    field_char("separate")
    run(para, "๒")  # shown until Word updates the field
    field_char("end")


def new_page_section(document, *, restart_numbers: bool = False):
    """What follows starts on a new page, in a section of its own (same page and
    margins); ``restart_numbers`` counts its pages from ๑, its first page unnumbered."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    for name, value in MARGINS.items():
        setattr(section, f"{name}_margin", value)
    page_numbers(section, restart=restart_numbers)
    return section


def page_break(document) -> None:
    """The next paragraph starts a new page (the amendments after the signatures)."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def paragraph(
    container,
    text: str = "",
    *,
    bold: bool = False,
    underline: bool = False,
    align: str = "left",
    indent_first: Cm | None = None,
    indent_left: Cm | None = None,
    keep_with_next: bool = False,
    space_before: Pt | Cm | None = None,
    space_after: Pt | Cm | None = None,
    indent_right: Cm | None = None,
):
    """A paragraph of ``text`` in ``container`` (the document or a table cell)."""
    if hasattr(container, "paragraphs") and container.paragraphs and _is_fresh_cell(container):
        para = container.paragraphs[0]
    else:
        para = container.add_paragraph()
    if text:
        run(para, text, bold=bold, underline=underline)
    para.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "thai": WD_ALIGN_PARAGRAPH.THAI_JUSTIFY,
    }[align]
    fmt = para.paragraph_format
    if indent_first is not None:
        fmt.first_line_indent = indent_first
    if indent_left is not None:
        fmt.left_indent = indent_left
    if indent_right is not None:
        fmt.right_indent = indent_right
    fmt.keep_with_next = keep_with_next
    if space_before is not None:
        fmt.space_before = space_before
    if space_after is not None:
        fmt.space_after = space_after
    return para


def _is_fresh_cell(container) -> bool:
    """A new table cell holds one empty paragraph, which we fill instead of adding."""
    from docx.table import _Cell

    return isinstance(container, _Cell) and len(container.paragraphs) == 1 and not container.paragraphs[0].runs


def run(para, text: str, *, bold: bool = False, underline: bool = False):
    piece = para.add_run(text)
    piece.bold = bold or None
    piece.underline = underline or None
    _set_run_font(piece._element)
    return piece


def table(document, widths: Iterable[Cm], header: Iterable[str] | None = None, *, borders: bool = True):
    """A fixed-width table; its header row (bold, centred) repeats on every page."""
    widths = list(widths)
    result = document.add_table(rows=0, cols=len(widths))
    result.alignment = WD_TABLE_ALIGNMENT.LEFT
    result.autofit = False
    if borders:
        result.style = document.styles["Table Grid"]
    if header is not None:
        cells = add_row(result, widths)
        for cell, text in zip(cells, header, strict=True):
            paragraph(cell, text, bold=True, align="center")
        properties = result.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    result._widths = widths
    return result


def add_row(target, widths: list[Cm] | None = None, *, cant_split: bool = False):
    widths = widths or target._widths
    row = target.add_row()
    for cell, width in zip(row.cells, widths, strict=True):
        cell.width = width
    if cant_split:
        properties = row._tr.get_or_add_trPr()
        node = OxmlElement("w:cantSplit")
        node.set(qn("w:val"), "true")
        properties.append(node)
    return row.cells


def remove_top_border(cells) -> None:
    """A continuation row (a sub-item, a paragraph with parties of its own) reads as
    part of the row above it, as in the office's table."""
    for cell in cells:
        properties = cell._tc.get_or_add_tcPr()
        borders = properties.find(qn("w:tcBorders"))
        if borders is None:
            borders = OxmlElement("w:tcBorders")
            properties.append(borders)
        top = OxmlElement("w:top")
        top.set(qn("w:val"), "nil")
        borders.append(top)


def hidden_bookmark(para, name: str) -> None:
    """A bookmark Word keeps out of sight (its name starts with "_"), marking ``para``
    with ``name``: data for the importer that prints nothing and moves with its row."""
    document_part = para.part
    ids = getattr(document_part, "_bookmark_ids", 0) + 1
    document_part._bookmark_ids = ids
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), str(ids))
    start.set(qn("w:name"), name[:40])
    end.set(qn("w:id"), str(ids))
    para._p.append(start)
    para._p.append(end)


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
