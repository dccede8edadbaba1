"""The terminal front end: check, fix, rules, explain, eval and fit-weights (`apolint lsp` is
added by apolint.launcher, which starts the editor front end).

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage,
configuration, rule-pack or input error (with a message on stderr saying what to do).
"""
from __future__ import annotations

import fnmatch
import gc
import os
import sys
from pathlib import Path

import click

from .reporters import FORMATS
from .yamlsource import SourceError

LEVELS = ("error", "warning", "info")
UNSEEN_AT_MOST = 2  # fit-weights --unseen: the packs' weights are fitted so (see apolint/fit.py)
RANK = {"info": 0, "warning": 1, "error": 2, "never": 3}
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".mypy_cache",
             ".pytest_cache", "build", "dist"}


class UsageFailure(click.ClickException):
    exit_code = 2


def _fail(message: str) -> None:
    raise UsageFailure(message)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="apolint")
def main() -> None:
    """apolint — lint apology and incident announcements (Chinese and English).

    It reports whether a notice owns the failure (responsibility), states concrete impact
    (impact) and commits to a specific remedy (remedy), and flags vague wording,
    over-apologising, non-apologies, blame-shifting and lifecycle problems.

    \b
    Examples:
      apolint check draft.md
      apolint check drafts/ --format json
      cat draft.md | apolint check --stdin-filename draft.md -
      apolint explain vague-scope
    """


def _walk(path: Path, extensions: tuple[str, ...], exclude: list[str], root: Path):
    """Files under `path` with a linted extension, each once, a folder's files before its
    subfolders, both sorted by name.

    Iterative (a tree nested thousands deep cannot exhaust the stack). Symbolic links are
    followed, but a folder already visited (a symlink loop, or a second link to it) is not
    entered again and a file reached twice is yielded once. Hidden folders, SKIP_DIRS and
    `exclude` matches are pruned. A folder that cannot be listed is yielded itself, so that
    reading it reports why: nothing is silently lost.
    """
    seen_dirs: set = set()
    seen_files: set = set()
    stack = [Path(path)]
    while stack:
        folder = stack.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen_dirs:  # a symlink loop
                continue
            seen_dirs.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            yield folder
            continue
        subfolders = []
        for entry in entries:
            full = folder / entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks; a broken or looping link is not a folder
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name not in SKIP_DIRS and not entry.name.startswith(".") and not _excluded(full, exclude, root):
                    subfolders.append(full)
                continue
            if not entry.name.lower().endswith(extensions) or _excluded(full, exclude, root):
                continue
            try:
                st = entry.stat()
                key = (st.st_dev, st.st_ino)
            except OSError:  # a dangling link: yielded, and reading it says so
                key = ("unreadable", str(full))
            if key not in seen_files:
                seen_files.add(key)
                yield full
        stack.extend(reversed(subfolders))


def _excluded(path: Path, patterns: list[str], root: Path) -> bool:
    """Does an `exclude` glob match the path relative to the configuration's folder, its name,
    or one of its parent folders (so `archive` and `archive/` exclude everything inside)?"""
    if not patterns:
        return False
    try:
        rel = path.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            rel = path.as_posix()
    parts = rel.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts))]
    for p in patterns:
        p = p.rstrip("/") or p
        if fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) or any(fnmatch.fnmatch(x, p) for x in prefixes):
            return True
    return False


def _check_encoding(ctx, param, value):
    if value is not None:
        import codecs

        try:
            info = codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {value!r}; use a Python codec name such as utf-8, "
                                     "gb18030, big5, utf-16 or cp1252") from None
        if not getattr(info, "_is_text_encoding", True):
            raise click.BadParameter(f"{value!r} is not a text encoding")
    return value


