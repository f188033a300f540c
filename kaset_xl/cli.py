"""The ``kaset-xl`` command: thin click commands over the library.

Exit codes: 0 success (no errors), 1 errors found in the data, 2 an input or option cannot be used.
Every problem is printed as one Thai line and one English line with its code — never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kaset_xl import __version__
from kaset_xl.fileio import check_output, same_file
from kaset_xl.issues import Issue, KasetError, Severity

F = TypeVar("F", bound=Callable[..., Any])
TODAY_HELP = "Check dates against this day instead of today: YYYY-MM-DD, Buddhist era or not (2564-06-30 = 2021-06-30)."


def _utf8_streams() -> None:
    # Windows consoles default to a legacy code page: Thai text must not crash the output.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass


def fail(exc: KasetError) -> None:
    click.echo(f"✗ [{exc.code}] {exc.message_th}", err=True)
    click.echo(f"  {exc.message_en}", err=True)


def handles_errors(func: F) -> F:
    """Turn a KasetError into its two-line message (on stderr; with --json also ``{"error": {...}}`` on
    stdout) and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KasetError as exc:
            if kwargs.get("as_json"):  # a machine reads stdout: give it JSON there too
                click.echo(json.dumps({"error": exc.as_issue().flat()}, ensure_ascii=False, indent=1))
            fail(exc)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


TEMPLATES_OPTION = click.option(
    "--templates", type=click.Path(file_okay=False), metavar="DIR",
    help="A folder with the province's own copies of the report templates (templates/provincial.xlsx "
         "restyled in Excel); default: the shipped templates.")


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="kaset-xl")
def cli() -> None:
    """kaset-xl — แบบฟอร์มทะเบียนกลุ่มส่งเสริมอาชีพการเกษตร และการรวมรายงานระดับจังหวัด

    District workbooks for farmer groups: make the template, validate and score them, certify and
    register new groups, and consolidate a province's workbooks into the กสอ. report forms.
    """


@cli.command()
@click.option("--province", "-p", required=True, help="จังหวัด: ชื่อหรือรหัส 2 หลัก (e.g. แม่ฮ่องสอน or 58)")
@click.option("--district", "-d", required=True, help="อำเภอ: ชื่อหรือรหัส 4 หลัก (e.g. ปาย or 5803)")
@click.option("--year", "-y", required=True, help="ปีงบประมาณ พ.ศ. (fiscal year, Buddhist era), e.g. 2564")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Output file (default: a name from the district).")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--criteria", type=click.Path(dir_okay=False, readable=False),
              help="A province's own criteria file (TOML): its 3ก and Smart Farmer indicators shape the sheets.")
@click.option("--server", metavar="URL",
              help="Bind the buttons to this kaset-xl server (https://…): nothing but Excel on the district PC.")
@click.option("--token", metavar="TOKEN",
              help="With --server: the district's token, embedded (default: the workbook asks for it once).")
@handles_errors
def template(province: str, district: str, year: str, output: str | None, force: bool,
             criteria: str | None, server: str | None, token: str | None) -> None:
    """Write an empty district workbook (แบบฟอร์มทะเบียนอำเภอ) for one district and fiscal year.

    An output named .xlsm gets the buttons (ตรวจสอบข้อมูล, คำนวณคะแนน, …) that run kaset_xl through
    xlwings in desktop Excel; an .xlsx has no macros.  With --server the buttons post the workbook to
    the province's `kaset-xl serve` instead (xlwings' RunRemotePython).

    Example:

        kaset-xl template --province แม่ฮ่องสอน --district ปาย --year 2564 -o pai-2564.xlsx

        kaset-xl template -p 58 -d 5803 -y 2564 -o pai-2564.xlsm

        kaset-xl template -p 58 -d 5803 -y 2564 -o pai-2564.xlsm --server https://kaset.example.go.th
    """
    from kaset_xl.areas import district_area, resolve_district, resolve_province
    from kaset_xl.workbook.builder import build_workbook

    p = resolve_province(province)
    d = resolve_district(p, district)
    fiscal_year = _fiscal_year(year)
    binding = _server_binding(server, token)
    out = check_output(output or f"kaset-{d.code}-{fiscal_year}.{'xlsm' if binding else 'xlsx'}", overwrite=force)
    if binding and out.suffix.lower() != ".xlsm":
        raise KasetError("SERVER_BINDING_BAD", reason=f"--server needs an .xlsm output, not {out.name}")
    from kaset_xl.criteria import load_criteria

    crit = load_criteria(path=criteria) if criteria else None
    build_workbook(out, district_area(d.code), fiscal_year, criteria=crit,
                   macros=out.suffix.lower() == ".xlsm", server=binding)
    click.echo(f"✓ สร้างแบบฟอร์ม อำเภอ{d.name_th} จังหวัด{p.name_th} ปีงบประมาณ {fiscal_year}: {out}")
    click.echo(f"  wrote the district workbook for {d.name_en}, {p.name_en}, FY{fiscal_year}: {out}")


