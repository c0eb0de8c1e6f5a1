#!/usr/bin/env python3
"""Writes a large synthetic package-lock.json (lockfileVersion 3) for
measuring `leakgate deps --list` / `leakgate sbom` speed and memory.

Every entry has the shape npm writes: version, resolved, integrity
(sha512 SRI), license, and dependencies; some packages are scoped, some
are nested under another package's node_modules, some are dev-only.
The output is deterministic for a given count.

    python3 scripts/gen-package-lock.py 1000000 big/package-lock.json

1M packages give about 327 MB of JSON (npm-shaped entries, two-space indent).
"""

import base64
import hashlib
import json
import os
import sys


def name_of(i):
    # Every 7th package is scoped, as `@scope/name` installs are common.
    return f"@s{i % 97}/p{i}" if i % 7 == 0 else f"p{i}"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen-package-lock.py COUNT OUTPUT")
    count = int(sys.argv[1])
    out = sys.argv[2]
    if count < 1:
        sys.exit("COUNT must be at least 1")
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write('{\n  "name": "huge",\n  "version": "1.0.0",\n  "lockfileVersion": 3,\n')
        f.write('  "requires": true,\n  "packages": {\n')
        root = {"name": "huge", "version": "1.0.0",
                "dependencies": {name_of(0): "^1.0.0"},
                "devDependencies": {name_of(1): "^1.0.0"}}
        f.write('    "": ' + json.dumps(root))
        for i in range(count):
            name = name_of(i)
            digest = hashlib.sha512(name.encode()).digest()
            sri = "sha512-" + base64.b64encode(digest).decode()
            # Every 10th package is a second copy nested under its predecessor.
            if i % 10 == 9:
                key = f"node_modules/{name_of(i - 1)}/node_modules/{name}"
            else:
                key = f"node_modules/{name}"
            lic = "MIT" if i % 3 else "Apache-2.0 OR MIT"
            dev = '\n      "dev": true,' if i % 4 == 1 else ""
            dep = name_of((i + 1) % count)
            f.write(
                f',\n    "{key}": {{\n      "version": "1.0.{i}",\n'
                f'      "resolved": "https://r.example/{name}/-/{i}.tgz",\n'
                f'      "integrity": "{sri}",\n      "license": "{lic}",{dev}\n'
                f'      "dependencies": {{"{dep}": "^1.0.0"}}\n    }}'
            )
        f.write("\n  }\n}\n")


if __name__ == "__main__":
    main()
