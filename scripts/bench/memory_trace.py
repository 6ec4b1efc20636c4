"""Which step of a command holds its peak memory: run the command, sample
the resident memory of its process tree from /proc, and name the dbt nodes
that were running at the peak and at every new high.

Usage: python scripts/bench/memory_trace.py [--every 0.25] [--target DIR]
    -- COMMAND...

--target is the folder whose run_results.json the command writes (for the
publish: the build's target folder; given as a glob, the newest match is
read after the command ends). Prints the peak, the nodes running then, and
the 15 nodes with the highest memory while they ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PAGE_MIB = os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_rss_mib(root: int) -> float:
    """Resident memory of root and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = int(statm[1]) * PAGE_MIB
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def node_windows(results: Path) -> list[tuple[str, float, float]]:
    """(node, start, end) in epoch seconds from dbt's run_results.json."""
    windows = []
    for result in json.loads(results.read_text())["results"]:
        for timing in result.get("timing", []):
            if timing["name"] == "execute" and timing.get("started_at"):
                start, end = (
                    dt.datetime.fromisoformat(
                        timing[key].replace("Z", "+00:00")
                    ).timestamp()
                    for key in ("started_at", "completed_at")
                )
                windows.append((result["unique_id"], start, end))
    return windows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=0.25, help="seconds")
    parser.add_argument("--target", help="folder (or glob) of run_results.json")
    parser.add_argument("--samples", help="write every sample to this CSV")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    proc = subprocess.Popen(command)
    samples: list[tuple[float, float]] = []
    while proc.poll() is None:
        samples.append((time.time(), tree_rss_mib(proc.pid)))
        time.sleep(args.every)
    started = samples[0][0] if samples else time.time()
    peak_at, peak = max(samples, key=lambda sample: sample[1], default=(0, 0))
    print(
        f"exit {proc.returncode}; peak {peak / 1024:.2f} GiB at "
        f"{peak_at - started:.0f} s of {time.time() - started:.0f} s"
    )
    if args.samples:
        with open(args.samples, "w") as out:
            out.write("seconds,rss_mib\n")
            out.writelines(f"{t - started:.2f},{m:.0f}\n" for t, m in samples)
    if args.target:
        matches = sorted(glob.glob(str(Path(args.target) / "run_results.json")))
        if not matches:
            print(f"no run_results.json under {args.target}", file=sys.stderr)
            return 1
        windows = node_windows(Path(max(matches, key=os.path.getmtime)))
        running = [node for node, start, end in windows if start <= peak_at <= end]
        print("running at the peak:", ", ".join(running) or "no dbt node")
        highest = []
        for node, start, end in windows:
            inside = [mib for t, mib in samples if start <= t <= end]
            if inside:
                highest.append((max(inside), end - start, node))
        print("highest memory while a node ran (other nodes may overlap):")
        for mib, seconds, node in sorted(highest, reverse=True)[:15]:
            print(f"  {mib / 1024:6.2f} GiB  {seconds:6.1f} s  {node}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
