"""``python -m descend``: the same as the ``descend`` command."""

from .cli import main

raise SystemExit(main())
