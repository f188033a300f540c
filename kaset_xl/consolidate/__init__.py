"""Provincial consolidation: every district workbook of a province → one provincial workbook.

``consolidate(inputs)`` reads, checks and scores each workbook in worker processes and gathers the
province's picture; ``write_provincial_workbook(result, path)`` writes กสอ.1–4, completeness,
issues, duplicate persons and provenance.  Inputs are never modified.
"""

from kaset_xl.consolidate.core import (
    Consolidation,
    ConsolidationRefused,
    collect_inputs,
    consolidate,
    default_jobs,
    mask_id,
)
from kaset_xl.consolidate.summary import FileSummary, summarise_file
from kaset_xl.consolidate.writer import SHEETS, write_provincial_workbook

__all__ = ["Consolidation", "ConsolidationRefused", "FileSummary", "SHEETS", "collect_inputs", "consolidate",
           "default_jobs", "mask_id", "summarise_file", "write_provincial_workbook"]
