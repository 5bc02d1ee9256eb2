"""Load: the project's files -> validated, immutable models and Diagnostics.

The only stage that reads content (content/, members/, the theme's UI strings and fonts).
Every problem is a Diagnostic with its file, line, column and field; a stage collects all
of them and the pipeline fails once.
"""