def collect(paths: tuple[str, ...], config, force_exclude: bool = False, excluded: list | None = None) -> list[Path]:
    """The files to check: folders walked (without `exclude` matches); a file named is checked even
    when `exclude` matches it, unless `force_exclude` (then it goes to `excluded`)."""
    files: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(_walk(path, config.extensions, config.exclude, config.root))
        elif force_exclude and _excluded(path, config.exclude, config.root):
            if excluded is not None:
                excluded.append(path)
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            _fail(f"{p}: no such file or directory")
    return files


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH... | -")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True, help="Output format.")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default=None,
              help="Language of the drafts; auto detects it per paragraph and sentence. [default: auto]")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Configuration file (default: .apolint.yaml or pyproject.toml found upwards from each file).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="Lowest level that makes the exit code 1. [default: warning]")
@click.option("--stage", default=None, metavar="STAGE",
              help="Incident stage: acknowledge, update, identified, resolved or postmortem (Statuspage names "
                   "such as investigating and monitoring are aliases); overrides front matter `stage`.")
@click.option("--stdin-filename", default=None, help="Name for text read from '-' (chooses format and config).")
@click.option("--encoding", default=None, callback=_check_encoding,
              help="Encoding of the files, a Python codec name such as gb18030, big5 or cp1252 "
                   "(default: detect UTF-8/16/32 BOMs, UTF-8, GB18030/GBK, Big5).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the findings.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the results cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=1, show_default=True,
              help="Worker processes for many files (0 = one per core).")
@click.option("--force-exclude", is_flag=True,
              help="Apply the configuration's `exclude` to files named on the command line and to "
                   "--stdin-filename too (for pre-commit and editors, which always name the file).")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: when a terminal).")
@click.option("--thread", "thread_mode", is_flag=True,
              help="Read each file as a status-page thread of dated updates and each folder as one thread of "
                   "notices (without it, threads are recognised: two or more update headers, or front matter "
                   "`thread:`).")
@click.option("--now", "now_text", default=None, metavar="TIME",
              help="Judge threads as of this moment (ISO 8601 with an offset; default: now): overdue promises "
                   "and unresolved threads are measured from it.")
