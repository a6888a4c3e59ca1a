"""The terminal format: a rich table of findings grouped by service, then a summary line.

The only module that imports rich.  Colour is a parameter, never read from the environment
here (the CLI decides from NO_COLOR and the terminal), so a render is reproducible.
"""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from poolaudit.model import Finding, Result
from poolaudit.report._facts import (
    bound_cell,
    key_cell,
    masked,
    service_of,
    services_by_path,
    severity,
    summarize,
    summary_sentence,
    value_cell,
    worst_first,
)

STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
NO_SERVICE = "(no service)"


def _console(color: bool, width: int | None) -> tuple[Console, StringIO]:
    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width or 120,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        _environ={},  # NO_COLOR, COLUMNS, TERM ... are the CLI's business, not the renderer's
    )
    return console, buffer


def _table(service: str, findings: list[Finding]) -> Table:
    table = Table(
        title=Text(service, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    # Short columns never wrap; long paths, keys and values fold, so narrow terminals keep rows.
    table.add_column("file:line", overflow="fold")
    table.add_column("env", no_wrap=True)
    table.add_column("setting", overflow="fold")
    table.add_column("value", overflow="fold")
    table.add_column("bound", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    for f in findings:
        table.add_row(
            Text(f"{f.path}:{f.line}"),
            Text(f.setting.environment if f.setting is not None else ""),
            Text(key_cell(f) or "(file)"),
            # A file-level finding has no value; its message (why the file was skipped) goes there.
            Text(masked(value_cell(f.setting) if f.setting is not None else f.message)),
            Text(bound_cell(f)),
            Text(f"{f.code} {f.name}", style=STYLES.get(severity(f), "")),
        )
    return table


def _by_service(result: Result) -> dict[str, list[Finding]]:
    """Findings per service, services in order of their worst finding, worst findings first."""
    by_path = services_by_path(result)
    groups: dict[str, list[Finding]] = {}
    for f in worst_first(result.findings):
        groups.setdefault(service_of(f, by_path) or NO_SERVICE, []).append(f)
    return groups


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    console, buffer = _console(color, width)
    if result.findings:
        for service, findings in _by_service(result).items():
            console.print(_table(service, findings))
            console.print()
    else:
        console.print(Text("No findings.", style="bold green"))
    console.print(Text(summary_sentence(summarize(result))))
    # rich pads every cell to its column; trailing blanks only make golden files and diffs noisy.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
