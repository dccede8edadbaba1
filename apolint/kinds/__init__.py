"""Rule kinds: one small module each. Adding a kind is one module plus one line here.

KINDS check one notice; THREAD_KINDS compare the updates of a thread or the two versions of a pair."""
from .conditional import Conditional
from .empty_update import EmptyUpdate
from .existence import Existence
from .length import Length
from .missed_update import MissedUpdate
from .occurrence import Occurrence
from .postmortem_missing import PostmortemMissing
from .require import Require
from .scope_drift import ScopeDrift
from .stage_regression import StageRegression
from .stale_thread import StaleThread
from .substitution import Substitution
from .version_mismatch import VersionMismatch

KINDS = {k.NAME: k for k in (Existence, Substitution, Occurrence, Require, Conditional, Length)}
THREAD_KINDS = {k.NAME: k for k in (MissedUpdate, StageRegression, StaleThread, EmptyUpdate, ScopeDrift,
                                    PostmortemMissing, VersionMismatch)}