def _server_binding(server: str | None, token: str | None) -> Any:
    """``--server``/``--token`` → a ServerBinding (None without --server); bad values → SERVER_BINDING_BAD."""
    if server is None:
        if token is not None:
            raise KasetError("SERVER_BINDING_BAD", reason="--token needs --server")
        return None
    from kaset_xl.workbook.macros import ServerBinding, server_buttons_source

    binding = ServerBinding(server.strip(), token.strip() if token else None)
    try:
        server_buttons_source(binding)
    except ValueError as exc:
        raise KasetError("SERVER_BINDING_BAD", reason=str(exc)) from None
    return binding


def _fiscal_year(value: str) -> int:
    from kaset_xl.normalize import thai_digits_to_ascii

    text = thai_digits_to_ascii(str(value)).strip()
    if text.isascii() and text.isdigit() and 1957 <= int(text) <= 2157:  # a Gregorian year: refused, not guessed
        raise KasetError("FISCAL_YEAR_GREGORIAN", value=value, be=int(text) + 543)
    if not (text.isascii() and text.isdigit() and 2500 <= int(text) <= 2700):
        raise KasetError("BAD_FISCAL_YEAR", value=value)
    return int(text)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of issues instead of a table.")
@click.option("--criteria", type=click.Path(dir_okay=False, readable=False),
              help="A province's own criteria file (TOML).")
@click.option("--today", help=TODAY_HELP)
@handles_errors
def validate(files: tuple[str, ...], as_json: bool, criteria: str | None, today: str | None) -> None:
    """Check district workbooks and list every problem with its sheet and cell (files are not changed).

    Exit code 0: no errors (warnings allowed); 1: errors found; 2: a file cannot be used.

    Example:

        kaset-xl validate workbooks/*.xlsx

        kaset-xl validate pai-2564.xlsx --json > issues.json
    """
    from kaset_xl.criteria import load_criteria
    from kaset_xl.validate import validate_file

    day = _today(today)
    crit = load_criteria(path=criteria) if criteria else None
    results = [validate_file(f, criteria=crit, today=day) for f in files]
    if as_json:
        click.echo(json.dumps([i.flat() for r in results for i in r.issues], ensure_ascii=False, indent=1))
    else:
        for r in results:
            _print_result(r.file, r.issues)
    sys.exit(max(r.exit_code for r in results))


def _print_result(file: str, issues: Iterable[Issue]) -> None:
    issues = list(issues)
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    fatal = [i for i in issues if i.severity is Severity.FATAL]
    if fatal:
        for i in fatal:
            click.echo(f"✗ {file}: [{i.code}] {i.message_th}")
            click.echo(f"  {i.message_en}")
        return
    mark = "✓" if not errors else "✗"
    click.echo(f"{mark} {file}: ข้อผิดพลาด {errors} รายการ คำเตือน {warnings} รายการ "
               f"({errors} errors, {warnings} warnings)")
    for i in issues:
        sev = "ผิดพลาด" if i.severity is Severity.ERROR else "เตือน  "
        click.echo(f"  {sev}  {i.location:<22} {i.code:<24} {i.message_th}")


