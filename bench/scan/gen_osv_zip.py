#!/usr/bin/env python3
"""gen_osv_zip.py OUT.zip SIZE_MB - a synthetic osv.dev-style all.zip for the
`db import` benchmark: one JSON record per member, ECOSYSTEM/SEMVER ranges,
aliases, CVSS vectors and prose-like details (so it compresses like the real
files, about 4:1), until the zip reaches SIZE_MB.  Deterministic."""
import json
import random
import sys
import zipfile

ECOS = ["PyPI", "npm", "Go", "Maven", "Debian:12", "crates.io"]
WORDS = ("a an the buffer overflow in parser allows remote attackers to cause "
         "denial of service via crafted input heap use after free integer "
         "request header memory corruption when processing malformed data "
         "leading to arbitrary code execution information disclosure").split()


def version(eco, r):
    v = f"{r.randint(0, 5)}.{r.randint(0, 30)}.{r.randint(0, 20)}"
    if eco == "Go":
        return "v" + v
    if eco.startswith("Debian"):
        return v + f"-{r.randint(1, 5)}"
    return v


def record(i, r):
    eco = ECOS[i % len(ECOS)]
    name = f"pkg{r.randint(0, 19999)}"
    if eco == "Maven":
        name = "org.example:" + name
    lo, hi = sorted([version(eco, r), version(eco, r)])
    details = " ".join(r.choice(WORDS) for _ in range(r.randint(150, 400)))
    return {
        "schema_version": "1.6.0",
        "id": f"BENCH-{i:07d}",
        "modified": "2026-11-01T00:00:00Z",
        "published": "2025-01-01T00:00:00Z",
        "aliases": [f"CVE-2025-{i:06d}"],
        "summary": " ".join(r.choice(WORDS) for _ in range(8)),
        "details": details,
        "severity": [{"type": "CVSS_V3",
                      "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": eco, "name": name},
            "ranges": [{"type": "ECOSYSTEM",
                        "events": [{"introduced": "0"}, {"fixed": hi}]}],
        }],
        "references": [{"type": "WEB",
                        "url": f"https://example.org/advisories/{i}"}],
    }


def main():
    out, size_mb = sys.argv[1], float(sys.argv[2])
    r = random.Random(42)
    limit = int(size_mb * 1024 * 1024)
    i = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        while True:
            z.writestr(f"BENCH-{i:07d}.json", json.dumps(record(i, r)))
            i += 1
            if i % 2000 == 0 and z.fp.tell() >= limit:
                break
    print(f"{out}: {i} records")


if __name__ == "__main__":
    main()
