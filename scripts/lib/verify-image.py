#!/usr/bin/env python3
"""verify-image.py - independent check of the images mkimage.py writes.

  verify-image.py PATH...

For a docker-archive (plain or gzipped tar with manifest.json), an OCI
layout directory or a tar of one, checks that every blob's sha256 equals its
name/descriptor digest and size, that each layer decompresses (gzip, zstd
through the zstd tool, or plain) to a tar whose sha256 is the config's
rootfs.diff_ids entry, and prints one summary line per image.  Exits 1 on
the first mismatch.
"""

import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile


def fail(msg):
    print("verify-image: FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def sha(data):
    return hashlib.sha256(data).hexdigest()


def decompress(blob, media_type=""):
    if blob[:2] == b"\x1f\x8b":
        return gzip.decompress(blob)
    if blob[:4] == b"\x28\xb5\x2f\xfd":
        return subprocess.run(["zstd", "-q", "-d", "-c"], input=blob,
                              check=True, capture_output=True).stdout
    if media_type.endswith("+gzip") or media_type.endswith("+zstd"):
        fail("media type %s but blob is not compressed" % media_type)
    return blob


def check_layers(label, read, config_digest, layer_descs):
    cfg = read(config_digest)
    if sha(cfg) != config_digest.split(":")[1]:
        fail("%s: config digest" % label)
    config = json.loads(cfg)
    diff_ids = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(layer_descs):
        fail("%s: %d layers but %d diff_ids" % (label, len(layer_descs),
                                                len(diff_ids)))
    entries = 0
    for (digest, mt, size), diff in zip(layer_descs, diff_ids):
        blob = read(digest)
        if digest and sha(blob) != digest.split(":")[1]:
            fail("%s: blob %s digest" % (label, digest))
        if size is not None and size != len(blob):
            fail("%s: blob %s size %d != %d" % (label, digest, len(blob),
                                                size))
        raw = decompress(blob, mt)
        if "sha256:" + sha(raw) != diff:
            fail("%s: layer %s diff_id mismatch" % (label, digest))
        with tarfile.open(fileobj=io.BytesIO(raw)) as tf:
            entries += len(tf.getmembers())
    return config, entries


def verify_oci(label, read):
    index = json.loads(read("index.json"))
    if json.loads(read("oci-layout"))["imageLayoutVersion"] != "1.0.0":
        fail(label + ": oci-layout")
    out = []
    todo = list(index["manifests"])
    while todo:
        d = todo.pop(0)
        blob = read(d["digest"])
        if sha(blob) != d["digest"].split(":")[1] or len(blob) != d["size"]:
            fail("%s: descriptor %s" % (label, d["digest"]))
        doc = json.loads(blob)
        if doc.get("mediaType") != d["mediaType"]:
            fail("%s: mediaType of %s" % (label, d["digest"]))
        if d["mediaType"].endswith("index.v1+json"):
            todo.extend(doc["manifests"])
            continue
        layers = [(l["digest"], l["mediaType"], l["size"])
                  for l in doc["layers"]]
        config, n = check_layers(label, read, doc["config"]["digest"],
                                 layers)
        out.append("%s/%s %d layers (%s) %d entries ref=%s" % (
            config["os"], config["architecture"], len(layers),
            ",".join(l[1].rsplit(".", 1)[-1] for l in layers), n,
            (d.get("annotations") or {}).get(
                "org.opencontainers.image.ref.name")))
    return out


def main():
    for path in sys.argv[1:]:
        if os.path.isdir(path):
            def read(name, _p=path):
                if name.startswith("sha256:"):
                    name = "blobs/sha256/" + name[7:]
                with open(os.path.join(_p, name), "rb") as f:
                    return f.read()
            res = verify_oci(path, read)
        else:
            with open(path, "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            tf = tarfile.open(fileobj=io.BytesIO(data))
            names = set(tf.getnames())

            def read(name, _tf=tf):
                if name.startswith("sha256:"):
                    name = "blobs/sha256/" + name[7:]
                return _tf.extractfile(name).read()
            if "manifest.json" in names:
                m = json.loads(read("manifest.json"))[0]
                cfg = read(m["Config"])
                for l in m["Layers"]:
                    # docker 25+ names blobs by digest; legacy ones are
                    # <id>/layer.tar, checked through diff_ids only
                    if l.startswith("blobs/sha256/") and \
                            sha(read(l)) != l.rsplit("/", 1)[1]:
                        fail("%s: %s digest" % (path, l))
                if m["Config"].startswith("blobs/sha256/") and \
                        sha(cfg) != m["Config"].rsplit("/", 1)[1]:
                    fail("%s: config digest" % path)
                config, n = _docker_layers(path, read, cfg, m)
                res = ["docker-archive %s/%s %d layers %d entries tags=%s"
                       % (config["os"], config["architecture"],
                          len(m["Layers"]), n, m.get("RepoTags"))]
                if "index.json" in names:
                    res += verify_oci(path + " (index.json)", read)
            elif "index.json" in names:
                res = verify_oci(path, read)
            else:
                fail(path + ": neither manifest.json nor index.json")
        for r in res:
            print("ok %s: %s" % (path, r))


def _docker_layers(path, read, cfg, m):
    config = json.loads(cfg)
    diff_ids = config["rootfs"]["diff_ids"]
    if len(diff_ids) != len(m["Layers"]):
        fail(path + ": layer count")
    n = 0
    for l, diff in zip(m["Layers"], diff_ids):
        blob = read(l)
        if "sha256:" + sha(blob) != diff:
            fail("%s: %s is not diff_id %s" % (path, l, diff))
        with tarfile.open(fileobj=io.BytesIO(blob)) as tf:
            n += len(tf.getmembers())
    return config, n


if __name__ == "__main__":
    main()