@cli.command()
@click.argument("file", type=click.Path(readable=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the scored workbook here (default: into FILE itself).")
@click.option("--criteria", type=click.Path(dir_okay=False, readable=False),
              help="A province's own criteria file (TOML).")
@click.option("--json", "as_json", is_flag=True, help="Print the results and issues as JSON.")
@click.option("--today", help=TODAY_HELP)
@click.option("--force", is_flag=True, help="Replace --output if it exists (it is never FILE's own copy).")
@handles_errors
def score(file: str, output: str | None, criteria: str | None, as_json: bool, today: str | None,
          force: bool) -> None:
    """Compute 3ก levels, Smart Farmer classes, eligibility, IFPP status, KPIs and budget totals,
    and write them into the workbook's result cells and summary sheet (สรุปผล).

    Only the program's own (grey) cells are written; the officer's entries, protection and buttons
    are kept. Running it twice gives the same workbook values. Exit codes as for validate.

    Example:

        kaset-xl score pai-2564.xlsx

        kaset-xl score pai-2564.xlsx -o pai-2564-scored.xlsx
    """
    from kaset_xl.criteria import load_criteria
    from kaset_xl.scoring import score_file

    day = _today(today)
    _check_copy_output(file, output, force)
    crit = load_criteria(path=criteria) if criteria else None
    outcome = score_file(file, output, criteria=crit, today=day)
    target = output or file
    if as_json:
        r = outcome.result
        click.echo(json.dumps({
            "file": file, "output": target,
            "groups": [{"name": g.name, "category": g.category, "eligible": g.eligible,
                        "round1": g.round1.total if g.round1 else None,
                        "round1_level": g.round1.level if g.round1 else None,
                        "round2": g.round2.total if g.round2 else None,
                        "round2_level": g.round2.level if g.round2 else None,
                        "level_change": g.change.steps if g.change else None,
                        "goal_met": g.change.met if g.change else None,
                        "phase1": g.counts.phase1, "phase2": g.counts.phase2, "seminar": g.counts.seminar,
                        "smart_farmer": dict(g.sf_classes), "materials": g.materials, "model": g.model}
                       for g in r.groups],
            "kpi": None if r.kpi is None else {"percent": list(r.kpi.percent), "evaluated": r.kpi.evaluated,
                                               "learning_centres": r.kpi.learning_centres},
            "budget": {"by_activity": r.budget.by_activity, "total": r.budget.total},
            "issues": [i.flat() for i in outcome.issues],
        }, ensure_ascii=False, indent=1))
    else:
        _print_result(file, outcome.issues)
        for g in outcome.result.groups:
            r1 = f"{g.round1.total:g} {g.round1.level}" if g.round1 else "-"
            r2 = f"{g.round2.total:g} {g.round2.level}" if g.round2 else "-"
            click.echo(f"  {g.name}: 3ก {r1} → {r2}; ระยะ 1/2/สัมมนา {g.counts.phase1}/{g.counts.phase2}/"
                       f"{g.counts.seminar} คน")
        click.echo(f"✓ เขียนผลการคำนวณลงใน {target} (results written to {target})")
    errors = sum(1 for i in outcome.issues if i.severity.value == "error")
    sys.exit(1 if errors else 0)


def _check_copy_output(file: str, output: str | None, force: bool) -> None:
    """``-o`` of a command that writes into the officer's own workbook by default (score, register): an
    existing other file only with ``force``; ``-o FILE`` itself is the default, writing into FILE."""
    if output and not same_file(output, file):
        check_output(output, overwrite=force)


def _today(value: str | None) -> dt.date | None:
    """``--today`` read like every other date input: a year above 2400 is Buddhist era (2564-06-30 is
    30 June 2021), Thai digits and day-first dates (30/6/2564) too."""
    from kaset_xl.normalize import ParseError, to_date

    if not value:
        return None
    try:
        day = to_date(value)
    except ParseError:
        day = None
    if day is None:
        raise KasetError("TODAY_INVALID", value=value)
    return day


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the layout spec as JSON.")
def schema(as_json: bool) -> None:
    """Show the layout of the district workbook: sheets, columns, types and cells.

    Example:

        kaset-xl schema --json > schema.json
    """
    from kaset_xl.workbook.layout import LAYOUT

    spec = LAYOUT.to_dict()
    if as_json:
        click.echo(json.dumps(spec, ensure_ascii=False, indent=1))
        return
    click.echo(f"{spec['template_id']} รุ่น/version {spec['template_version']}")
    for sheet in spec["sheets"]:
        click.echo(f"\n[{sheet['name']}] ({sheet['kind']})")
        for f in sheet.get("fields", []):
            req = "*" if f["required"] else " "
            click.echo(f"  {f['cell']:<5}{req} {f['key']:<20} {f['type']:<11} {f['label']}")
        for c in sheet.get("columns", []):
            req = "*" if c["required"] else " "
            choices = f" [{c['choices']}]" if c["choices"] else ""
            click.echo(f"  {c['letter']:<5}{req} {c['key']:<20} {c['type']:<11} {c['header']}{choices}")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="The provincial workbook to write (.xlsx); an earlier one is replaced, any other existing file "
                   "only with --force. Required unless --dry-run.")
@click.option("--province", "-p",
              help="จังหวัด: ชื่อหรือรหัส 2 หลัก (default: the province most usable workbooks share).")
@click.option("--year", "-y", help="ปีงบประมาณ พ.ศ., e.g. 2564 (default: the year most usable workbooks share).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
@click.option("--strict", is_flag=True, help="Exit 2 and write nothing if any file is unusable or left out.")
@click.option("--exclude-errors", is_flag=True,
              help="Leave a district whose workbook has errors out of the กสอ. totals (default: counted, flagged).")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), help="Worker processes (default: min(2, CPUs)).")
