"""``python -m cleanclaim`` runs the command line."""

from cleanclaim.cli import run

run()
