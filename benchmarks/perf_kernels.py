"""Name ``perf``'s ``[JIT]`` samples of the compiled engine by kernel.

``perf`` cannot name numba's code loaded from its disk cache. The cache holds
the compiled object file, though: this script takes it from the cache entry of
``collsec.fast.engine.run_many``, reads each kernel's offset and size from its
symbol table (``nm``), and counts the samples of a ``perf record`` by kernel,
given where ``run_many`` was loaded in the profiled process and where
``NRT_incref`` is (``NRT_decref`` follows it; both printed by
``benchmarks/profile_compiled.py``). Other samples are counted by library.

Usage::

    NUMBA_ENABLE_PROFILING=1 perf record -F 3000 -D 8000 -o perf.data \\
        python benchmarks/profile_compiled.py 3000
    python benchmarks/perf_kernels.py perf.data --run-many 0x7f.. --incref 0x7f..
"""

from __future__ import annotations

import argparse
import bisect
import collections
import pickle
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CACHE = Path(__file__).resolve().parents[1] / "src" / "collsec" / "fast" / "__pycache__"


def _elf(value: Any) -> bytes | None:
    """The first ELF object in a (nested) cache entry."""
    if isinstance(value, bytes) and value[:4] == b"\x7fELF":
        return value
    items = value.values() if isinstance(value, dict) else value
    if isinstance(value, (tuple, list, dict)):
        for item in items:
            found = _elf(item)
            if found is not None:
                return found
    return None


def kernels(cache: Path) -> list[tuple[int, int, str]]:
    """(offset, size, short name) of every function in run_many's cached object."""
    entries = sorted(cache.glob("engine.run_many-*.nbc"))
    if not entries:
        raise SystemExit(f"no cached run_many in {cache}: run the compiled engine once first")
    # The cache entry is numba's own pickle, written by this checkout's numba.
    obj = _elf(pickle.loads(entries[-1].read_bytes()))
    if obj is None:
        raise SystemExit(f"no object code in {entries[-1]}")
    with tempfile.NamedTemporaryFile(suffix=".o") as f:
        f.write(obj)
        f.flush()
        out = subprocess.run(["nm", "-S", f.name], capture_output=True, text=True, check=True)
    syms = []
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in "TtWw":
            m = re.search(r"collsec4fast\d+(\w+?)\d+(\w+?)B", parts[3])
            name = f"{m.group(1)}.{m.group(2)}" if m else parts[3][:50]
            syms.append((int(parts[0], 16), int(parts[1], 16), name))
    return sorted(syms)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--run-many", required=True, type=lambda v: int(v, 16))
    ap.add_argument("--incref", required=True, type=lambda v: int(v, 16))
    ap.add_argument("--cache", type=Path, default=CACHE)
    args = ap.parse_args(argv)
    syms = kernels(args.cache)
    starts = [s[0] for s in syms]
    out = subprocess.run(
        ["perf", "script", "-i", str(args.data), "-F", "ip,dso"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        ip, dso = int(parts[0], 16), parts[1]
        total += 1
        if args.incref <= ip < args.incref + 0x20:
            counts["NRT_incref/NRT_decref"] += 1
        elif "JIT" in dso or "perf-" in dso or "unknown" in dso:
            i = bisect.bisect_right(starts, ip - args.run_many) - 1
            inside = i >= 0 and ip - args.run_many < syms[i][0] + syms[i][1]
            counts["kernel " + syms[i][2] if inside else "other compiled code"] += 1
        else:
            counts[dso.strip("()").rsplit("/", 1)[-1]] += 1
    for name, c in counts.most_common(20):
        print(f"{100 * c / max(total, 1):6.2f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