@click.option("--full-ids", is_flag=True,
              help="Show full citizen IDs (บุคคลซ้ำ, ปัญหา, this command's output); default: masked (PDPA).")
@click.option("--dry-run", is_flag=True, help="Read and check everything and report, but write no file.")
@click.option("--criteria", type=click.Path(dir_okay=False, readable=False),
              help="A province's own criteria file (TOML).")
@click.option("--today", help=TODAY_HELP)
@click.option("--force", is_flag=True, help="Replace --output even if it is not an earlier provincial workbook.")
@TEMPLATES_OPTION
@handles_errors
def consolidate(inputs: tuple[str, ...], output: str | None, province: str | None, year: str | None, as_json: bool,
                strict: bool, exclude_errors: bool, jobs: int | None, full_ids: bool, dry_run: bool,
                criteria: str | None, today: str | None, force: bool, templates: str | None) -> None:
    """Consolidate district workbooks (files or folders) into one provincial workbook:
    กสอ.1–4, completeness and timeliness of every district, issues, duplicate persons, provenance.

    Every number is recomputed from the districts' entries; inputs are never changed; the output is
    written to a temporary file and renamed. Every readable workbook of the province and year is
    counted, errors and all (each sheet shows the errors behind its figures; --exclude-errors leaves
    such a district out). A broken file is reported and the others are still consolidated (--strict:
    exit 2 and no output). Exit code 0: done, all clean; 1: done, but something needs attention (a
    district with errors, empty or missing, a file left out); 2: nothing written.

    Example:

        kaset-xl consolidate workbooks/ -o province-58-2564.xlsx

        kaset-xl consolidate a.xlsx b.xlsx -o out.xlsx -p 58 -y 2564 --json

        kaset-xl consolidate workbooks/ --dry-run

        kaset-xl consolidate workbooks/ -o province.xlsx --templates my-templates/
    """
    from kaset_xl.consolidate import ConsolidationRefused, write_provincial_workbook
    from kaset_xl.consolidate import consolidate as run

    if output is None and not dry_run:
        raise click.UsageError("Missing option '--output' / '-o' (or use --dry-run to write nothing).")
    day = _today(today)
    fiscal_year = _fiscal_year(year) if year else None
    if not dry_run:
        _check_templates(templates)
    paths = _inputs(inputs)
    if output is not None and not dry_run:
        paths = _check_provincial_output(paths, output, force)
    try:
        result = _consolidate(run, paths or list(inputs), province, fiscal_year, jobs, criteria=criteria,
                              today=day, exclude_errors=exclude_errors)
    except ConsolidationRefused as exc:  # each file's problem first, then why nothing was written
        _print_refused(exc, as_json, full_ids)
        fail(exc)
        sys.exit(2)
    problems = result.refused_files  # --strict: broken, foreign or superseded files (not empty or held back ones)
    if strict and problems:
        _print_consolidation(result, None, as_json, full_ids=full_ids)
        raise KasetError("CONSOLIDATE_STRICT", count=problems)
    if dry_run:
        _print_consolidation(result, None, as_json, dry_run=True, full_ids=full_ids)
    else:
        assert output is not None
        write_provincial_workbook(result, output, full_ids=full_ids, templates=templates)
        _print_consolidation(result, output, as_json, full_ids=full_ids)
    sys.exit(1 if result.needs_attention else 0)


