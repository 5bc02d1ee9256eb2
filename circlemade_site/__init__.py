"""circlemade_site: the static site generator behind circlemade.brussels."""

__version__ = "0.1.0"
