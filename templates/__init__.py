"""The provincial report templates (package data ``kaset_xl.templates``): ``provincial.xlsx`` holds the
forms กสอ.1–4 and the working sheets; made by ``scripts/make_templates.py`` — a province may restyle
a copy in Excel and pass its folder with ``--templates DIR``."""
