"""The PDF documents the 签章 menu exports, by kind: the three documents of core/pdf/sheets.py and
every unit's score sheet into a folder. Light on purpose: the menu needs the kinds at start-up, the
dialogs that make the documents come later."""

RECORD, SHEET, SUMMARY, ALL_SHEETS = "record", "sheet", "summary", "all_sheets"
