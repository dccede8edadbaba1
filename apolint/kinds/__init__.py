"""Rule kinds: one small module each. Adding a kind is one module plus one line here."""
from .conditional import Conditional
from .existence import Existence
from .length import Length
from .occurrence import Occurrence
from .require import Require
from .substitution import Substitution

KINDS = {k.NAME: k for k in (Existence, Substitution, Occurrence, Require, Conditional, Length)}
