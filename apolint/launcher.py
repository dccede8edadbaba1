"""The `apolint` command: the terminal front end's commands (apolint.cli), `apolint lsp`, which
starts the editor front end (apolint.lsp), and `apolint serve`, which starts the web front end (apolint.web).

Front ends stand on the library and never import one another (tests/test_imports.py); this module
sits above them and joins them into one command. A front end is imported only when its command runs.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli import _fail, main
from .yamlsource import SourceError


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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but a loopback address lets other machines use the linter.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0 = any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--allow-host", multiple=True, metavar="NAME",
              help="Another Host name to answer for (a LAN name or address), besides 127.0.0.1 and localhost.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: .apolint.yaml or pyproject.toml found from this folder upwards).")
def serve(host, port, open_browser, allow_host, config_path) -> None:
    """Serve a web page that checks a draft as you type, and POST /api/check (see README "Web page").

    Needs the web extra: pip install 'apolint[web]'.
    """
    try:
        from .web.app import run
        from .web.service import CheckService
    except ImportError as exc:
        missing = (exc.name or "starlette").split(".")[0]
        _fail(f"apolint serve needs the web extra ({missing} is not installed): "
              "pip install 'apolint[web]'")
    from . import api

    try:
        cfg = api.load_config_file(config_path) if config_path else api.resolve_config(None, Path.cwd() / "x")
        service = CheckService(cfg)
        service.warm_up()
    except SourceError as exc:
        _fail(f"{exc}\nFix the rule pack or configuration named above.")
    try:
        run(service, host, port, allow_host=allow_host, open_browser=open_browser)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


__all__ = ["main"]
