"""``python -m collsec.fast``: compile the engine once, under a lock (the background warm-up)."""

from collsec.fast.cache import warm_once

raise SystemExit(warm_once())
