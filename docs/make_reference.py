"""Generate docs/reference/messages.md (from kaset_xl/messages.toml) and docs/reference/commands.md (from the
click commands' own ``--help``).

    python docs/make_reference.py          # rewrite both files
    python docs/make_reference.py --check  # exit 1 if either is stale (what tests/test_docs.py asserts)

The references are generated, never edited by hand: the catalogue and the commands are their single source.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

import click

HERE = Path(__file__).resolve().parent
REFERENCE = HERE / "reference"
WIDTH = 100  # the width the commands' help is formatted at (cli's max_content_width)

_SECTION = re.compile(r"^# -{8,}\s*(.+?)\s*$")
_CODE = re.compile(r"^\[([A-Z0-9_]+)\]\s*$")
_SEVERITY_TH = {"fatal": "ใช้ไฟล์ไม่ได้ (fatal)", "error": "ข้อผิดพลาด (error)", "warning": "คำเตือน (warning)"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def messages_md() -> str:
    """Every code of the catalogue, in the catalogue's order and sections, with its severity and both texts."""
    raw_text = files("kaset_xl").joinpath("messages.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(raw_text)
    out = [
        "# รหัสข้อความ (message codes)",
        "",
        "Generated from `kaset_xl/messages.toml` by `python docs/make_reference.py` — do not edit by hand.",
        "Every problem kaset-xl reports carries one of these codes; `{name}` is filled in with the file, cell or",
        "value concerned. Severity: *ใช้ไฟล์ไม่ได้ (fatal)* — the file cannot be used at all (exit code 2);",
        "*ข้อผิดพลาด (error)* — must be fixed; *คำเตือน (warning)* — check it.",
        "",
        f"{len(entries)} codes.",
    ]
    for line in raw_text.splitlines():
        section = _SECTION.match(line)
        if section:
            out += ["", f"## {section.group(1)}", "", "| code | severity | ข้อความ (Thai) | message (English) |",
                    "|---|---|---|---|"]
            continue
        code = _CODE.match(line)
        if code:
            entry = entries[code.group(1)]
            out.append(f"| `{code.group(1)}` | {_SEVERITY_TH[entry['severity']]} | {_cell(entry['th'])} | "
                       f"{_cell(entry['en'])} |")
    return "\n".join(out) + "\n"


def _commands(group: click.Group) -> list[tuple[str, click.Command]]:
    ctx = click.Context(group, info_name="kaset-xl")
    return [(name, group.get_command(ctx, name)) for name in group.list_commands(ctx)]  # type: ignore[misc]


def _help(command: click.Command, info_name: str, parent: click.Context | None = None) -> str:
    ctx = click.Context(command, info_name=info_name, parent=parent)
    return command.get_help(ctx)


def commands_md() -> str:
    """Each command's ``--help``, exactly as the terminal shows it."""
    from kaset_xl.cli import cli

    settings = {**cli.context_settings, "terminal_width": WIDTH, "max_content_width": WIDTH}
    top = click.Context(cli, info_name="kaset-xl", **settings)
    out = [
        "# คำสั่ง (command reference)",
        "",
        "Generated from the commands' own `--help` by `python docs/make_reference.py` — do not edit by hand.",
        "",
        "## kaset-xl",
        "",
        "```",
        cli.get_help(top),
        "```",
    ]
    for name, command in _commands(cli):
        if command.hidden:
            continue
        out += ["", f"## kaset-xl {name}", "", "```", _help(command, name, top), "```"]
    return "\n".join(out) + "\n"


def generated() -> dict[Path, str]:
    return {REFERENCE / "messages.md": messages_md(), REFERENCE / "commands.md": commands_md()}


def main(argv: list[str]) -> int:
    stale = [path for path, text in generated().items()
             if not path.exists() or path.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"stale: {path.relative_to(HERE.parent)} — run: python docs/make_reference.py")
        return 1 if stale else 0
    REFERENCE.mkdir(exist_ok=True)
    for path, text in generated().items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
