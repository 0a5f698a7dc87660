#!/usr/bin/env python3
"""osv-zip.py - packs OSV fixture records into a zip like osv.dev's all.zip.

  osv-zip.py OUT.zip DIR

Every DIR/*.json becomes a member of the same name at the top of the zip
(as in osv.dev's per-ecosystem all.zip), deflated, with a fixed timestamp so
the zip is byte-identical for the same records.
"""

import os
import sys
import zipfile


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: osv-zip.py OUT.zip DIR")
    out, src = sys.argv[1], sys.argv[2]
    names = sorted(n for n in os.listdir(src) if n.endswith(".json"))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            zi = zipfile.ZipInfo(n, (2024, 6, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            with open(os.path.join(src, n), "rb") as f:
                zf.writestr(zi, f.read())
    print("osv-zip: %d records -> %s" % (len(names), out), file=sys.stderr)


if __name__ == "__main__":
    main()
