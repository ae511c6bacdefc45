"""Geometry of the dashboard's SVG charts, computed here so the templates only draw.

Bars live in a 0–100 wide viewBox stretched to the width of their row
(preserveAspectRatio="none"), so they fit a phone and a printed page alike; the
numbers and labels stay in HTML next to them, where they are read at any size.
"""

from __future__ import annotations

from dataclasses import dataclass

# Series of a state chart, in drawing order: key, Thai label, CSS class (static/css/dashboard.css).
STATE_SERIES = (
    ("done", "เสร็จ/ปิดแล้ว", "seg-done"),
    ("overdue", "เกินกำหนด", "seg-overdue"),
    ("waiting", "ยังไม่ถึงกำหนด", "seg-waiting"),
)


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    css: str
    value: int
    start: float  # x (bars) or y (columns), in viewBox units
    size: float


def segments(values: dict[str, int], scale: int, series=STATE_SERIES, length: float = 100.0) -> list[Segment]:
    """Stacked segments of one bar; ``scale`` is the value that fills ``length``."""
    result, start = [], 0.0
    for key, label, css in series:
        value = values.get(key, 0)
        if value <= 0:
            continue
        size = length * value / scale if scale else 0.0
        result.append(Segment(key, label, css, value, round(start, 3), round(size, 3)))
        start += size
    return result


def state_values(row: dict) -> dict[str, int]:
    """done / overdue / waiting of a row that has done, open and overdue counts."""
    return {"done": row["done"], "overdue": row["overdue"], "waiting": row["open"] - row["overdue"]}


@dataclass(frozen=True)
class Column:
    label: str
    year_label: str
    total: int
    x: float
    segments: list[Segment]


# The month chart: its viewBox, the plot area inside it, and the width of a column.
MONTH_CHART = {"width": 600, "height": 260, "top": 16, "bottom": 220, "left": 8, "step": 49, "bar": 34}


def month_columns(rows: list[dict]) -> tuple[list[Column], int]:
    """Twelve stacked columns, bottom-up: done, overdue, not yet due."""
    top = max([row["total"] for row in rows] + [1])
    plot = MONTH_CHART["bottom"] - MONTH_CHART["top"]
    columns = []
    for index, row in enumerate(rows):
        stacked = []
        for seg in segments(row, top, length=plot):
            # SVG's y grows downwards: the first segment sits on the axis.
            y = MONTH_CHART["bottom"] - seg.start - seg.size
            stacked.append(Segment(seg.key, seg.label, seg.css, seg.value, round(y, 3), seg.size))
        columns.append(
            Column(
                label=row["label"],
                year_label=row["year_label"],
                total=row["total"],
                x=MONTH_CHART["left"] + index * MONTH_CHART["step"],
                segments=stacked,
            )
        )
    return columns, top
