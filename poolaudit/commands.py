"""The typer application: the commands, their options and help.  What a command does is behind
one call; the exit status comes back through `cli.run`.  `poolaudit.cli` imports this module
only for command lines that need parsing (see cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperCommand

from poolaudit import __version__, arguments, cli

app = typer.Typer(
    name="poolaudit",
    help="Find, check and fix database connection-pool settings across service repositories.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

class OrderedCommand(TyperCommand):
    """Keeps the raw arguments so `--format X --output F` pairs can be read in order."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        ctx.meta["raw_args"] = list(args)
        return super().parse_args(ctx, args)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"poolaudit {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Find, check and fix database connection-pool settings across service repositories."""


Paths = Annotated[Optional[list[Path]], typer.Argument(help="Repositories, folders or files (default: .).")]
PolicyOpt = Annotated[Optional[Path], typer.Option("--policy", help="Policy file (YAML or TOML).")]
FormatOpt = Annotated[
    Optional[list[str]],
    typer.Option("--format", "-f", help="table, concise, json, sarif, github, markdown (repeatable)."),
]
OutputOpt = Annotated[
    Optional[list[Path]], typer.Option("--output", "-o", help="Write the preceding --format to this file.")
]
SelectOpt = Annotated[Optional[list[str]], typer.Option("--select", help="Only these rule codes or names.")]
IgnoreOpt = Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rule codes or names.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")]


def _outputs(ctx: typer.Context, formats: list[str] | None) -> list[tuple[str, Path | None]]:
    return arguments.outputs(ctx.meta.get("raw_args", []), formats)


def _check_formats(pairs: list[tuple[str, Path | None]]) -> None:
    from poolaudit.report import FORMATS

    for fmt, _ in pairs:
        if fmt not in FORMATS:
            raise typer.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}", param_hint="--format")


