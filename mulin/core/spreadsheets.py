"""Reading spreadsheet uploads safely and writing spreadsheets that cannot run formulas.

Infrastructure only (no domain imports). Uploads are untrusted: every check that can be made
without parsing is made first (size, type by magic bytes, the zip directory of an .xlsx), then
the workbook is parsed by openpyxl in read-only mode with defusedxml installed (entity bombs),
and reading stops at the row cap. Every refusal is a SpreadsheetError with a translated message.

Writers prefix text that a spreadsheet program would take for a formula (= + - @ tab CR) with
an apostrophe: OWASP's guidance on CSV injection, applied to .xlsx as well, where openpyxl
would otherwise store a string that starts with "=" as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from mulin.core.exceptions import ApplicationError

# Limits checked before a workbook is parsed (reference/security.md §6 F3).
XLSX_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
XLSX_MAX_ENTRIES = 500
# A real sheet compresses 5-20x; a bomb compresses 1000x. Only large members are judged, since
# tiny XML files legitimately have odd ratios.
XLSX_MAX_RATIO = 200
XLSX_RATIO_MIN_MEMBER_BYTES = 1024 * 1024
MAX_VALIDATED_ROW = 20_001  # drop-down lists in templates reach this far
MAX_COLUMNS = 64  # a people sheet has about a dozen; wider rows are cut, never padded to 16,384

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and password-protected .xlsx
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")  # full-width too: some
# spreadsheet programs fold them to ASCII when the cell is edited.
_EDGE_SPACE = " \t\r\n\u3000\u00a0\u200b\ufeff"


class SpreadsheetError(ApplicationError):
    """The uploaded file was refused as a whole; nothing in it was imported."""

    code = "bad_file"


class FileTooLarge(SpreadsheetError):
    status = 413
    code = "file_too_large"


@dataclass(frozen=True)
class Row:
    """One non-empty data row: its number as the spreadsheet program shows it, and its cells
    as text, one per header column."""

    number: int
    values: list[str]
    # Positions (0-based) of cells that held a formula in an .xlsx. Their value is refused rather
    # than guessed: the cached result may be missing or stale, and a formula such as
    # =HYPERLINK(...) is not what a person means by an address. Importers report them per row.
    formulas: tuple[int, ...] = ()


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    header_row: int = 1


def cell_text(value: Any) -> str:
    """A cell value as the text a person typed, as far as it can be recovered.

    Integral floats lose their ".0" (Excel stores 13800138000 as a float). Integral floats
    beyond 15 significant digits have already lost digits in Excel; they come back in Excel's
    own notation ("3.30105E+17") so that the ID-number check can say what happened.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        if value.is_integer():
            return str(int(value)) if abs(value) < 1e15 else f"{value:.5E}"
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip(_EDGE_SPACE)


def header_key(text: str) -> str:
    """A header name reduced for matching: full-width folded, spaces and case dropped."""
    folded = unicodedata.normalize("NFKC", text)
    # casefold() can leave text that NFKC would change again (an accent split off): normalise once
    # more, so that a key matches itself (found by a Hypothesis property, tests/security).
    return unicodedata.normalize("NFKC", re.sub(r"[\s*＊:：]+", "", folded).casefold())


# --- Reading ------------------------------------------------------------------------------------


def _max_bytes() -> int:
    return int(settings.MULIN_IMPORT_MAX_BYTES)


