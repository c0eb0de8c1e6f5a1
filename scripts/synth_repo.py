#!/usr/bin/env python3
"""Builds a large, deterministic synthetic git history for benchmarks.

Real source files (by default the crates under ~/.cargo/registry/src) are
committed over N commits with `git fast-import` (seconds, not minutes): the
first 60% of the commits add files in chunks, the rest edit, grow and delete
files so blobs get many versions, as in a real history. A handful of fake,
format-valid secrets are planted in known commits (some removed later), and a
ground-truth file lists them, so a history audit can be checked for recall
as well as timed.

Usage: synth_repo.py OUT_REPO [--source DIR] [--commits N] [--max-bytes B]
                     [--flat-files N]
  --flat-files N  instead of real sources, commit N small generated files in
                  one commit plus a long linear history of small edits (the
                  "50,000-file repository" of the pre-commit benchmark).
"""

import argparse
import json
import os
import random
import string
import subprocess
import sys

SEED = 20261128


def fake_secret(rng, kind):
    alnum = string.ascii_letters + string.digits
    if kind == "github-pat":
        return "ghp_" + "".join(rng.choice(alnum) for _ in range(36))
    if kind == "aws-access-key-id":
        return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
    if kind == "slack-bot-token":
        digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))
        return "xoxb-%s-%s-%s" % (digits(11), digits(12), "".join(rng.choice(alnum) for _ in range(24)))
    raise ValueError(kind)


def list_sources(root, max_bytes):
    files, total = [], 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                size = os.path.getsize(path)
            except OSError:
                continue
            if size == 0 or size > 1 << 20 or os.path.islink(path):
                continue
            files.append((os.path.relpath(path, root), path))
            total += size
            if total >= max_bytes:
                return files
    return files


class Stream:
    """Writes a git fast-import stream."""

    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.when = 1_600_000_000

    def commit(self, message, changes, author="Synth Dev <dev@example.test>"):
        self.mark += 1
        self.when += 3600
        w = self.out.write
        w(b"commit refs/heads/main\n")
        w(b"mark :%d\n" % self.mark)
        ident = author.encode() + b" %d +0000\n" % self.when
        w(b"author " + ident)
        w(b"committer " + ident)
        msg = message.encode()
        w(b"data %d\n%s\n" % (len(msg), msg))
        if self.mark > 1:
            w(b"from :%d\n" % (self.mark - 1))
        for op, path, data in changes:
            p = path.encode()
            if op == "D":
                w(b"D " + p + b"\n")
            else:
                w(b"M 100644 inline " + p + b"\n")
                w(b"data %d\n" % len(data))
                w(data)
                w(b"\n")
        return self.mark


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--source", default=None)
    ap.add_argument("--commits", type=int, default=3000)
    ap.add_argument("--max-bytes", type=int, default=300 << 20)
    ap.add_argument("--flat-files", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(SEED)

    if os.path.exists(args.out):
        sys.exit(f"{args.out} exists; remove it first")
    subprocess.run(["git", "init", "-q", "-b", "main", args.out], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=args.out, stdin=subprocess.PIPE)
    s = Stream(proc.stdin)
    truth = []
    contents = {}

    if args.flat_files:
        changes = []
        for i in range(args.flat_files):
            path = "pkg%03d/mod%03d/file%05d.rs" % (i // 1000, (i // 50) % 20, i)
            data = ("// generated file %d\npub fn f%d() -> u32 { %d }\n" % (i, i, i)).encode()
            contents[path] = data
            changes.append(("M", path, data))
        s.commit("Add %d files" % args.flat_files, changes)
        paths = sorted(contents)
        for c in range(args.commits - 1):
            path = rng.choice(paths)
            contents[path] += b"// edit %d\n" % c
            s.commit("Edit %s" % path, [("M", path, contents[path])])
    else:
        source = args.source
        if source is None:
            base = os.path.expanduser("~/.cargo/registry/src")
            subdirs = sorted(os.listdir(base)) if os.path.isdir(base) else []
            if not subdirs:
                sys.exit("no --source given and ~/.cargo/registry/src is empty")
            source = os.path.join(base, subdirs[0])
        files = list_sources(source, args.max_bytes)
        add_commits = max(1, int(args.commits * 0.6))
        chunk = max(1, -(-len(files) // add_commits))
        kinds = ["github-pat", "aws-access-key-id", "slack-bot-token"]
        plant_at = set(rng.sample(range(args.commits), min(12, args.commits)))
        n = 0
        for i in range(0, len(files), chunk):
            changes = []
            for rel, path in files[i : i + chunk]:
                with open(path, "rb") as fh:
                    data = fh.read()
                contents[rel] = data
                changes.append(("M", rel, data))
            s.commit("Add %s" % files[i][0].split("/")[0], changes)
            n += 1
        text_paths = sorted(p for p, d in contents.items() if b"\0" not in d[:8192])
        live = set(contents)
        planted = {}
        while n < args.commits:
            changes = []
            path = rng.choice(text_paths)
            if path in live:
                lines = contents[path].split(b"\n")
                at = rng.randrange(len(lines))
                lines.insert(at, b"// touched in commit %d" % n)
                if n in plant_at:
                    kind = rng.choice(kinds)
                    secret = fake_secret(rng, kind)
                    lines.insert(at, b'let token = "%s";' % secret.encode())
                    planted[path] = (kind, secret)
                    truth.append({"commit_index": n + 1, "path": path, "kind": kind, "line": at + 1})
                contents[path] = b"\n".join(lines)
                changes.append(("M", path, contents[path]))
            if rng.random() < 0.02 and live:
                victim = rng.choice(sorted(live))
                live.discard(victim)
                changes.append(("D", victim, None))
            if changes:
                s.commit("Edit %s" % path, changes)
            else:
                s.commit("Touch %d" % n, [("M", "TOUCH", b"%d\n" % n)])
            n += 1

    proc.stdin.close()
    if proc.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=args.out, check=True)
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), os.path.basename(args.out) + ".truth.json"), "w") as fh:
        json.dump(truth, fh, indent=1)
    print(f"{args.out}: {s.mark} commits, {len(truth)} planted secrets")


if __name__ == "__main__":
    main()
