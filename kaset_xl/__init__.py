"""kaset_xl — district workbooks, validation and provincial consolidation for farmer groups."""

__version__ = "0.1.0"
