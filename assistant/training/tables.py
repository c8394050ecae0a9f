"""Reading training tables robustly: CSV, TSV and XLSX in UTF-8, UTF-8-BOM or CP949
(and UTF-16 with a BOM, Excel's "Unicode text" export).

Public API::

    read_table(path, *, header=True, delimiter=None, sheet=None, skip_log=None) -> Iterator[Row]
    Row(file: Path, number: int, values: dict[str, str] | list[str])
        row.get(key, default="") -> str      # stripped cell (by header name, or int index)
        row.where -> "ChatbotData.csv 15행"  # for messages
    SkipLog()
        log.skip(row, reason)                 # a Row you can't use, with a short Korean reason
        log.add(file, number, reason)         # same, by file and row number
        log.count / len(log) / log.entries    # list[Skipped(file, number, reason)]
        log.by_reason() -> dict[str, int]
        log.summary(examples=5) -> str        # Korean, multi-line; "" when nothing was skipped
        log.as_json() -> dict                 # for metadata.json
    DataError(Exception)                      # Korean message: file unreadable / no usable rows
    no_usable_rows(path, skip_log=None) -> DataError   # the standard "no usable rows" error
    detect_encoding(data: bytes, path) -> str # "utf-8-sig" | "utf-16" | "utf-8" | "cp949"
    sha256_file(path) -> str                  # hex digest

Behaviour:

- ``Row.number`` is the row number as the user sees it: the 1-based line number in a
  text file (the header is line 1, so the first data row is 2; a quoted cell spanning
  several lines counts from its first line), the spreadsheet row number in XLSX.
- ``Row.values`` is a dict by (stripped) header name when ``header=True``, else a list.
  Cells are strings exactly as in the file (``""`` for empty cells; XLSX numbers like
  ``2.0`` become ``"2"``); use ``row.get`` for a stripped value.
- Fully blank lines are ignored silently. A row with a different number of cells than the
  header (a broken row) is not yielded: it goes to ``skip_log`` (if given) with its file and
  row number, and is logged to ``logging.getLogger("assistant.training")``.
- The delimiter is ``\\t`` for ``.tsv``/``.tab``, ``,`` for ``.csv`` (unless the first line
  has only the other one) and otherwise whichever of tab/comma the first line has more of.
  ``.xlsx``/``.xlsm`` are read with openpyxl (first sheet unless ``sheet`` names one).
- An unreadable file (missing, a directory, undecodable in all three encodings, empty, not a
  valid XLSX, a header with no columns) raises ``DataError`` naming the file. Reading is eager
  for the decode step, so that error comes at the first ``next()``.
- Empty-header columns in a dict row get the names ``"column3"`` (1-based position).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.training.errors import DataError

log = logging.getLogger("assistant.training")

__all__ = [
    "DataError",
    "Row",
    "SkipLog",
    "Skipped",
    "detect_encoding",
    "no_usable_rows",
    "read_table",
    "sha256_file",
]

XLSX_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class Row:
    """One data row: where it came from and its cells."""

    file: Path
    number: int
    values: dict[str, str] | list[str]

    def get(self, key: str | int, default: str = "") -> str:
        """The stripped cell by header name (dict rows) or 0-based index (list rows)."""
        try:
            value = self.values[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return default
        return value.strip() if isinstance(value, str) else default

    @property
    def where(self) -> str:
        """'파일이름 N행', for messages."""
        return f"{self.file.name} {self.number}행"


@dataclass(frozen=True)
class Skipped:
    """One skipped row."""

    file: str
    number: int
    reason: str


@dataclass
class SkipLog:
    """Skipped rows with file, row and reason; counts them and summarises in Korean."""

    entries: list[Skipped] = field(default_factory=list)

    def add(self, file: str | Path, number: int, reason: str) -> None:
        entry = Skipped(str(file), int(number), reason)
        self.entries.append(entry)
        log.info("skipped %s row %d: %s", entry.file, entry.number, reason)

    def skip(self, row: Row, reason: str) -> None:
        self.add(row.file, row.number, reason)

    @property
    def count(self) -> int:
        return len(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def by_reason(self) -> dict[str, int]:
        return dict(Counter(e.reason for e in self.entries).most_common())

    def summary(self, examples: int = 5) -> str:
        """A Korean summary: total, counts per reason, and the first few rows named."""
        if not self.entries:
            return ""
        reasons = ", ".join(f"{reason} {n}개" for reason, n in self.by_reason().items())
        lines = [f"건너뛴 행 {self.count}개 ({reasons})"]
        for e in self.entries[:examples]:
            lines.append(f"  - {Path(e.file).name} {e.number}행: {e.reason}")
        if self.count > examples:
            lines.append(f"  - ... 외 {self.count - examples}개 (자세한 내용은 로그에 있어요)")
        return "\n".join(lines)

    def as_json(self, examples: int = 20) -> dict:
        return {
            "count": self.count,
            "by_reason": self.by_reason(),
            "examples": [
                {"file": e.file, "row": e.number, "reason": e.reason}
                for e in self.entries[:examples]
            ],
        }


def no_usable_rows(path: str | Path, skip_log: SkipLog | None = None) -> DataError:
    """The standard error for a file that yielded nothing usable (raise it)."""
    extra = ""
    if skip_log is not None:
        mine = [e for e in skip_log.entries if e.file == str(path)]
        if mine:
            extra = f" 건너뛴 행 {len(mine)}개, 예: {mine[0].number}행 ({mine[0].reason})."
    return DataError(f"'{path}' 파일에 쓸 수 있는 행이 없어요.{extra}")


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes (read in 1 MiB blocks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_encoding(data: bytes, path: str | Path = "") -> str:
    """'utf-8-sig' / 'utf-16' (by BOM), else 'utf-8' or 'cp949', whichever decodes strictly."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a BOM (tab-separated).
        try:
            data.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            return "utf-16"
    for encoding in ("utf-8", "cp949"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DataError(
        f"'{path}' 파일의 인코딩을 알 수 없어요 (UTF-8, UTF-8-BOM, CP949 모두 아니에요). "
        "UTF-8로 저장한 뒤 다시 시도해 주세요."
    )


def read_table(
    path: str | Path,
    *,
    header: bool = True,
    delimiter: str | None = None,
    sheet: str | None = None,
    skip_log: SkipLog | None = None,
) -> Iterator[Row]:
    """Rows of a CSV / TSV / XLSX file (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"데이터 파일을 찾을 수 없어요: '{path}'")
    if path.suffix.lower() in XLSX_SUFFIXES:
        cells = _xlsx_rows(path, sheet)
    else:
        cells = _text_rows(path, delimiter)
    yield from _rows(path, cells, header, skip_log)


def _rows(
    path: Path,
    cells: Iterator[tuple[int, list[str]]],
    header: bool,
    skip_log: SkipLog | None,
) -> Iterator[Row]:
    names: list[str] | None = None
    for number, values in cells:
        if not any(v.strip() for v in values):
            continue
        if header and names is None:
            names = _header_names(path, values)
            continue
        if names is not None:
            if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
                _skip(skip_log, path, number, f"열 개수가 맞지 않음 ({len(values)}/{len(names)})")
                continue
            if len(values) < len(names) and not _xlsx(path):
                _skip(skip_log, path, number, f"열 개수가 맞지 않음 ({len(values)}/{len(names)})")
                continue
            values = values + [""] * (len(names) - len(values))
            yield Row(path, number, dict(zip(names, values, strict=False)))
        else:
            yield Row(path, number, values)
    if header and names is None:
        raise DataError(f"'{path}' 파일이 비어 있어요 (머리행도 없어요).")


def _header_names(path: Path, values: list[str]) -> list[str]:
    names = []
    for i, value in enumerate(values, start=1):
        name = value.strip().lstrip("\ufeff")
        names.append(name or f"column{i}")
    while names and names[-1].startswith("column") and not values[len(names) - 1].strip():
        names.pop()
    if not names:
        raise DataError(f"'{path}' 파일의 머리행에 열 이름이 없어요.")
    return names


def _xlsx(path: Path) -> bool:
    return path.suffix.lower() in XLSX_SUFFIXES


def _skip(skip_log: SkipLog | None, path: Path, number: int, reason: str) -> None:
    if skip_log is not None:
        skip_log.add(path, number, reason)
    else:
        log.info("skipped %s row %d: %s", path, number, reason)


def _text_rows(path: Path, delimiter: str | None) -> Iterator[tuple[int, list[str]]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"'{path}' 파일을 읽을 수 없어요: {exc.strerror or exc}") from exc
    if not data.strip():
        raise DataError(f"'{path}' 파일이 비어 있어요.")
    encoding = detect_encoding(data, path)
    text = data.decode(encoding)
    if "\x00" in text:
        raise DataError(f"'{path}' 파일은 텍스트 표가 아닌 것 같아요 (NUL 바이트가 있어요).")
    if delimiter is None:
        delimiter = _guess_delimiter(path, text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"'{path}' {start}행 근처를 읽을 수 없어요: {exc}") from exc
        yield start, values
        start = reader.line_num + 1


def _guess_delimiter(path: Path, text: str) -> str:
    first = text.split("\n", 1)[0]
    tabs, commas = first.count("\t"), first.count(",")
    suffix = path.suffix.lower()
    if suffix in {".tsv", ".tab"}:
        return "," if commas and not tabs else "\t"
    if suffix == ".csv":
        return "\t" if tabs and not commas else ","
    return "\t" if tabs > commas else ","


def _xlsx_rows(path: Path, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DataError(f"'{path}' 파일을 엑셀(XLSX)로 읽을 수 없어요: {exc}") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise DataError(
                f"'{path}' 파일에 '{sheet}' 시트가 없어요 ({', '.join(book.sheetnames)})."
            )
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        first = ws.min_row or 1
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=first):
            yield number, [_cell_text(c) for c in cells]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