@app.command(cls=OrderedCommand)
def audit(
    ctx: typer.Context,
    paths: Paths = None,
    policy: PolicyOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    baseline: Annotated[Optional[Path], typer.Option(help="Report only findings not in this baseline.")] = None,
    write_baseline: Annotated[
        Optional[Path], typer.Option("--write-baseline", help="Record today's findings and exit 0.")
    ] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with violations.")] = False,
    jobs: Annotated[int, typer.Option(help="Worker processes (0: automatic).")] = 0,
    max_file_size: Annotated[float, typer.Option(help="Skip files larger than this many MiB.")] = 4.0,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Read every file again instead of reusing unchanged files' results.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Find every pool setting, check it against the policy, report."""
    pairs = _outputs(ctx, format)
    _check_formats(pairs)

    code = cli.audit(
        paths,
        policy,
        pairs,
        arguments.split_codes(select),
        arguments.split_codes(ignore),
        baseline,
        write_baseline,
        exit_zero=exit_zero,
        jobs=jobs,
        max_file_size=max_file_size,
        no_cache=no_cache,
        debug=debug,
    )
    raise typer.Exit(code)


@app.command()
def explain(code: Annotated[str, typer.Argument(help="A rule code or name, e.g. PA101.")]) -> None:
    """Print a rule's documentation."""
    from poolaudit import rules

    try:
        rule = rules.get(code)
    except KeyError:
        typer.echo(f"poolaudit: error: unknown rule {code!r}; `poolaudit rules` lists them", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"{rule.CODE} {rule.NAME}\n\n{(rule.__doc__ or '').strip()}")


@app.command(name="rules")
def list_rules() -> None:
    """List every rule: code, name, default severity, summary."""
    from poolaudit.rules import RULES

    for code, rule in RULES.items():
        typer.echo(f"{code}  {rule.NAME:<28} {rule.SEVERITY.value if hasattr(rule.SEVERITY, 'value') else rule.SEVERITY:<8} {rule.SUMMARY}")


@app.command(cls=OrderedCommand)
def fix(
    ctx: typer.Context,
    paths: Paths = None,
    policy: PolicyOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    select: SelectOpt = None,
    ignore: IgnoreOpt = None,
    diff: Annotated[bool, typer.Option("--diff", help="Print unified diffs of the edits; write nothing.")] = False,
    exit_zero_even_if_changed: Annotated[
        bool, typer.Option("--exit-zero-even-if-changed", help="Exit 0 when files were changed (for bots).")
    ] = False,
    commit: Annotated[
        bool, typer.Option("--commit", help="Commit the edits on a fix branch built from --base; the checkout is not touched.")
    ] = False,
    branch: Annotated[Optional[str], typer.Option(help="Fix branch (default: poolaudit/raise-undersized-pools).")] = None,
    base: Annotated[str, typer.Option(help="Commit the fix branch starts from.")] = "HEAD",
    push: Annotated[Optional[str], typer.Option("--push", help="Push the fix branch to this remote.")] = None,
    pr_body: Annotated[Optional[Path], typer.Option("--pr-body", help="Write a Markdown pull-request body here.")] = None,
    author: Annotated[Optional[str], typer.Option(help="Author and committer: 'Name <email>'.")] = None,
    jobs: Annotated[int, typer.Option(help="Worker processes (0: automatic).")] = 0,
    rebalance: Annotated[
        bool, typer.Option("--rebalance", help="Lower the pools of a database over its budget, in proportion to their minimums.")
    ] = False,
    debug: DebugOpt = False,
) -> None:
    """Raise undersized pools with minimal, verified edits (--diff previews, --commit makes a branch)."""
    pairs = _outputs(ctx, format) if format else []
    _check_formats(pairs)

    def body() -> int:
        from poolaudit import changelog
        from poolaudit import fix as fixing
        from poolaudit.audit import audit as run_audit
        from poolaudit.check import failing
        from poolaudit.scan import ScanOptions

        targets = paths or [Path(".")]
        loaded = cli.load_policy(policy, targets, arguments.split_codes(select), arguments.split_codes(ignore))
        if rebalance:  # as the policy's `capacity.rebalance: true`
            loaded = loaded.model_copy(update={"capacity": loaded.capacity.model_copy(update={"rebalance": True})})
        options = ScanOptions(jobs=jobs)
        if commit or push:
            repos = fixing.commit_branches(targets, loaded, options, branch=branch, base=base, remote=push, author=author)
            typer.echo(changelog.branch_table(repos), nl=False)
            if pr_body is not None:
                changes = [c for r in repos for c in r.changes]
                pr_body.write_text(changelog.pr_body(changes, [x for r in repos for x in r.left], loaded), encoding="utf-8")
            if any(r.error for r in repos):
                return 2
            changed = any(r.changes for r in repos)
            left = failing([f for r in repos for f, _ in r.left], loaded)
            return 1 if (changed and not exit_zero_even_if_changed) or left else 0
        result = run_audit(targets, loaded, options)
        report = fixing.apply(fixing.plan(result, loaded), write=not diff)
        if diff:
            sys.stdout.write(changelog.diff(report))
        typer.echo(changelog.summary(report, wrote=not diff), nl=False, err=diff)
        if pr_body is not None:
            pr_body.write_text(changelog.pr_body(report.changes, changelog.left(report), loaded), encoding="utf-8")
        remaining = [f for f, _ in changelog.left(report)]
        if pairs:  # what is left to do, in the formats CI asked for
            import dataclasses

            from poolaudit import report as formats

            after = dataclasses.replace(result, findings=remaining)
            cli.emit(pairs, lambda fmt, color, width: formats.render(fmt, after, color=color, width=width))
        left = failing(remaining, loaded)
        return 1 if (report.new_texts and not exit_zero_even_if_changed) or left else 0

    raise typer.Exit(cli.run(debug, body))


@app.command()
def capacity(
    paths: Paths = None,
    policy: PolicyOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or markdown.")] = "table",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to this file.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Connection demand per database and environment: services, replicas, processes, pools, budget, headroom."""
    from poolaudit.capacity.render import FORMATS

    if format not in FORMATS:
        raise typer.BadParameter(f"unknown format {format!r}; choose from {', '.join(FORMATS)}", param_hint="--format")

    def body() -> int:
        import shutil

        from poolaudit.audit import audit as run_audit
        from poolaudit.capacity import analyse
        from poolaudit.capacity.render import render

        targets = paths or [Path(".")]
        loaded = cli.load_policy(policy, targets, [], [])
        # The audit finds the settings; its own capacity rules would only repeat this arithmetic.
        result = run_audit(targets, loaded.model_copy(update={"ignore": [*loaded.ignore, "PA4"]}))
        analysis = analyse(result.roots, result.settings, loaded)
        if output is not None:
            output.write_text(render(analysis, format), encoding="utf-8")
        else:
            width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
            sys.stdout.write(render(analysis, format, color=cli.color() and format == "table", width=width))
        return 1 if any(db.exceeded or db.problems for db in analysis.databases) else 0

    raise typer.Exit(cli.run(debug, body))


