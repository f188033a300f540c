"""The sample district workbooks, installed as the package data ``kaset_xl.sample_workbooks``.

This folder is mapped to that package in pyproject.toml (``[tool.setuptools.package-dir]``), so ``kaset-xl demo``
finds the samples through importlib.resources wherever kaset_xl is installed.  The workbooks are made by
``python scripts/make_samples.py``.
"""
