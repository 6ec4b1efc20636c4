"""A case's CSV export, written once: the lines it holds, the ground-truth row
of each order line, its bytes' dialect, and the reading facts of case.yml
that follow from that dialect (so the file and what case.yml says about it
cannot disagree)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from export_shapes.truth import Case, Line, Order, Row, csv_text, truth_row


@dataclass
class CsvExport:
    """One CSV file of a case. Line numbers count from the header (line 0),
    as the expected files of the corpus do."""

    file: str
    header: list[str]
    delimiter: str = ","
    line_end: str = "\n"
    lines: list[list[str]] = field(init=False)
    truth: list[Row] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines = [list(self.header)]

    def write(self, cells: list[str] | dict[str, str]) -> int:
        """Append a line (its cells, or a dict by header column with the
        others left empty); returns its line number."""
        if isinstance(cells, dict):
            cells = [cells.get(column, "") for column in self.header]
        self.lines.append(cells)
        return len(self.lines) - 1

    def write_line(
        self,
        cells: list[str] | dict[str, str],
        order: Order,
        line: Line,
        rate: Decimal = Decimal(1),
        day: date | None = None,
        customer_id: str | None = None,
    ) -> Row:
        """Append the line of one order line and its ground-truth row (the
        row is returned, to be marked when the line is broken on purpose)."""
        number = self.write(cells)
        row = truth_row(
            self.file,
            number,
            order,
            line,
            rate,
            day or order.at.date(),
            customer_id=customer_id,
        )
        self.truth.append(row)
        return row

    def text(self) -> str:
        return csv_text(self.lines, delimiter=self.delimiter, line_end=self.line_end)

    def case(self, blob: bytes, **fields: object) -> Case:
        """The case of this one file, written as `blob`: its name, its
        lines' ground truth and its bytes, with the case's other `fields`."""
        return Case(
            files=[self.file], rows=self.truth, blobs={self.file: blob}, **fields
        )

    def reading(
        self,
        *,
        encoding: str,
        timestamp_format: str,
        day_boundary: str,
        decimal_separator: str = ".",
        thousands: str | None = None,
        bom: bool = False,
        encoding_note: str | None = None,
        timestamp_trap: str | None = None,
        null_strings: tuple[str, ...] = ("",),
        **facts: object,
    ) -> dict[str, object]:
        """The `reading` facts of case.yml: this file's dialect first, then
        `facts` in the order given."""
        reading: dict[str, object] = {
            "format": "csv",
            "delimiter": self.delimiter,
            "quote": '"',
            "header": True,
            "encoding": encoding,
        }
        if encoding_note is not None:
            reading["encoding_note"] = encoding_note
        reading |= {
            "bom": bom,
            "line_end": self.line_end,
            "decimal_separator": decimal_separator,
            "thousands": thousands,
            "timestamp_format": timestamp_format,
        }
        if timestamp_trap is not None:
            reading["timestamp_trap"] = timestamp_trap
        reading |= {"day_boundary": day_boundary, "null_strings": list(null_strings)}
        return reading | facts
