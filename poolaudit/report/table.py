"""The terminal format: rich tables of findings grouped by service, then a summary line.

The only module that imports rich.  Colour and width are parameters, never read from the
environment here (the CLI decides from NO_COLOR and the terminal), so a render is reproducible.
"""

from __future__ import annotations

from io import StringIO

from rich import box
from rich.cells import cell_len
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
HEADERS = ("file:line", "setting (env)", "value", "bound", "verdict")
GAP = 3  # SIMPLE_HEAD: one space of padding each side of a one-space column separator
# How the width left by `bound` and `verdict` is shared when file, setting and value do not all
# fit: the key is what a person searches for, so it gets the largest share.
SHARES = (0.3, 0.45, 0.25)


def _console(color: bool, width: int) -> tuple[Console, StringIO]:
    buffer = StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        legacy_windows=False,
        _environ={},  # NO_COLOR, COLUMNS, TERM ... are the CLI's business, not the renderer's
    )
    return console, buffer


def _rows(findings: list[Finding]) -> list[tuple[Text, ...]]:
    rows: list[tuple[Text, ...]] = []
    for f in findings:
        setting = Text(key_cell(f) or "(file)")
        if f.setting is not None:
            setting.append(f"\n{f.setting.environment}", style="dim")
        rows.append(
            (
                Text(f"{f.path}:{f.line}"),
                setting,
                # A file-level finding has no value; its message (why it was skipped) goes here.
                Text(masked(value_cell(f.setting) if f.setting is not None else f.message)),
                Text(bound_cell(f)),
                Text(f"{f.code} {f.name}", style=STYLES.get(severity(f), "")),
            )
        )
    return rows


def _widest(rows: list[tuple[Text, ...]], column: int, words: bool = False) -> int:
    """The widest line of a column, or (words=True) its widest unbreakable word."""
    cells = [HEADERS[column], *(line for row in rows for line in row[column].plain.split("\n"))]
    if words:
        cells = [word for cell in cells for word in cell.split()]
    return max(cell_len(cell) for cell in cells)


def share(room: int, wants: list[int], shares: tuple[float, ...]) -> list[int]:
    """Widths for wrapping columns: each gets its share of `room`, and what a column does not
    need goes to the others (so a short value never leaves a long key wrapped)."""
    widths = list(wants)
    active = list(range(len(wants)))
    while active:
        total = sum(shares[i] for i in active)
        fits = [i for i in active if wants[i] <= room * shares[i] / total]
        if not fits:
            for i in active:
                widths[i] = max(1, int(room * shares[i] / total))
            break
        for i in fits:
            room -= wants[i]
            active.remove(i)
    return widths


def _table(service: str, findings: list[Finding], width: int) -> Table:
    rows = _rows(findings)
    table = Table(
        title=Text(service, style="bold"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        header_style="bold",
    )
    for i, header in enumerate(HEADERS):
        table.add_column(header, overflow="fold", justify="right" if header == "bound" else "left")
    natural = [_widest(rows, i) for i in range(len(HEADERS))]
    room = width - natural[3] - natural[4] - GAP * (len(HEADERS) - 1)
    # Below a usable width rich's own squeezing is as good as any; above it, fixed widths:
    # first no word folded (values wrap at their spaces), then extra room by share.
    if sum(natural[:3]) > room >= 3 * 8:
        words = [_widest(rows, i, words=True) for i in range(3)]
        if sum(words) <= room:
            extra = share(room - sum(words), [n - w for n, w in zip(natural, words)], SHARES)
            widths = [w + e for w, e in zip(words, extra)]
        else:
            widths = share(room, words, SHARES)
        for column, w in zip(table.columns, widths):
            column.width = w
    for row in rows:
        table.add_row(*row)
    return table


def _by_service(result: Result) -> dict[str, list[Finding]]:
    """Findings per service, services in order of their worst finding, worst findings first."""
    by_path = services_by_path(result)
    groups: dict[str, list[Finding]] = {}
    for f in worst_first(result.findings):
        groups.setdefault(service_of(f, by_path) or NO_SERVICE, []).append(f)
    return groups


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    width = width or 120
    console, buffer = _console(color, width)
    if result.findings:
        for service, findings in _by_service(result).items():
            console.print(_table(service, findings, width))
            console.print()
    else:
        console.print(Text("No findings.", style="bold green"))
    console.print(Text(summary_sentence(summarize(result))))
    # rich pads every cell to its column; trailing blanks only make golden files and diffs noisy.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())
