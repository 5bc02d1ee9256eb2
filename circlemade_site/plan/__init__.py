"""Plan: the validated Site -> every output to make, with its template and context.

Pure: nothing here reads or writes a file, starts a process or looks at the clock (see
README.md beside this file). The stages after it (render, assets, write) do the work.
"""
