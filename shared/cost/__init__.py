"""The cost analyzer: where the money goes, what changed, what is wasted (read-only, estimates marked)."""
