"""Documents the import tests, the bench and the browser journey feed in: the seed
summary and letter as text, and the summary as a Word file built from the seed
(python-docx), laid out as the office's Word files are: the title lines, then the
ลำดับ | ประเด็น | หน่วยงานรับผิดชอบ table (a new table with its header after each
page break, as in the seed), the heading as an underlined run, one paragraph per
``<p>`` of the seed."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings

DATA = Path(settings.BASE_DIR) / "tests" / "data"
SUMMARY_SEED = DATA / "meeting-summary-lampang-10-2560.txt"
LETTER_SEED = DATA / "moi-letter-soft-power-2567.txt"
SLIDES_SEED = DATA / "open-government-pm25-slides-pdf-extracted.txt"


def summary_text() -> str:
    return SUMMARY_SEED.read_text(encoding="utf-8")


def letter_text() -> str:
    return LETTER_SEED.read_text(encoding="utf-8")


def _paragraphs(cell: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"</?p>", cell)]
    return [p for p in parts if p]


def summary_docx(text: str | None = None) -> bytes:
    import docx

    document = docx.Document()
    table = None
    for line in (text if text is not None else summary_text()).split("\n"):
        cells = line.split("\t")
        if len(cells) < 3:
            if line.strip():
                document.add_paragraph(line.strip())
            table = None
            continue
        if table is None:
            table = document.add_table(rows=0, cols=3)
        row = table.add_row().cells
        row[0].text = cells[0].strip()
        issue = row[1]
        paragraphs = _paragraphs(cells[1])
        for index, paragraph_text in enumerate(paragraphs):
            paragraph = issue.paragraphs[0] if index == 0 else issue.add_paragraph()
            match = re.match(r"^<u>(.*?)</u>\s*(.*)$", paragraph_text, re.S)
            if match:
                paragraph.add_run(match[1]).underline = True
                if match[2]:
                    paragraph.add_run(" " + match[2])
            else:
                paragraph.add_run(paragraph_text)
        for index, party in enumerate(_paragraphs(cells[2])):
            (row[2].paragraphs[0] if index == 0 else row[2].add_paragraph()).add_run(party)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
