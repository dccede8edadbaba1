"""Token patterns from the packs for spaCy's Matcher, with their REGEX predicates under apolint's time bound.

spaCy runs a token pattern's REGEX predicate with Python's `re`, which cannot be interrupted: one
catastrophic pattern would hang the run. So before patterns reach the Matcher, each REGEX
predicate becomes a custom token attribute (`{"_": {"apolint_regex_<digest>": True}}`) whose
getter runs the same pattern, on the same token attribute, with the `regex` module under the time
budget every pack regex has (matchers.REGEX_TIMEOUT of matching time per regex per document). A REGEX that runs
out of time matches nothing more in that document, and the token patterns holding it are
reported the way a timed-out pack regex is (matchers.Run.token_timeouts).

Imported only when a pack has token patterns (it needs spaCy).
"""
from __future__ import annotations

import hashlib
import time

import regex

from . import matchers

# the token attributes a REGEX may test (spaCy's Matcher reads them as strings), and how to read them
STRING_ATTRS = {"ORTH": "text", "TEXT": "text", "LOWER": "lower_", "NORM": "norm_", "SHAPE": "shape_",
                "PREFIX": "prefix_", "SUFFIX": "suffix_"}


class _Clock:
    """The time each REGEX has spent on the document being matched, and the ones that ran out.

    (Time spent, not a deadline: the Matcher interleaves the predicates token by token, so one
    slow pattern must not use up the others' budgets.)"""

    def __init__(self) -> None:
        self.budget = matchers.REGEX_TIMEOUT
        self.spent: dict[str, float] = {}
        self.timed_out: list[str] = []

    def start(self, text_length: int) -> None:
        self.budget = matchers.REGEX_TIMEOUT * (1 + text_length / 1_000_000)  # as Run's regex budget
        self.spent = {}
        self.timed_out = []

    def search(self, compiled, pattern: str, value: str) -> bool:
        if pattern in self.timed_out:
            return False
        spent = self.spent.get(pattern, 0.0)
        started = time.monotonic()
        try:
            if spent >= self.budget:  # (the regex module reads a time-out <= 0 as none)
                raise TimeoutError
            return compiled.search(value, timeout=self.budget - spent) is not None
        except TimeoutError:
            self.timed_out.append(pattern)
            return False
        finally:
            self.spent[pattern] = spent + time.monotonic() - started


CLOCK = _Clock()


def _extension(attr: str, pattern: str) -> str:
    """The name of the token attribute standing for `{attr: {REGEX: pattern}}`, registered on first use."""
    from spacy.tokens import Token

    digest = hashlib.sha256(f"{attr}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
    name = f"apolint_regex_{digest}"
    if not Token.has_extension(name):
        compiled = regex.compile(pattern)  # spaCy compiles REGEX values without flags
        field = STRING_ATTRS[attr]
        Token.set_extension(name, getter=lambda token: CLOCK.search(compiled, pattern, getattr(token, field)))
    return name


def bounded(patterns: list) -> tuple[list, set[str]]:
    """The patterns with every REGEX predicate replaced by its bounded token attribute, and the REGEX
    patterns they hold."""
    regexes: set[str] = set()
    out = []
    for pattern in patterns:
        tokens = []
        for token in pattern:
            token = dict(token)
            for attr, value in list(token.items()):
                if isinstance(value, dict) and "REGEX" in value:
                    regexes.add(value["REGEX"])
                    token.setdefault("_", {})[_extension(attr, value["REGEX"])] = True
                    rest = {pred: v for pred, v in value.items() if pred != "REGEX"}
                    if rest:
                        token[attr] = rest
                    else:
                        del token[attr]
            tokens.append(token)
        out.append(tokens)
    return out, regexes
