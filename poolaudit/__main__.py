"""`python -m poolaudit`."""

from poolaudit.cli import main

main()