def _inputs(inputs: Iterable[str]) -> list[Path]:
    """The workbooks named by files and folders (collected once per command)."""
    from kaset_xl.consolidate import collect_inputs

    return collect_inputs(inputs)


def _consolidate(run: Callable[..., Any], paths: list[Any], province: str | None, year: int | None,
                 jobs: int | None, **options: Any) -> Any:
    """``run`` (the library's consolidate) over ``paths``, with a progress bar on a terminal.  Given no
    workbooks, ``paths`` are the inputs as typed, for the library's message."""
    if not sys.stderr.isatty() or len(paths) < 2:
        return run(paths, province=province, year=year, jobs=jobs, **options)
    with click.progressbar(length=len(paths), label="อ่านแบบฟอร์ม (reading)", file=sys.stderr) as bar:
        return run(paths, province=province, year=year, jobs=jobs, progress=lambda _s: bar.update(1), **options)


def _problem(why: Any, full_ids: bool) -> dict[str, str] | None:
    """A left-out file's reason as JSON: its code, Thai and English (citizen IDs masked by default)."""
    if why is None:
        return None
    from kaset_xl.consolidate.reports import mask_ids_in

    show = (lambda t: t) if full_ids else mask_ids_in
    return {"code": why.code, "message_th": show(why.message_th), "message_en": show(why.message_en)}


def _echo_problem(path: str, why: Any, full_ids: bool) -> None:
    p = _problem(why, full_ids)
    assert p is not None
    click.echo(f"✗ {path}: [{p['code']}] {p['message_th']}")
    click.echo(f"  {p['message_en']}")


def _print_refused(exc: Any, as_json: bool, full_ids: bool) -> None:
    """Nothing could be consolidated: every file with its problem (the error itself follows on stderr)."""
    if as_json:
        click.echo(json.dumps({"error": exc.as_issue().flat(),
                               "files": [{"file": f.path, "used": False, "problem": _problem(exc.problem(f), full_ids),
                                          "province": f.province_code or None, "fiscal_year": f.fiscal_year,
                                          "district": f.district_code or None}
                                         for f in exc.files]}, ensure_ascii=False, indent=1))
        return
    for f in exc.files:
        why = exc.problem(f)
        if why is not None:
            _echo_problem(f.path, why, full_ids)
        else:
            click.echo(f"! {f.path}: จังหวัด {f.province_code} ปี {f.fiscal_year} อำเภอ {f.district_code} "
                       f"(province {f.province_code}, FY{f.fiscal_year}, district {f.district_code})")


