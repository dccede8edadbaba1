"""--format json: one object on stdout, the contract in DESIGN.md."""
from __future__ import annotations

import json


def render(results, ruleset, options) -> str:
    return json.dumps({"files": [r.to_json() for r in results]}, ensure_ascii=False, indent=2)
