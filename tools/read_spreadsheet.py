"""Reads a spreadsheet with the parsers real users' tools rely on, for the export tests.

Usage: python read_spreadsheet.py FILE   (.xlsx via openpyxl, .ods via odfpy, .csv via csv)
Prints the first sheet as a JSON list of rows (lists of strings) on stdout.
"""

import csv
import json
import sys


def read_xlsx(path):
    import openpyxl

    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def read_ods(path):
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf import teletype

    doc = load(path)
    table = doc.spreadsheet.getElementsByType(Table)[0]
    rows = []
    for row in table.getElementsByType(TableRow):
        rows.append([teletype.extractText(cell) for cell in row.getElementsByType(TableCell)])
    return rows


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        sample = f.read(4096)
        f.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;")
        return [row for row in csv.reader(f, dialect)]


def main():
    path = sys.argv[1]
    reader = {"xlsx": read_xlsx, "ods": read_ods, "csv": read_csv}[path.rsplit(".", 1)[-1]]
    json.dump(reader(path), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
