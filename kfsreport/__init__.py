"""kfsreport: the committee's annual and interim reports as accessible PDF and HTML."""

__version__ = "0.1.0"
