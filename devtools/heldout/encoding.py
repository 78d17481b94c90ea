"""JSON as Go's encoding/json writes it: 4-space indentation, `<`, `>`, `&` escaped."""

import json
from typing import Any


def go_json(obj: Any, *, sort_keys: bool = False, indent: int = 4) -> str:
    """Serialize like json.MarshalIndent: HTML-safe escapes, UTF-8 kept, trailing newline."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False, sort_keys=sort_keys)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def sorted_deep(obj: Any) -> Any:
    """The object with every mapping's keys sorted (kubectl -o json and ApiServerSource sort keys)."""
    if isinstance(obj, dict):
        return {k: sorted_deep(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [sorted_deep(v) for v in obj]
    return obj