def _print_consolidation(result: Any, output: str | None, as_json: bool, *, dry_run: bool = False,
                         full_ids: bool = False) -> None:
    from kaset_xl.consolidate.core import STATUS_EN, STATUS_TH, STATUSES

    counts = result.counts()
    used = result.used
    totals = {"groups": sum(f.registry_groups for f in used), "members": sum(f.members for f in used),
              "programme_groups": sum(len(f.registered_groups) for f in used),
              "phase1": sum(g.phase1 for f in used for g in f.groups),
              "phase2": sum(g.phase2 for f in used for g in f.groups),
              "seminar": sum(g.seminar for f in used for g in f.groups),
              "budget": round(sum(f.budget_total for f in used), 2)}
    if as_json:
        click.echo(json.dumps({
            "province": result.province_code, "fiscal_year": result.fiscal_year, "output": output,
            "dry_run": dry_run, "exclude_errors": result.exclude_errors,
            "districts": {s: [d.code for d in result.districts if d.status == s] for s in STATUSES},
            "late": [d.code for d in result.districts if d.late],
            "totals": totals, "errors_in_totals": result.errors_counted,
            "duplicates": len({d.citizen_id for d in result.duplicates}),
            "files": [{"file": f.path, "used": f in used, "district": f.district_code or None,
                       "errors": f.errors if f.usable else None, "warnings": f.warnings if f.usable else None,
                       "problem": _problem(f.fatal or result.left_out.get(f.path), full_ids)}
                      for f in result.files],
        }, ensure_ascii=False, indent=1))
        return
    status = {d.file: d for d in result.districts if d.file}
    for f in result.files:
        why = f.fatal or result.left_out.get(f.path)
        if why is not None:
            _echo_problem(f.path, why, full_ids)
            continue
        d = status.get(f.name)
        mark = "✓" if d is not None and d.status == "received" else "!"
        label = f"อำเภอ{d.name_th} ({d.code}) {d.status}" if d is not None else f.district_code
        click.echo(f"{mark} {f.path}: {label}; ข้อผิดพลาด {f.errors} คำเตือน {f.warnings} "
                   f"({f.errors} errors, {f.warnings} warnings)")
    shown = [s for s in STATUSES if counts[s]]
    click.echo(f"จังหวัด{result.province_th} ปีงบประมาณ {result.fiscal_year}: "
               + ", ".join(f"{STATUS_TH[s]} {counts[s]}" for s in shown)
               + f", ส่งล่าช้า {counts['late']} จาก {len(result.districts)} อำเภอ")
    click.echo(f"  {result.province_en} FY{result.fiscal_year}: "
               + ", ".join(f"{counts[s]} {STATUS_EN[s]}" for s in shown)
               + f", {counts['late']} late, of {len(result.districts)} districts")
    click.echo(f"  กลุ่ม {totals['groups']} สมาชิก {totals['members']} ระยะที่ 1 {totals['phase1']} คน "
               f"(groups, members, phase-1 participants); บุคคลซ้ำ {len({d.citizen_id for d in result.duplicates})}")
    if result.errors_counted:
        click.echo(f"  ! ยอดรวมรวมข้อมูลที่ยังมีข้อผิดพลาด {result.errors_counted} รายการ — ดูชีตปัญหา "
                   f"(the totals include data with {result.errors_counted} errors — see the ปัญหา sheet)")
    if result.exclude_errors:
        click.echo("  --exclude-errors: ไม่รวมอำเภอที่มีข้อผิดพลาด (districts with errors left out of the totals)")
    if output:
        click.echo(f"✓ เขียนรายงานจังหวัดที่ {output} (provincial workbook written to {output})")
    elif dry_run:
        click.echo("ทดลองรวม ไม่ได้เขียนไฟล์ใด ๆ (dry run: no file written)")


@cli.command()
@click.option("--input", "-i", "folder", type=click.Path(file_okay=False),
              help="Folder of district workbooks (default: the shipped samples).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default="kaset-demo-58-2564.xlsx",
              show_default=True, help="The provincial workbook to write.")
@click.option("--force", is_flag=True, help="Replace --output even if it is not an earlier provincial workbook.")
@TEMPLATES_OPTION
@handles_errors
def demo(folder: str | None, output: str, force: bool, templates: str | None) -> None:
    """Run the main job on the shipped sample workbooks of Mae Hong Son (แม่ฮ่องสอน): consolidate
    them into one provincial workbook and say what it made and where.

    Example:

        kaset-xl demo

        kaset-xl demo -o /tmp/mae-hong-son.xlsx
    """
    from kaset_xl.consolidate import consolidate as run
    from kaset_xl.consolidate import write_provincial_workbook
    _check_templates(templates)
    src = Path(folder) if folder else _sample_folder()
    if not any(p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith((".", "~$")) for p in src.glob("*")):
        raise KasetError("FILE_NOT_FOUND", file=str(src / "*.xlsx"))
    paths = _check_provincial_output(_inputs([str(src)]), output, force)
    click.echo(f"รวมรายงานจากแบบฟอร์มตัวอย่างใน {src} (consolidating the sample workbooks in {src})")
    result = _consolidate(run, paths, None, None, None)
    write_provincial_workbook(result, output, templates=templates)
    _print_consolidation(result, str(Path(output).resolve()), False)
    click.echo("  ชีต (sheets): " + ", ".join(_sheets()))
    sys.exit(1 if result.needs_attention else 0)


