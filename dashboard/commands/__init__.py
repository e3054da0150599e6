"""Command-line commands, one module per domain; each has register(subparsers)."""
