#!/usr/bin/env python3
"""Reproducible wall-time / throughput / peak-RSS figures for leakgate.

Builds the release binary, generates the synthetic corpora (see
synth_repo.py) once under $BENCH_DIR (default /tmp/leakgate-bench), then runs
each scenario several times and prints medians as a Markdown table:

  worktree   `leakgate scan DIR` over the crates in ~/.cargo/registry/src
  history    `leakgate scan --history` over a 3,000-commit synthetic repo
  staged     `leakgate scan --staged`, 3 staged files in a 50,000-file repo
             with 2,000 commits (process start included)

Wall times are medians of unwrapped runs; peak RSS comes from one more run
under /usr/bin/time; MB/s uses the bytes the scan
itself reports (stats.bytes_scanned). Planted secrets in the history repo are
checked too, so a fast but blind run cannot pass unnoticed.

Usage: scripts/bench.py [--runs N] [--only worktree,history,staged]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "leakgate")
WORK = os.environ.get("BENCH_DIR", "/tmp/leakgate-bench")


def run(cmd, cwd=None, rss=False):
    """Runs cmd, returns (wall seconds, peak RSS MiB or 0, stdout). Wall time is
    taken without any wrapper; with rss=True the run goes under /usr/bin/time
    to read its peak RSS (and its wall time includes that wrapper's exec)."""
    with tempfile.NamedTemporaryFile("r") as rss_file:
        timed = (["/usr/bin/time", "-f", "%M", "-o", rss_file.name] if rss else []) + cmd
        t0 = time.perf_counter()
        p = subprocess.run(timed, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        rss_kib = int(rss_file.read().strip().splitlines()[-1]) if rss else 0
    if p.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr.decode(errors='replace')}")
    return wall, rss_kib / 1024.0, p.stdout


def runs(cmd, n, cwd=None):
    """n timed runs plus one under /usr/bin/time: (median wall, peak RSS MiB, last stdout)."""
    rows = [run(cmd, cwd) for _ in range(n)]
    _, rss, out = run(cmd, cwd, rss=True)
    return statistics.median(r[0] for r in rows), rss, out


def registry_src():
    base = os.path.expanduser("~/.cargo/registry/src")
    subdirs = sorted(os.listdir(base)) if os.path.isdir(base) else []
    if not subdirs:
        sys.exit("~/.cargo/registry/src is empty: run `cargo fetch` first")
    return os.path.join(base, subdirs[0])


def ensure_repos():
    os.makedirs(WORK, exist_ok=True)
    synth = os.path.join(ROOT, "scripts", "synth_repo.py")
    hist = os.path.join(WORK, "history")
    if not os.path.isdir(hist):
        subprocess.run([sys.executable, synth, hist, "--commits", "3000"], check=True)
    flat = os.path.join(WORK, "flat")
    if not os.path.isdir(flat):
        subprocess.run([sys.executable, synth, flat, "--flat-files", "50000", "--commits", "2000"], check=True)
    return hist, flat


def scan_stats(stdout):
    doc = json.loads(stdout)
    return doc["scan"]["stats"], doc["findings"]


def bench_worktree(runs_n):
    src = registry_src()
    wall, rss, out = runs([BIN, "scan", src, "--format", "json"], runs_n)
    stats, _ = scan_stats(out)
    mib = stats.get("bytes_scanned", 0) / (1 << 20)
    return ("work tree (%d files, %.0f MiB)" % (stats.get("files_scanned", 0), mib), wall, rss, mib / wall)


def bench_history(runs_n, hist):
    wall, rss, out = runs([BIN, "scan", "--history", hist, "--format", "json", "--no-progress"], runs_n)
    stats, findings = scan_stats(out)
    with open(hist + ".truth.json") as fh:
        truth = json.load(fh)
    found = {(f["location"]["path"]) for f in findings if f.get("kind") == "secret"}
    hit = sum(1 for t in truth if t["path"] in found)
    mib = stats.get("bytes_scanned", 0) / (1 << 20)
    label = "history (%s commits, %s blobs, %.0f MiB; planted secrets found %d/%d)" % (
        stats.get("commits"), stats.get("blobs"), mib, hit, len(truth))
    return (label, wall, rss, mib / wall)


def bench_staged(runs_n, flat):
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=flat, check=True)
    for i, name in enumerate(["pkg001/mod003/file01150.rs", "pkg020/mod000/file20000.rs", "pkg049/mod019/file49999.rs"]):
        with open(os.path.join(flat, name), "a") as fh:
            fh.write('const K%d: &str = "staged change %d";\n' % (i, i))
        subprocess.run(["git", "add", name], cwd=flat, check=True)
    wall, rss, _ = runs([BIN, "scan", "--staged"], runs_n, cwd=flat)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=flat, check=True)
    return ("pre-commit, 3 staged files, 50k-file repo", wall, rss, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="worktree,history,staged")
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    hist, flat = ensure_repos()
    results = []
    only = set(args.only.split(","))
    if "worktree" in only:
        results.append(bench_worktree(args.runs))
    if "history" in only:
        results.append(bench_history(args.runs, hist))
    if "staged" in only:
        results.append(bench_staged(max(args.runs, 20), flat))
    print("| scenario | median wall | peak RSS | throughput |")
    print("|---|---|---|---|")
    for label, wall, rss, rate in results:
        wall_s = "%.1f ms" % (wall * 1000) if wall < 1 else "%.2f s" % wall
        rate_s = "%.0f MiB/s" % rate if rate else "-"
        print("| %s | %s | %.0f MiB | %s |" % (label, wall_s, rss, rate_s))
    print("\nmachine: %d cores; %s" % (os.cpu_count(), shutil.which("leakgate") and "" or "binary " + BIN))


if __name__ == "__main__":
    main()