def _check_templates(templates: str | None) -> None:
    """Before any work: the report template (a province's own with --templates, else the shipped one)
    opens and has every defined name the filler needs (TEMPLATE_NAME_MISSING, exit 2, nothing written)."""
    from kaset_xl.consolidate.writer import open_template

    open_template(templates)


def _sample_folder() -> Path:
    """The shipped sample workbooks (package data), wherever kaset_xl is installed."""
    import importlib.resources

    return Path(str(importlib.resources.files("kaset_xl.sample_workbooks")))


def _check_provincial_output(paths: list[Path], output: str, force: bool) -> list[Path]:
    """Before any work: a re-run replaces its earlier provincial workbook (not read as an input when it
    was written into an input folder); any other existing file only with ``force``, an input never.
    Returns the inputs to read."""
    from kaset_xl.consolidate.writer import is_provincial_workbook

    ours = is_provincial_workbook(output)
    if ours:
        paths = [p for p in paths if not same_file(p, output)]
    check_output(output, inputs=tuple(paths), overwrite=force or ours)
    return paths


def _sheets() -> tuple[str, ...]:
    from kaset_xl.consolidate import SHEETS

    return SHEETS


@cli.command()
@click.argument("file", type=click.Path(readable=False))
@click.option("--group", "-g", required=True, help="ชื่อกลุ่มตามคำขอในชีตจัดตั้งกลุ่ม (the application's group name).")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="The certificate to write: OUT.pdf (through LibreOffice) or OUT.xlsx.")
@click.option("--thai-digits", is_flag=True, help="Thai numerals (๑๒ ธันวาคม ๒๕๖๓) instead of 12 ธันวาคม 2563.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@TEMPLATES_OPTION
@handles_errors
def certificate(file: str, group: str, output: str, thai_digits: bool, force: bool, templates: str | None) -> None:
    """Write the establishment certificate (ใบรับรองการจัดตั้งกลุ่มส่งเสริมอาชีพการเกษตร) of an approved
    application as a one-page A4 PDF (needs LibreOffice) or .xlsx. FILE is not changed.

    Exit code 0: written; 1: written, but the checks find errors in the application (listed);
    2: nothing written.

    Example:

        kaset-xl certificate pai-2564.xlsx --group กลุ่มปลูกผัก -o cert.pdf

        kaset-xl certificate pai.xlsx -g กลุ่มปลูกผัก -o cert.xlsx --thai-digits

        kaset-xl certificate pai.xlsx -g กลุ่มปลูกผัก -o cert.pdf --templates my-templates/
    """
    from kaset_xl.certificate import application_errors, certificate_data, certificate_template, render_certificate
    from kaset_xl.workbook.reader import read_district_workbook

    out = check_output(output, inputs=(file,), overwrite=force)  # before reading: nothing to do
    certificate_template(templates)  # the template (a province's own with --templates) has its CERT_AREA
    book = read_district_workbook(file)
    data = certificate_data(book, group)
    render_certificate(data, out, thai_digits=thai_digits, overwrite=force, templates=templates)
    click.echo(f"✓ ใบรับรองการจัดตั้ง{data.group_name} เลขที่ {data.certificate_no}: {out}")
    click.echo(f"  wrote the establishment certificate of {data.group_name} to {out}")
    _print_application_errors(application_errors(book, group))


@cli.command()
@click.argument("file", type=click.Path(readable=False))
@click.option("--group", "-g", required=True, help="ชื่อกลุ่มตามคำขอในชีตจัดตั้งกลุ่ม (the application's group name).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the workbook here (default: into FILE itself).")
@click.option("--force", is_flag=True, help="Replace --output if it exists.")
@handles_errors
def register(file: str, group: str, output: str | None, force: bool) -> None:
    """Move an approved group into the registry: one row of ทะเบียนกลุ่ม (establishment date and number
    from the certificate) and its applicants as rows of สมาชิก. Refused for a group already in the
    registry or not approved; entries, protection and buttons are kept; written atomically.
    Exit codes as for certificate.

    Example:

        kaset-xl register pai-2564.xlsx --group กลุ่มปลูกผัก

        kaset-xl register pai-2564.xlsx -g กลุ่มปลูกผัก -o registered.xlsx
    """
    from kaset_xl.establish_register import register_file

    _check_copy_output(file, output, force)
    plan = register_file(file, group, output)
    target = output or file
    rows = f"{plan.member_rows[0]}–{plan.member_rows[-1]}" if plan.member_rows else "-"
    click.echo(f"✓ ย้าย{plan.group}เข้าทะเบียนกลุ่ม แถว {plan.group_row} และสมาชิก {len(plan.member_rows)} คน "
               f"(แถว {rows}): {target}")
    click.echo(f"  moved {plan.group} into the registry (row {plan.group_row}) with {len(plan.member_rows)} "
               f"members (rows {rows}): {target}")
    _print_application_errors(plan.errors)


def _print_application_errors(errors: list[Issue]) -> None:
    """The checks' errors about an application that was acted on anyway (the officer decided); exit 1 if any."""
    if errors:
        click.echo(f"! คำขอนี้ยังมีข้อผิดพลาด {len(errors)} รายการ (the application has {len(errors)} errors):")
        for i in errors:
            click.echo(f"  {i.location:<22} {i.code:<34} {i.message_th}")
    sys.exit(1 if errors else 0)


@cli.command()
@click.option("--tokens", "tokens_file", required=True, type=click.Path(dir_okay=False),
              help="The tokens file (district code and SHA-256 of its token per line), made by kaset-xl token.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy that does HTTPS).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--timeout", default=20.0, show_default=True, type=click.FloatRange(1, 300),
              help="Seconds a click may take before it is answered with a timeout.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32),
              help="Buttons run at once (threads); more clicks wait in a bounded queue.")
@handles_errors
def serve(tokens_file: str, host: str, port: int, timeout: float, workers: int) -> None:
    """Run the district workbooks' buttons as a web service for the province (xlwings' remote engine).

    Workbooks made with `kaset-xl template --server URL` post themselves here when a button is
    clicked; each request must carry its district's token, and the workbook must be that district's.
    No workbook content is kept: one log line per click (district, button, time, counts).
    Needs the server extra: pip install "kaset_xl[server]".

    Example:

        kaset-xl serve --tokens tokens.txt --host 127.0.0.1 --port 8000
    """
    import os

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial (government use)
    from kaset_xl.remote import TokenBook

    book = TokenBook.load(tokens_file)
    try:
        from kaset_xl.server import serve as run_server
    except ImportError as exc:
        raise KasetError("SERVER_EXTRA_MISSING", module=exc.name or "fastapi") from None
    click.echo(f"✓ kaset-xl serve: {len(book.entries)} อำเภอ (districts), http://{host}:{port}/  (Ctrl+C หยุด)")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo("! ฟังทุกเครือข่ายโดยไม่มี HTTPS: ให้ reverse proxy ที่มีใบรับรองรับหน้าแทน (tokens travel in clear text "
                   "without HTTPS: put an HTTPS reverse proxy in front)", err=True)
    run_server(book, host=host, port=port, timeout=timeout, workers=workers)


@cli.command()
@click.option("--district", "-d", required=True, help="รหัสอำเภอ 4 หลัก (the district's 4-digit code), e.g. 5803.")
@click.option("--tokens", "tokens_file", required=True, type=click.Path(dir_okay=False),
              help="The tokens file of kaset-xl serve (created when missing).")
@handles_errors
def token(district: str, tokens_file: str) -> None:
    """Make a new token for a district and record it for kaset-xl serve (an earlier one is revoked).

    The token is printed once: give it to the district (or build its workbook with --token); the
    file keeps only its SHA-256.  Restart kaset-xl serve to use the changed file.

    Example:

        kaset-xl token --district 5803 --tokens tokens.txt
    """
    from kaset_xl.remote import add_token

    made = add_token(tokens_file, district.strip())
    click.echo(made)
    click.echo(f"✓ รหัสเข้าใช้ใหม่ของอำเภอ {district} บันทึกใน {tokens_file} แล้ว (ยกเลิกรหัสเดิม) — แสดงครั้งเดียว", err=True)
    click.echo(f"  new token for district {district} recorded in {tokens_file} (shown once; the old one is revoked)",
               err=True)


def main() -> None:
    _utf8_streams()
    try:
        cli.main(prog_name="kaset-xl", standalone_mode=True)
    except KasetError as exc:  # pragma: no cover - commands handle their own
        fail(exc)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
