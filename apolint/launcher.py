"""The `apolint` command: the terminal front end's commands (apolint.cli) and `apolint lsp`, which
starts the editor front end (apolint.lsp).

Front ends stand on the library and never import one another (tests/test_imports.py); this module
sits above them and joins them into one command. A front end is imported only when its command runs.
"""
from __future__ import annotations

import sys

import click

from .cli import main


@main.command()
@click.option("--debounce-ms", type=click.IntRange(min=0), default=300, show_default=True,
              help="Wait this long after the last edit before linting a changed document.")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]), default="warning",
              show_default=True, help="Server log on stderr (editors show it in their LSP log).")
def lsp(debounce_ms, log_level) -> None:
    """Run the Language Server over stdin/stdout (for editors; see README "Editors")."""
    import logging

    logging.basicConfig(stream=sys.stderr, level=log_level.upper(),
                        format="apolint-lsp %(levelname)s %(name)s: %(message)s")
    from .lsp import serve

    serve(debounce=debounce_ms / 1000)


__all__ = ["main"]
