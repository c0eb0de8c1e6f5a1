#!/usr/bin/env python3
"""Regenerates the catalogue of docs/RULES.md from the rule files.

    scripts/rules-docs.py [--check]

Everything in docs/RULES.md up to the `## Catalogue` heading is hand-written
and kept; the rule and provider counts in its first paragraph and everything
from `## Catalogue` on are generated from rules/*.toml (the same files
build.rs embeds), one section per file, so the document follows the rules
after any merge. Rules whose provider is `Generic` are not counted as
providers. A file's section title is its top-level `title`, else the
text before the first `:` of its third comment line. With `--check`, exits 1
when docs/RULES.md is not up to date instead of writing it.

Needs Python 3.11+ (tomllib).
"""

import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
DOC = ROOT / "docs" / "RULES.md"
MARKER = "## Catalogue\n"


def cell(text):
    """Markdown table cell: pipes escaped, newlines folded."""
    return str(text).replace("|", "\\|").replace("\n", " ").strip()


def code_list(items):
    return ", ".join(f"`{cell(i)}`" for i in items)


def title_of(path, text, table):
    if isinstance(table.get("title"), str):
        return table["title"]
    comments = [l for l in text.splitlines() if l.startswith("#")]
    if len(comments) >= 3:
        return comments[2].lstrip("# ").split(":", 1)[0].strip()
    return path.stem


def confidence(rule):
    """The rule's confidence as the engine derives it (src/rules/mod.rs)."""
    if "checksum" in rule:
        return "high"
    if "confidence" in rule:
        return rule["confidence"]
    generic = rule["id"].startswith("generic") or any(
        t.lower() == "generic" for t in rule.get("tags", [])
    )
    return "low" if generic else "medium"


def section(path):
    text = path.read_text(encoding="utf-8")
    table = tomllib.loads(text)
    rules = table.get("rules", [])
    out = [
        f"### {title_of(path, text, table)} — `rules/{path.name}` ({len(rules)})",
        "",
        "| id | description | provider | severity | confidence | kind | keywords | reference |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rules:
        kind = "path" if "regex" not in r else ("content + path" if "path" in r else "content")
        if "checksum" in r:
            kind += f" ({r['checksum']})"
        refs = r.get("references", [])
        ref = f"[docs]({refs[0]})" if refs else ""
        out.append(
            "| "
            + " | ".join(
                [
                    f"`{cell(r['id'])}`",
                    cell(r.get("description", "")),
                    cell(r.get("provider", "")),
                    cell(r.get("severity", "high")),
                    confidence(r),
                    kind,
                    code_list(r.get("keywords", [])),
                    ref,
                ]
            )
            + " |"
        )
    return out, rules


def generate(current):
    head, sep, _ = current.partition(MARKER)
    if not sep:
        raise SystemExit(f"rules-docs: {DOC} has no '{MARKER.strip()}' heading")
    body, total, providers = [], 0, set()
    for path in sorted(RULES.glob("*.toml")):
        lines, rules = section(path)
        body += [""] + lines
        total += len(rules)
        # `provider = 'Generic'` marks a rule with no provider: not counted.
        providers.update(r["provider"] for r in rules if r.get("provider") not in (None, "", "Generic"))
    head = re.sub(
        r"\*\*\d+ built-in rules\*\*(?: \(\d+ providers named in their `provider` key\))?",
        f"**{total} built-in rules** ({len(providers)} providers named in their `provider` key)",
        head,
        count=1,
    )
    return head + MARKER + "\n".join(body) + "\n"


def main():
    current = DOC.read_text(encoding="utf-8")
    new = generate(current)
    if "--check" in sys.argv[1:]:
        if new != current:
            print(f"rules-docs: {DOC} is out of date; run scripts/rules-docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    print(f"rules-docs: wrote {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
