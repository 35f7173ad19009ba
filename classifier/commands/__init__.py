"""The sub-commands of ``classify``: one module per command, at the face.

Each module exposes ``configure(parser)``, which adds the command's options and
sets ``handler``; a handler calls a library function that returns data, prints
it (through ``report/`` for anything formatted) and returns the exit status.
These modules and ``report/`` are the only ones that print. ``classifier.cli``
names every command and imports a command group's module only when it runs,
so ``classify`` itself starts fast. No module here imports ``classifier.cli``.
"""
