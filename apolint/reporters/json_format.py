"""--format json: one object on stdout, the contract in DESIGN.md."""
from __future__ import annotations

import json


def render(results, ruleset, options) -> str:
    data = {"files": [r.to_json() for r in results]}
    incidents = options.get("incidents")
    if incidents is not None and (incidents.threads or incidents.pairs):  # DESIGN.md: threads and pairs
        data.update(incidents.to_json())
    return json.dumps(data, ensure_ascii=False, indent=2)
