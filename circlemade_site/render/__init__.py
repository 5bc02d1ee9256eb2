"""Render: Jinja2 templates (autoescaped, strict) and Markdown (sanitised by nh3)."""
