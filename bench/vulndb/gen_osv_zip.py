#!/usr/bin/env python3
"""Writes a synthetic osv.dev-style all.zip for timing `bulwark db import`.

usage: gen_osv_zip.py OUT.zip [COUNT]   (default 50000 records)

Each record looks like a Debian/PyPI/npm advisory: a couple of affected
packages with ECOSYSTEM/SEMVER ranges, a versions list, aliases, a CVSS
vector, references and ~1.5 KB of details, so 50k records make a zip of
roughly the size of osv.dev's larger per-ecosystem exports.
"""
import json
import random
import sys
import zipfile

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 50000
rnd = random.Random(1)
words = ("buffer overflow heap use after free remote attacker crafted "
         "request denial of service memory corruption allows via").split()

with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(count):
        eco = ("Debian:12", "PyPI", "npm")[i % 3]
        aff = []
        for j in range(2):
            name = "pkg%d" % rnd.randrange(5000)
            if eco == "npm":
                rng = {"type": "SEMVER", "events": [
                    {"introduced": "0"}, {"fixed": "%d.%d.%d" % (
                        rnd.randrange(9), rnd.randrange(20), rnd.randrange(9))}]}
            else:
                rng = {"type": "ECOSYSTEM", "events": [
                    {"introduced": "0"}, {"fixed": "%d.%d-%d" % (
                        rnd.randrange(9), rnd.randrange(20), rnd.randrange(3))}]}
            aff.append({"package": {"ecosystem": eco, "name": name},
                        "ranges": [rng],
                        "versions": ["%d.%d" % (a, b) for a in range(2)
                                     for b in range(6)],
                        "database_specific": {"source": "synthetic"}})
        rec = {
            "schema_version": "1.6.0",
            "id": "SYN-%d" % i,
            "modified": "2024-%02d-%02dT12:00:00Z" % (1 + i % 12, 1 + i % 28),
            "published": "2023-01-01T00:00:00Z",
            "aliases": ["CVE-2024-%d" % (10000 + i)],
            "summary": "synthetic advisory %d" % i,
            "details": " ".join(rnd.choice(words) for _ in range(220)),
            "severity": [{"type": "CVSS_V3", "score":
                          "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": aff,
            "references": [{"type": "WEB", "url":
                            "https://example.org/advisory/%d/%d" % (i, k)}
                           for k in range(4)],
        }
        z.writestr("SYN-%d.json" % i, json.dumps(rec, indent=2))