def _max_rows() -> int:
    return int(settings.MULIN_IMPORT_MAX_ROWS)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(limit // 1024, 1)} KB"


def _read_upload(upload: IO[bytes] | bytes, max_bytes: int) -> bytes:
    too_large = FileTooLarge(
        _("The file is larger than %(limit)s; split it into smaller files.") % {"limit": _size(max_bytes)}
    )
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        declared = getattr(upload, "size", None)
        if declared is not None and declared > max_bytes:
            raise too_large
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(max_bytes + 1)  # never trust the declared size alone
    if len(data) > max_bytes:
        raise too_large
    if not data:
        raise SpreadsheetError(_("The file is empty."), code="file_empty")
    return data


def read_table(
    upload: IO[bytes] | bytes,
    *,
    filename: str,
    sheet_name: str | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> Table:
    """Read the first sheet (or `sheet_name`) of an .xlsx or .csv upload.

    The header is the first non-empty row; blank rows are skipped; every cell comes back as
    stripped text. Raise SpreadsheetError for anything refused (FileTooLarge: HTTP 413).
    """
    max_bytes = _max_bytes() if max_bytes is None else max_bytes
    max_rows = _max_rows() if max_rows is None else max_rows
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in {"xlsm", "xltm", "xlam"}:
        raise SpreadsheetError(
            _("Files with macros (.xlsm) are not accepted; save the workbook as .xlsx."), code="macro_file"
        )
    if extension not in {"xlsx", "csv"}:
        raise SpreadsheetError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."), code="unsupported_type")
    data = _read_upload(upload, max_bytes)
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "This is an old-format (.xls) or password-protected workbook; open it in Excel and save it as an "
                "unprotected .xlsx file."
            ),
            code="old_excel",
        )
    if extension == "xlsx":
        if not data.startswith(_ZIP_MAGIC):
            raise SpreadsheetError(
                _("This file is not really an Excel workbook (.xlsx); open it in Excel and save it as .xlsx."),
                code="not_xlsx",
            )
        rows = _xlsx_rows(data, sheet_name=sheet_name)
    else:
        if data.startswith(_ZIP_MAGIC):
            raise SpreadsheetError(
                _("This file is an Excel workbook named .csv; rename it to .xlsx or save it as CSV."),
                code="not_csv",
            )
        rows = _csv_rows(data)
    return _table(rows, max_rows)


def _table(rows: Iterator[tuple[int, list[str], tuple[int, ...]]], max_rows: int) -> Table:
    header: list[str] | None = None
    header_row = 0
    data: list[Row] = []
    for number, cells, formulas in rows:
        if not any(cells) and not formulas:
            continue
        if header is None:
            while cells and not cells[-1]:
                cells.pop()
            header, header_row = cells, number
            continue
        if len(data) >= max_rows:
            raise SpreadsheetError(
                _("The file has more than %(limit)d rows; split it into smaller files.") % {"limit": max_rows},
                code="too_many_rows",
            )
        width = len(header)
        data.append(Row(number, (cells + [""] * width)[:width], tuple(p for p in formulas if p < width)))
    if header is None:
        raise SpreadsheetError(_("The file has no rows."), code="file_empty")
    return Table(header=header, rows=data, header_row=header_row)


