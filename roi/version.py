"""The tool's version, shown in the exports (the workbook's Summary, the deck's and the brief's footers)."""

__version__ = "0.12.0"