def check(paths, fmt, lang, config_path, fail_on, stage, stdin_filename, encoding, quiet, statistics, no_cache,
          jobs, force_exclude, color, thread_mode, now_text) -> None:
    """Check announcement drafts and report findings.

    PATH may be files, directories (walked for .md, .markdown and .txt) or '-' for
    standard input.
    """
    from . import api
    from .document import InputError, read_source
    from .findings import FileResult
    from .reporters import render

    now = None
    if now_text is not None:
        from .threadtime import parse_iso

        now = parse_iso(now_text)
        if now is None:
            _fail(f"--now {now_text!r}: expected an ISO 8601 time such as 2026-11-20T15:00:00+00:00")
    try:
        forced = None if lang in (None, "auto") else lang
        explicit = api.load_config_file(config_path) if config_path else None
        inputs: list[tuple[str, object]] = []  # (display path, Path or stdin text)
        folders: dict[str, list[str]] = {}  # with --thread: each folder named is one thread
        excluded: list = []  # files named but excluded (--force-exclude)
        for p in paths:
            if p == "-":
                data = sys.stdin.buffer.read()
                if force_exclude and stdin_filename:
                    cfg = explicit or api.resolve_config(None, stdin_filename)
                    if _excluded(Path(stdin_filename), cfg.exclude, cfg.root):
                        excluded.append(stdin_filename)
                        continue
                inputs.append((stdin_filename or "<stdin>", data))
            else:
                cfg = explicit or api.resolve_config(None, Path(p) / "x" if Path(p).is_dir() else p)
                for f in collect((p,), cfg, force_exclude, excluded):
                    inputs.append((str(f), f))
                    if thread_mode and Path(p).is_dir():
                        folders.setdefault(p, []).append(str(f))
        from .batch import LazyRuleSet, lint_all

        results: list = []
        texts: dict[str, str] = {}
        effective_fail = fail_on
        show_progress = fmt == "text" and sys.stderr.isatty() and len(inputs) > 50
        pending: list[tuple[int, tuple]] = []  # (place in results, (name, text, config))
        for name, source in inputs:
            cfg = explicit or api.resolve_config(None, name if not isinstance(source, bytes) else
                                                  (stdin_filename or Path.cwd() / "stdin.md"))
            effective_fail = effective_fail or cfg.fail_on
            try:
                if isinstance(source, bytes):
                    from .document import decode

                    text = decode(source, name, encoding)
                else:
                    text = read_source(source, encoding)
            except InputError as exc:
                results.append(FileResult(path=name, error=str(exc)))
                continue
            texts[name] = text
            pending.append((len(results), (name, text, cfg)))
            results.append(None)

        def progress(done: int, total: int) -> None:
            if show_progress and (done % 25 == 0 or done == total):
                click.echo(f"\r{done}/{total} files", err=True, nl=False)

        # A lint leaves no reference cycles beyond one-time set-up such as compiling a regex
        # (tests/test_performance.py), so the cycle collector would only keep re-scanning the
        # results, which all live until the report: about 5% of a 10,000-file run.
        gc.disable()
        try:
            for (place, _), result in zip(pending, lint_all([item for _, item in pending], forced,
                                                            use_cache=not no_cache, jobs=jobs, progress=progress,
                                                            stage=stage)):
                results[place] = result
        finally:
            gc.enable()
        if show_progress:
            click.echo("\r" + " " * 30 + "\r", err=True, nl=False)
        # whole incidents: threads of updates and zh/en pairs among the files (nothing to do for most files)
        from . import incident, incident_check

        incidents = incident_check.analyse(list(texts.items()), lambda path: explicit or api.resolve_config(None, path),
                                           force=thread_mode, forced_folders=folders or None, lang=forced, now=now)
        incident.merge(results, incidents)
        # rule metadata for reporters (SARIF's tool.driver.rules): the working directory's configuration
        ruleset = LazyRuleSet(explicit or api.resolve_config(None, Path.cwd() / "x"))
    except SourceError as exc:
        _fail(f"{exc}\nFix the rule pack or configuration named above.")
    if not inputs and not excluded:  # (every file named excluded, as pre-commit may ask: nothing to do)
        _fail("no files to check (directories are walked for " + ", ".join(api.Config().extensions) + ")")
    if color is None:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    output = render(fmt, results, ruleset, {"color": color, "quiet": quiet, "statistics": statistics,
                                            "texts": texts, "incidents": incidents})
    if output:
        click.echo(output)
    for r in results:
        if r.error is not None and fmt != "text":
            click.echo(f"apolint: {r.path}: {r.error}", err=True)
    if statistics and fmt != "text":  # machine formats keep stdout parseable
        from .reporters import statistics as statistics_text

        stats = statistics_text(results)
        if stats:
            click.echo(stats, err=True)
    if any(r.error is not None for r in results):
        sys.exit(2)
    threshold = RANK[effective_fail or "warning"]
    worst = max((r.worst() for r in results), default=-1)
    sys.exit(1 if worst >= threshold else 0)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(config_path, fmt) -> None:
    """List the loaded rules with their level, languages and one-line summary."""
    import json

    ruleset = _ruleset(config_path)
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "kind": r.kind, "level": r.level, "languages": list(r.languages),
                                "family": r.family, "summary": r.summary}
                               for r in list(ruleset.rules) + list(ruleset.threads.rules)],
                              ensure_ascii=False, indent=2))
        return
    every = list(ruleset.rules) + list(ruleset.threads.rules)  # thread and pair rules last
    width = max(len(r.id) for r in every)
    for r in every:
        click.echo(f"{r.id:<{width}}  {r.level:<7}  {'/'.join(r.languages):<5}  {r.summary}")


