"""The `kfsreport` command: a thin layer that hands each verb to its module.

Heavy libraries are imported inside the commands, so `kfsreport --help` starts at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kfsreport import __version__

FORMATS = ("html", "pdf")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 success, 1 problems in the report)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("Avbrutet. Tidigare utdata är orörda.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kfsreport",
        description="Bygg beredningens rapport (PDF och HTML) från Markdown och YAML.",
        epilog="Exempel: kfsreport build --project rapporter/2025",
    )
    parser.add_argument("--version", action="version", version=f"kfsreport {__version__}")
    commands = parser.add_subparsers(dest="command", title="kommandon", metavar="KOMMANDO")
    build = commands.add_parser(
        "build",
        help="bygg rapporten till output/",
        description="Läs in, kontrollera och bygg rapporten. Inget skrivs om något är fel; "
        "tidigare utdata ligger då kvar orörda.",
        epilog="Exempel: kfsreport build --project . --format pdf --out /tmp/utkast",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="MAPP",
        help="rapportmappen med report.yaml (standard: aktuell mapp)",
    )
    build.add_argument(
        "--format",
        type=_formats,
        default=None,
        metavar="FORMAT",
        help="html, pdf eller html,pdf (standard: formats i report.yaml)",
    )
    build.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="MAPP",
        help="mapp att skriva till (standard: output/ i rapportmappen)",
    )
    build.set_defaults(run=_build)
    return parser


def _formats(value: str) -> list[str]:
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [part for part in chosen if part not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"okänt format '{','.join(unknown) or value}'; välj html, pdf eller html,pdf"
        )
    return chosen


def _build(args: argparse.Namespace) -> int:
    from kfsreport.build import build
    from kfsreport.errors import BuildFailed

    try:
        result = build(args.project, args.format, args.out)
    except BuildFailed as failure:
        for error in failure.errors:
            print(error, file=sys.stderr)
        count = len(failure.errors)
        print(
            f"\nBygget avbröts: {count} fel att rätta. Inget skrevs; tidigare utdata ligger kvar.",
            file=sys.stderr,
        )
        return 1
    for path in result.written:
        print(f"Skrev {path}")
    return 0
