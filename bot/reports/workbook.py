"""The report's spreadsheet: a summary sheet, then one sheet per table, in the reader's language.

openpyxl in write-only mode: rows stream to the file instead of building every cell in memory
first, which is what a report of tens of thousands of proposals needs. Rupiah are numbers with
a currency format (they add up in the spreadsheet), dates are dates, times are in each kota's
zone (a cell has no zone).
"""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.domain.reports.figures import Figures
from bot.domain.reports.tables import (
    DATE,
    DATETIME,
    INT,
    LABEL,
    MONEY,
    NUMBER,
    Column,
    Table,
    Tables,
)
from bot.i18n import Translator
from bot.reports import CONFIDENTIAL
from bot.reports.summary import summary_lines

MONEY_FORMAT = '"Rp"#,##0'
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def render(figures: Figures, tables: Tables, tr: Translator) -> bytes:
    """The .xlsx of the report: summary first, then proposals, funding, partners, timeline…"""
    book = Workbook(write_only=True)
    _summary(book.create_sheet(_sheet_title(tr._("Ringkasan"))), figures, tr)
    for table in tables.tables:
        _table(book.create_sheet(_sheet_title(tr._(table.title))), table, tr)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet's name."""
    return _BAD_SHEET_CHARS.sub("-", title)[:31]


def _summary(sheet: WriteOnlyWorksheet, figures: Figures, tr: Translator) -> None:
    bold = Font(bold=True)
    warning = WriteOnlyCell(sheet, tr._(CONFIDENTIAL))
    warning.font = Font(bold=True, color="C62828")
    sheet.append([warning])
    for label, value in summary_lines(figures, tr):
        cell = WriteOnlyCell(sheet, label)
        cell.font = bold
        sheet.append([cell, value])


def _table(sheet: WriteOnlyWorksheet, table: Table, tr: Translator) -> None:
    bold = Font(bold=True)
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, tr._(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_cell(sheet, c, v, tr) for c, v in zip(table.columns, row, strict=True)])


def _cell(sheet: WriteOnlyWorksheet, column: Column, value: Any, tr: Translator) -> Any:
    if value is None:
        return None
    if column.kind == LABEL and column.labels is not None:
        label = column.labels.get(str(value))
        return tr._(label) if label else value
    if column.kind in (MONEY, DATE, DATETIME):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = {MONEY: MONEY_FORMAT, DATE: DATE_FORMAT}.get(
            column.kind, DATETIME_FORMAT
        )
        return cell
    if column.kind == INT:
        return int(value)
    if column.kind == NUMBER:
        return float(value)
    return str(value)