@main.command()
@click.argument("rule_id", required=False)
@click.option("--why", "why_file", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Instead of a rule: why each element of FILE got its status, and what would change it.")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default=None, help="With --why: language of FILE.")
@click.option("--stage", default=None, metavar="STAGE", help="With --why: the incident stage of FILE.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
def explain(rule_id, why_file, lang, stage, config_path) -> None:
    """Explain a rule (why it matters, its suggestion, bad/good examples), or with --why FILE
    the evidence behind each element's status in FILE.

    \b
    Examples:
      apolint explain vague-scope
      apolint explain --why draft.md
    """
    from .explain import explain_text, why_text

    if why_file is not None:
        if rule_id:
            _fail("give a rule id or --why FILE, not both")
        from . import api
        from .document import InputError, read_source

        try:
            text = read_source(why_file)
        except InputError as exc:
            _fail(str(exc))
        cfg = api.resolve_config(config_path, why_file)
        try:
            result = api.lint_text(text, lang=None if lang in (None, "auto") else lang, config=cfg, path=why_file,
                                   stage=stage, complete_evidence=True)
            ruleset = api.ruleset_for(cfg)
        except SourceError as exc:
            _fail(str(exc))
        if result.error:
            _fail(f"{why_file}: {result.error}")
        click.echo(why_text(result, ruleset))
        return
    if not rule_id:
        _fail("give a rule id (see `apolint rules`) or --why FILE")
    ruleset = _ruleset(config_path)
    found = ruleset.rule(rule_id) or [r for r in ruleset.threads.rules if r.id == rule_id]
    if not found:
        import difflib

        close = difflib.get_close_matches(rule_id, [r.id for r in ruleset.rules], n=3)
        hint = f" Did you mean: {', '.join(close)}?" if close else " See `apolint rules`."
        _fail(f"no rule {rule_id!r}.{hint}")
    click.echo(explain_text(found))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff instead of writing the files.")
@click.option("--check", "check_only", is_flag=True, help="Write nothing; exit 1 when a file would change.")
@click.option("--lang", type=click.Choice(["auto", "zh", "en"]), default=None, help="Language of the drafts.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--encoding", default=None, help="Encoding of the files (default: detect, and write back the same).")
def fix(paths, show_diff, check_only, lang, config_path, encoding) -> None:
    """Apply the fixes rules mark as safe (replacements that add no facts).

    Fixes that need a fact — a number, a time — are only suggested by `apolint check`.
    Files keep their encoding, byte-order mark, newline style and mode. Exit status: 0 when
    nothing is left to fix, 1 with --check when a file would change, 2 on errors.

    \b
    Examples:
      apolint fix drafts/
      apolint fix --diff draft.md
      apolint fix --check templates/
    """
    from . import api, fixer

    forced = None if lang in (None, "auto") else lang
    try:
        explicit = api.load_config_file(config_path) if config_path else None
        files: list[Path] = []
        for p in paths:
            if p == "-":
                _fail("apolint fix works on files; use `apolint check -` for standard input")
            cfg = explicit or api.resolve_config(None, Path(p) / "x" if Path(p).is_dir() else p)
            files.extend(collect((p,), cfg))
        results = []
        for f in files:
            cfg = explicit or api.resolve_config(None, f)
            results.append(fixer.fix_file(
                f, lambda text, cfg=cfg, name=str(f): api.lint_text(text, lang=forced, config=cfg, path=name),
                encoding))
    except SourceError as exc:
        _fail(f"{exc}\nFix the rule pack or configuration named above.")
    errors = False
    changed = 0
    for r in results:
        for s in r.skipped:
            click.echo(f"{r.path}:{s.line}:{s.column}: not fixed [{s.rule}]: {s.reason}", err=True)
        if r.error is not None:
            errors = True
            click.echo(f"apolint: {r.path}: {r.error}", err=True)
            continue
        if not r.changed:
            continue
        changed += 1
        rules_used = ", ".join(f"{rule} ×{n}" if n > 1 else rule for rule, n in sorted(r.applied.items()))
        if show_diff:
            click.echo(fixer.unified_diff(r), nl=False)
        elif check_only:
            click.echo(f"{r.path}: would fix {r.count} ({rules_used})")
        else:
            try:
                fixer.write_atomic(r.path, r.new_data, expected=r.data)
            except OSError as exc:
                errors = True
                click.echo(f"apolint: {r.path}: not written: {exc.strerror or exc}", err=True)
                continue
            click.echo(f"{r.path}: fixed {r.count} ({rules_used})")
    total = sum(r.count for r in results if r.changed)
    verb = "fixed" if not (show_diff or check_only) else "would fix"
    summary = (f"{verb} {total} finding{'s' if total != 1 else ''} in {changed} file{'s' if changed != 1 else ''}"
               if changed else "nothing to fix")
    click.echo(summary, err=show_diff)
    if errors:
        sys.exit(2)
    sys.exit(1 if check_only and changed else 0)


@main.command(name="eval")
@click.argument("path", type=click.Path(exists=True))
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--min-f1", type=float, default=None, help="Exit 1 when any element or family F1 is below this.")
@click.option("--ignore", multiple=True, metavar="RULE",
              help="Rule ids (or families) not to score, for a corpus labelled before they existed.")
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Real set only: the labels (default: PATH/labels.yaml if the set carries its own, else "
                   "corpus/real/labels.yaml of this checkout).")
@click.option("--split", "split_name", type=click.Choice(["development", "validation", "both"]), default="both",
              show_default=True, help="Real set only: which part of the fixed split to score. Tune on development.")
@click.option("--disagreements", is_flag=True, help="Real set only: list every disagreement with the labels.")
def eval_cmd(path, config_path, fmt, min_f1, ignore, labels_path, split_name, disagreements) -> None:
    """Compare the linter with labels.

    PATH is a corpus folder with labels in front matter (see corpus/README.md), or a folder of
    announcements with manifest-*.yaml (../shared/real, corpus/lookalike), scored against the set's
    own labels.yaml or else corpus/real/labels.yaml, by the fixed development/validation split
    (split.yaml beside the labels).
    """
    from .evaluate_real import is_real_set

    if is_real_set(Path(path)):
        _eval_real(Path(path), config_path, fmt, labels_path, split_name, disagreements)
        return
    from .evaluate import evaluate, format_report

    try:
        report = evaluate(Path(path), config_path, tuple(i for item in ignore for i in item.split(",") if i))
    except SourceError as exc:
        _fail(str(exc))
    if fmt == "json":
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_report(report))
    if min_f1 is not None and report.lowest_f1() < min_f1:
        sys.exit(1)


def _progress():
    """A "12/106 en/r013" counter on a terminal's stderr while a long command runs, else None."""
    if not sys.stderr.isatty():
        return None

    def show(n, total, key):
        click.echo(f"\r{n + 1}/{total} {key}   ", nl=False, err=True)

    return show


def _progress_done() -> None:
    if sys.stderr.isatty():
        click.echo("\r" + " " * 40 + "\r", nl=False, err=True)


def _eval_real(path: Path, config_path, fmt, labels_path, split_name, disagreements) -> None:
    from .evaluate_real import SPLITS, RealSetError, evaluate_real, format_real_report, labels_for

    labels = Path(labels_path) if labels_path else labels_for(path)
    if labels is None:
        _fail("no labels for the real set: pass --labels FILE (corpus/real/labels.yaml in an apolint checkout)")
    try:
        report = evaluate_real(path, labels, config_path=config_path,
                               splits=SPLITS if split_name == "both" else (split_name,), progress=_progress())
    except (SourceError, RealSetError) as exc:
        _fail(str(exc))
    finally:
        _progress_done()
    if fmt == "json":
        import json

        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(format_real_report(report, disagreements), nl=False)
    if report.errors:
        sys.exit(2)


@main.command(name="fit-weights")
@click.argument("path", type=click.Path(exists=True, file_okay=False))
@click.option("--labels", "labels_path", type=click.Path(dir_okay=False, exists=True), default=None,
              help="The labels (default: corpus/real/labels.yaml of this checkout).")
@click.option("--split", "split_name", default="development", show_default=True,
              help="The part of the split to fit on (corpus/real/split.yaml beside the labels).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Configuration file.")
@click.option("--corpus", "corpus_path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Also fit on a corpus labelled in front matter (ours: corpus/), weighted to count as much "
                   "as the real notices together; it holds the guide's cases real notices seldom show.")
@click.option("--unseen", "unseen_at_most", type=click.IntRange(min=0), default=UNSEEN_AT_MOST, show_default=True,
              help="Fit on the notices also as if their wording were new: the pack items (regexes, phrases) that "
                   "match in at most this many of the notices are switched off there, and each such notice counts "
                   "half as written, half without them; 0 fits on the notices as written only.")
@click.option("--also", "also_paths", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Another set of announcements that carries its own labels.yaml and split.yaml (corpus/lookalike); "
                   "its notices of the same split are fitted on with the others. Repeatable.")
@click.option("--write", "write_packs", is_flag=True,
              help="Rewrite the numbers on the packs' weights:/thresholds: lines (otherwise only print them).")
def fit_weights(path, labels_path, split_name, config_path, corpus_path, also_paths, unseen_at_most,
                write_packs) -> None:
    """Fit the evidence weights and element thresholds to labelled real announcements.

    PATH is a folder of real announcements (../shared/real). For each element, a logistic
    regression of present against weak or missing on the evidence features that fire in each
    notice of the split, regularised by leave-one-out agreement; needs scikit-learn
    (pip install -e '.[fit]'). Prints the weights; --write puts them into the packs.
    """
    from . import api
    from .evaluate_real import labels_for
    from .fit import FitError, collect_corpus, collect_set, fit, format_fit, with_unseen, write

    try:
        import sklearn  # noqa: F401
    except ImportError:
        _fail("fit-weights needs scikit-learn: pip install -e '.[fit]'")
    labels_file = Path(labels_path) if labels_path else labels_for(Path(path))
    if labels_file is None:
        _fail("no labels: pass --labels FILE (corpus/real/labels.yaml in an apolint checkout)")
    ruleset = _ruleset(config_path)
    try:
        cfg = api.load_config_file(config_path) if config_path else api.resolve_config(None, Path.cwd() / "x")
        try:
            samples = collect_set(Path(path), labels_file, split_name, cfg, _progress())
            for also in map(Path, also_paths):
                if not (also / "labels.yaml").is_file():
                    raise FitError(f"{also}: no labels.yaml (--also takes a set that carries its own labels)")
                samples += collect_set(also, also / "labels.yaml", split_name, cfg, _progress())
        finally:
            _progress_done()
        if corpus_path:  # the corpus together weighs as much as the real notices together
            samples += collect_corpus(Path(corpus_path), cfg, weigh_as=len(samples))
        if unseen_at_most:
            samples, touched = with_unseen(samples, cfg, unseen_at_most)
            click.echo(f"also as unseen: {touched['items']} of {touched['of_items']} pack items match in at most "
                       f"{unseen_at_most} notices; {touched['samples']} of {touched['of_samples']} notices are fitted "
                       "on with those switched off too, each version at half weight")
        fitted = fit(samples, ruleset)
        click.echo(format_fit(fitted))
        if write_packs:
            for changed in write(ruleset, fitted):
                click.echo(f"wrote {changed}")
    except (FitError, OSError) as exc:
        _fail(str(exc))


def _ruleset(config_path):
    from . import api

    try:
        cfg = api.load_config_file(config_path) if config_path else api.resolve_config(None, Path.cwd() / "x")
        return api.ruleset_for(cfg)
    except SourceError as exc:
        _fail(f"{exc}\nFix the rule pack or configuration named above.")


if __name__ == "__main__":  # pragma: no cover
    main()
