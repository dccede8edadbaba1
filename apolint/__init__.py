"""apolint: a linter for apology and incident announcements in Chinese and English.

    >>> import apolint
    >>> result = apolint.lint_text("We apologize for any inconvenience.")
    >>> [f.rule for f in result.findings]

Heavy libraries (spaCy, jieba, pygls) load only when a document needs them.
"""
from .version import __version__

__all__ = ["lint_text", "lint_file", "__version__"]


def lint_text(text, lang=None, config=None, path="<text>", stage=None, complete_evidence=False):
    from .api import lint_text as _lint_text

    return _lint_text(text, lang=lang, config=config, path=path, stage=stage, complete_evidence=complete_evidence)


def lint_file(path, lang=None, config=None, encoding=None):
    from .api import lint_file as _lint_file

    return _lint_file(path, lang=lang, config=config, encoding=encoding)
