"""The VBA sources of the workbook buttons, installed as the package data ``kaset_xl.macros``.

This folder is mapped to that package in pyproject.toml (``[tool.setuptools.package-dir]``): the template builder
reads the modules from here through importlib.resources, and an office that imports them by hand takes the same
files.  ``KasetButtons.bas``: the desktop buttons (``RunPython``); ``KasetServerButtons.bas``: the buttons of a
workbook bound to a provincial server (``RunRemotePython``; its URL and token are filled in at build time).
"""
