"""`python -m kb_cli` runs the same command line as the `kb` script."""
from kb_cli.cli import main

main()