def check_xlsx_archive(data: bytes) -> None:
    """Refuse an .xlsx whose zip directory announces a bomb, a macro or a non-workbook,
    reading only the central directory (nothing is decompressed)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise SpreadsheetError(
            _("This file is not really an Excel workbook (.xlsx); open it in Excel and save it as .xlsx."),
            code="not_xlsx",
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > XLSX_MAX_ENTRIES:
            raise SpreadsheetError(
                _("The workbook has too many parts (%(count)d); it may be damaged or malicious.")
                % {"count": len(members)},
                code="archive_too_many_entries",
            )
        total = sum(member.file_size for member in members)
        if total > XLSX_MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetError(
                _("The workbook would unpack to more than %(limit)d MB; split it into smaller files.")
                % {"limit": XLSX_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)},
                code="archive_too_large",
            )
        for member in members:
            if member.file_size >= XLSX_RATIO_MIN_MEMBER_BYTES and (
                member.file_size > XLSX_MAX_RATIO * max(member.compress_size, 1)
            ):
                raise SpreadsheetError(
                    _("The workbook is compressed suspiciously well; it may be damaged or malicious."),
                    code="archive_ratio",
                )
            if member.flag_bits & 0x1:
                raise SpreadsheetError(
                    _("Password-protected workbooks are not accepted; remove the password and save again."),
                    code="encrypted",
                )
        names = {member.filename for member in members}
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise SpreadsheetError(
                _("Files with macros (.xlsm) are not accepted; save the workbook as .xlsx."), code="macro_file"
            )
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise SpreadsheetError(
                _("This file is not really an Excel workbook (.xlsx); open it in Excel and save it as .xlsx."),
                code="not_xlsx",
            )
        # The content-types part is small (checked above) and plain XML; a macro-enabled
        # workbook renamed .xlsx declares itself here even without a vbaProject part.
        if b"macroEnabled" in archive.read("[Content_Types].xml"):
            raise SpreadsheetError(
                _("Files with macros (.xlsm) are not accepted; save the workbook as .xlsx."), code="macro_file"
            )


def _xlsx_rows(data: bytes, *, sheet_name: str | None) -> Iterator[tuple[int, list[str], tuple[int, ...]]]:
    # Imported here so that modules which only write CSV do not pay for openpyxl.
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    check_xlsx_archive(data)
    unreadable = SpreadsheetError(
        _("The workbook could not be read; open it in Excel, save it again as .xlsx and retry."), code="unreadable"
    )
    try:
        # data_only=False: a formula cell comes back as its formula (data type "f"), so that it is
        # recognised and refused instead of read as its cached value, or as empty when none was saved.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError):
        # defusedxml raises subclasses of ValueError (entities) and the XML parser SyntaxError.
        raise unreadable from None
    return _sheet_rows(workbook, sheet_name, unreadable)


def _sheet_rows(
    workbook: Any, sheet_name: str | None, unreadable: SpreadsheetError
) -> Iterator[tuple[int, list[str], tuple[int, ...]]]:
    try:
        sheets = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheet = workbook[sheet_name] if sheet_name and sheet_name in workbook.sheetnames else None
        sheet = sheet or (sheets[0] if sheets else None)
        if sheet is None:
            raise SpreadsheetError(_("The workbook has no visible sheet."), code="file_empty")
        # The <dimension> element is written by the sender; ignore it so that a false
        # "A1:XFD1048576" cannot make openpyxl pad every row to 16,384 cells.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            formulas = tuple(position for position, cell in enumerate(cells) if getattr(cell, "data_type", None) == "f")
            yield (
                number,
                ["" if position in formulas else cell_text(cell.value) for position, cell in enumerate(cells)],
                formulas,
            )
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError, EOFError):
        # A zip member that unpacks to more than its declared size fails its CRC check here.
        raise unreadable from None
    finally:
        workbook.close()


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        # GB18030 is a superset of GBK and GB2312, what Chinese Excel writes for "CSV".
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise SpreadsheetError(
        _('The file\'s text encoding was not recognised; save it as "CSV UTF-8" or as .xlsx.'), code="bad_encoding"
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str], tuple[int, ...]]]:
    text = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" export is tab-separated; some European locales use semicolons.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    if delimiter == "," and first_line.count(";") > first_line.count(","):
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, record in enumerate(reader, start=1):
            yield number, [cell_text(value) for value in record[:MAX_COLUMNS]], ()
    except csv.Error:
        raise SpreadsheetError(
            _("The CSV file is malformed near row %(row)d.") % {"row": reader.line_num}, code="bad_csv"
        ) from None


# --- Writing ------------------------------------------------------------------------------------


def neutralize(value: Any) -> Any:
    """Make a cell value safe to open in a spreadsheet program: text that would be read as a
    formula gets a leading apostrophe. Numbers and dates pass through."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Sheet:
    """One sheet to write: a header row (bold, frozen) and data rows.

    `text_columns` (0-based) are formatted as text, so that Excel keeps ID and phone numbers
    typed into them as text instead of turning them into floats. `choices` adds a drop-down
    list of values to a column; `widths` sets column widths in characters.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]] = ()
    widths: Sequence[int] = ()
    text_columns: Sequence[int] = ()
    choices: dict[int, Sequence[str]] = field(default_factory=dict)


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx workbook of `sheets`, every text cell neutralised.

    Written in openpyxl's write-only mode, so 20,000 rows cost little memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    helpers: list[tuple[str, Sequence[str]]] = []
    for spec in sheets:
        sheet = workbook.create_sheet(title=spec.title[:31])
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for column in spec.text_columns:
            sheet.column_dimensions[get_column_letter(column + 1)].number_format = "@"
        for column, values in spec.choices.items():
            # The values live on a hidden helper sheet: an inline list is limited to 255 characters.
            helper_title = f"_list{len(helpers) + 1}"
            helpers.append((helper_title, values))
            letter = get_column_letter(column + 1)
            validation = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(helper_title)}!$A$1:$A${max(len(values), 1)}",
                allow_blank=True,
                showErrorMessage=False,
            )
            validation.add(f"{letter}2:{letter}{MAX_VALIDATED_ROW}")
            sheet.data_validations.append(validation)
        sheet.freeze_panes = "A2"
        header = []
        for value in spec.header:
            cell = WriteOnlyCell(sheet, value=neutralize(value))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([neutralize(value) for value in row])
    for title, values in helpers:
        helper = workbook.create_sheet(title=title)
        helper.sheet_state = "hidden"
        for value in values:
            helper.append([neutralize(value)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A UTF-8 CSV with a byte-order mark (so that Excel in Chinese opens it correctly),
    every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(value) for value in header])
    for row in rows:
        writer.writerow([neutralize(value) if isinstance(value, str) else cell_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
