"""Read-only tools: each declared once as a ToolSpec, run by the executor."""
