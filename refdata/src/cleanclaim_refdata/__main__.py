"""``python -m cleanclaim_refdata build``: the same command as the console script."""

from cleanclaim_refdata.cli import main

raise SystemExit(main())
