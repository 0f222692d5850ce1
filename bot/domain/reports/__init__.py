"""Reports (/laporan, `paket-bot report`): figures for a period, and the rows behind them.

    period.py   the period asked for (this month, last month, this year, a typed range)
    scope.py    who may ask, and the WHERE clauses that keep each figure to what they may see
    figures.py  the summary, from aggregate SQL (GROUP BY), never by loading every row
    tables.py   the rows of the spreadsheet and exports, each table as plain values

Nothing here draws or writes a file: bot/reports/ turns these values into PNG, XLSX, CSV, JSON.
"""
