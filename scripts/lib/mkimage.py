#!/usr/bin/env python3
"""mkimage.py - builds the scanner's test images without docker.

Called by scripts/make-test-images.sh and scripts/make-bench-image.sh.

  mkimage.py debian  --debs DIR --base P1,P2,.. --app P3,.. --out OUTDIR
  mkimage.py alpine  --out OUTDIR/alpine-rootfs
  mkimage.py bench   --debs DIR --base .. --out OUTDIR --size-mb N --files N

"debian" assembles three layers from real Debian .debs (their data tars are
read with `dpkg-deb --fsys-tarfile`, so modes, symlinks and hard links are
exactly Debian's) plus a dpkg database generated from the packages' control
files, an application layer with language fixtures (PyPI, npm, Maven,
crates.io, Go when a toolchain is present) and a third layer with
whiteouts, an opaque directory and a modified file.  It writes the same
image as a docker-archive (docker 25+ layout), a legacy gzipped
docker-archive, an OCI layout directory, a tar of it, and a multi-platform
OCI layout (nested index).

Everything is deterministic: files from the debs keep the debs' mtimes,
generated files get SOURCE_DATE_EPOCH (default 1700000000), owners are
root, entries are sorted, gzip headers carry no name and mtime 0; so the
digests only change when the .debs do.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1700000000"))
CREATED = "2023-11-14T22:13:20Z"  # EPOCH above, for the configs
REF = "bulwark-test/debian:12"
MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")

MT_OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_OCI_INDEX = "application/vnd.oci.image.index.v1+json"
MT_OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_LAYER_GZ = "application/vnd.oci.image.layer.v1.tar+gzip"
MT_LAYER_ZST = "application/vnd.oci.image.layer.v1.tar+zstd"


def log(msg):
    print("mkimage: " + msg, file=sys.stderr)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def jdump(obj):
    """Canonical compact JSON, as containerd/docker write it."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=False).encode()


# ---------------------------------------------------------------- layers --

class Layer:
    """An ordered set of tar entries, keyed by normalised path."""

    def __init__(self, dot_prefix=False):
        self.entries = {}  # path -> (TarInfo, bytes or None)
        self.dot_prefix = dot_prefix

    def _info(self, path, kind, mode, mtime):
        ti = tarfile.TarInfo(path)
        ti.type = kind
        ti.mode = mode
        ti.mtime = EPOCH if mtime is None else mtime
        ti.uid = ti.gid = 0
        ti.uname = ti.gname = "root"
        return ti

    def add_dirs_for(self, path, mtime=None):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            d = "/".join(parts[:i])
            if d not in self.entries:
                self.entries[d] = (self._info(d, tarfile.DIRTYPE, 0o755,
                                              mtime), None)

    def dir(self, path, mode=0o755, mtime=None):
        self.add_dirs_for(path, mtime)
        self.entries[path] = (self._info(path, tarfile.DIRTYPE, mode, mtime),
                              None)

    def file(self, path, data, mode=0o644, mtime=None):
        if isinstance(data, str):
            data = data.encode()
        self.add_dirs_for(path, mtime)
        ti = self._info(path, tarfile.REGTYPE, mode, mtime)
        ti.size = len(data)
        self.entries[path] = (ti, data)

    def symlink(self, path, target, mtime=None):
        self.add_dirs_for(path, mtime)
        ti = self._info(path, tarfile.SYMTYPE, 0o777, mtime)
        ti.linkname = target
        self.entries[path] = (ti, None)

    def hardlink(self, path, target, mtime=None):
        self.add_dirs_for(path, mtime)
        ti = self._info(path, tarfile.LNKTYPE, 0o644, mtime)
        ti.linkname = target
        self.entries[path] = (ti, None)

    def put(self, ti, data):
        """Adds an entry taken from another tar (ti.name normalised)."""
        old = self.entries.get(ti.name)
        if old is not None and old[0].isdir() and ti.isdir():
            return  # directories shared by several packages
        self.add_dirs_for(ti.name, ti.mtime)
        self.entries[ti.name] = (ti, data)

    def to_tar(self):
        """The layer as an uncompressed tar (bytes), deterministic.

        Hard links are written after their target: of a group of paths
        sharing content, the first in sorted order holds the data."""
        paths = sorted(self.entries)
        # hard-link groups: every path of a group maps to the sorted list
        # of the group's paths; the first one is written with the data
        groups = {}
        for p in paths:
            ti = self.entries[p][0]
            if ti.type == tarfile.LNKTYPE:
                if ti.linkname not in self.entries:
                    raise SystemExit("hard link %s -> missing %s"
                                     % (p, ti.linkname))
                groups.setdefault(ti.linkname, [ti.linkname]).append(p)
        lead_of = {}
        for tgt, members in groups.items():
            members.sort()
            for m in members:
                lead_of[m] = (members[0], tgt)
        pfx = "./" if self.dot_prefix else ""
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT,
                          encoding="utf-8") as tf:
            if self.dot_prefix:
                tf.addfile(self._info(".", tarfile.DIRTYPE, 0o755, EPOCH))
            for p in paths:
                ti, data = self.entries[p]
                if p in lead_of:
                    lead, tgt = lead_of[p]
                    ti, data = self.entries[tgt]
                    out = _copy_info(ti, pfx + p)
                    if p == lead:
                        out.type = tarfile.REGTYPE
                        out.size = len(data)
                        tf.addfile(out, io.BytesIO(data))
                    else:
                        out.type = tarfile.LNKTYPE
                        out.linkname = pfx + lead
                        out.size = 0
                        tf.addfile(out)
                    continue
                out = _copy_info(ti, pfx + p)
                if ti.isreg():
                    out.size = len(data)
                    tf.addfile(out, io.BytesIO(data))
                else:
                    out.size = 0
                    tf.addfile(out)
        return buf.getvalue()


def _copy_info(ti, name):
    out = tarfile.TarInfo(name)
    out.type = ti.type
    out.mode = ti.mode
    out.mtime = int(ti.mtime)
    out.uid, out.gid = ti.uid, ti.gid
    out.uname, out.gname = ti.uname or "root", ti.gname or "root"
    out.linkname = ti.linkname
    out.devmajor, out.devminor = ti.devmajor, ti.devminor
    return out


# ------------------------------------------------------------ debian debs --

def merged_path(path):
    """Debian 12 images are merged-/usr: /bin -> usr/bin etc."""
    top = path.split("/", 1)[0]
    if top in MERGED:
        return "usr/" + path
    return path


# what debian:bookworm-slim's dpkg.cfg.d excludes, to keep the image small
SLIM_EXCLUDE = ("usr/share/locale/", "usr/share/man/", "usr/share/info/")


def slim_excluded(path):
    return any(path.startswith(p) and path != p.rstrip("/")
               for p in SLIM_EXCLUDE)


def norm(name):
    while name.startswith("./"):
        name = name[2:]
    name = name.strip("/")
    return "" if name == "." else name


def fix_symlink(orig_path, new_path, target):
    """Keeps a relative symlink pointing at the same (merged) file."""
    if target.startswith("/") or orig_path == new_path:
        return target
    resolved = posixpath.normpath(posixpath.join(
        posixpath.dirname(orig_path), target))
    resolved = merged_path(resolved)
    return posixpath.relpath(resolved, posixpath.dirname(new_path))


class Deb:
    def __init__(self, path):
        self.path = path
        ctrl = subprocess.run(["dpkg-deb", "-f", path], check=True,
                              capture_output=True).stdout.decode()
        self.fields = parse_control(ctrl)
        self.name = self.field("Package")
        self.version = self.field("Version")
        self.arch = self.field("Architecture")
        self.multiarch_same = self.field("Multi-Arch") == "same"
        ctar = subprocess.run(["dpkg-deb", "--ctrl-tarfile", path],
                              check=True, capture_output=True).stdout
        self.control_files = {}
        with tarfile.open(fileobj=io.BytesIO(ctar)) as tf:
            for m in tf.getmembers():
                if m.isreg():
                    self.control_files[norm(m.name)] = \
                        tf.extractfile(m).read()
        self.data = subprocess.run(["dpkg-deb", "--fsys-tarfile", path],
                                   check=True, capture_output=True).stdout

    def field(self, name):
        for k, v in self.fields:
            if k.lower() == name.lower():
                return v
        return None

    def info_name(self):
        return "%s:%s" % (self.name, self.arch) if self.multiarch_same \
            else self.name

    def add_to(self, layer):
        """Extracts the data tar into layer; returns the original paths
        (for the .list file) and the files' contents by original path."""
        listed = []
        contents = {}
        with tarfile.open(fileobj=io.BytesIO(self.data)) as tf:
            for m in tf.getmembers():
                orig = norm(m.name)
                listed.append("/" + orig if orig else "/.")
                if not orig:
                    continue
                if orig in MERGED:
                    continue  # replaced by the merged-/usr symlinks
                new = merged_path(orig)
                if slim_excluded(new):
                    continue
                data = None
                if m.isreg():
                    data = tf.extractfile(m).read()
                    contents[orig] = data
                ti = _copy_info(m, new)
                ti.uname = m.uname or "root"
                ti.gname = m.gname or "root"
                if m.issym():
                    ti.linkname = fix_symlink(orig, new, m.linkname)
                elif m.islnk():
                    ti.linkname = merged_path(norm(m.linkname))
                layer.put(ti, data)
        return listed, contents


def parse_control(text):
    fields = []
    for line in text.splitlines():
        if not line:
            continue
        if line[0] in " \t" and fields:
            k, v = fields[-1]
            fields[-1] = (k, v + "\n" + line)
        else:
            k, _, v = line.partition(":")
            fields.append((k.strip(), v.strip()))
    return fields


# dpkg's own order of fields in /var/lib/dpkg/status
STATUS_ORDER = ["Package", "Essential", "Protected", "Status", "Priority",
                "Section", "Installed-Size", "Origin", "Maintainer", "Bugs",
                "Architecture", "Multi-Arch", "Source", "Version",
                "Config-Version", "Replaces", "Provides", "Depends",
                "Pre-Depends", "Recommends", "Suggests", "Breaks",
                "Conflicts", "Enhances", "Conffiles", "Description"]


def status_stanza(deb, contents):
    fields = dict((k, v) for k, v in deb.fields)
    fields["Status"] = "install ok installed"
    conff = deb.control_files.get("conffiles", b"").decode().split()
    if conff:
        lines = []
        for c in conff:
            data = contents.get(norm(c), b"")
            lines.append(" %s %s" % (c, hashlib.md5(data).hexdigest()))
        fields["Conffiles"] = "\n" + "\n".join(lines)
    out = []
    for k in STATUS_ORDER:
        if k in fields:
            out.append("%s: %s" % (k, fields[k]) if not
                       fields[k].startswith("\n") else
                       "%s:%s" % (k, fields[k]))
    for k, v in deb.fields:
        if k not in STATUS_ORDER:
            out.append("%s: %s" % (k, v))
    return "\n".join(out) + "\n"


def load_debs(debdir, names):
    debs = []
    files = sorted(os.listdir(debdir))
    for n in names:
        cands = [f for f in files if f.startswith(n + "_") and
                 f.endswith(".deb")]
        if not cands:
            raise SystemExit("mkimage: no .deb for %s in %s" % (n, debdir))
        cands.sort(key=lambda f: _vkey(f))
        debs.append(Deb(os.path.join(debdir, cands[-1])))
    return debs


def _vkey(fname):
    """Orders cached debs of one package by version (dpkg's comparison)."""
    import functools

    def cmp(a, b):
        r = subprocess.run(["dpkg", "--compare-versions", a, "gt", b])
        return 1 if r.returncode == 0 else (0 if a == b else -1)
    ver = fname.split("_")[1].replace("%3a", ":")
    return functools.cmp_to_key(cmp)(ver)


def add_dpkg_db(layer, debs_with_contents, info_debs):
    """Writes var/lib/dpkg/status for all debs, and info files for
    info_debs (the packages of this layer)."""
    stanzas = sorted(((d.name, status_stanza(d, c))
                      for d, _, c in debs_with_contents), key=lambda x: x[0])
    layer.file("var/lib/dpkg/status", "\n".join(s for _, s in stanzas))
    for d, listed, _ in info_debs:
        base = "var/lib/dpkg/info/" + d.info_name()
        layer.file(base + ".list", "\n".join(listed) + "\n")
        for cf in ("md5sums", "conffiles", "shlibs", "triggers"):
            if cf in d.control_files:
                layer.file(base + "." + cf, d.control_files[cf])
        for cf in ("postinst", "preinst", "postrm", "prerm"):
            if cf in d.control_files:
                layer.file(base + "." + cf, d.control_files[cf], 0o755)
    layer.dir("var/lib/dpkg/updates")
    layer.file("var/lib/dpkg/arch", "amd64\n")


# ----------------------------------------------------- language fixtures --

def dist_info(layer, sp, name, version, summary, license_, requires,
              top_level, home, author):
    d = "%s/%s-%s.dist-info" % (sp, name, version)
    meta = ["Metadata-Version: 2.1", "Name: " + name, "Version: " + version,
            "Summary: " + summary, "Home-page: " + home,
            "Author: " + author, "License: " + license_,
            "Platform: UNKNOWN"]
    meta += ["Classifier: Programming Language :: Python :: 3",
             "Requires-Python: >=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*"]
    meta += ["Requires-Dist: " + r for r in requires]
    meta += ["", summary, ""]
    files = {
        d + "/METADATA": "\n".join(meta),
        d + "/WHEEL": "Wheel-Version: 1.0\nGenerator: bdist_wheel "
                      "(0.36.2)\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        d + "/INSTALLER": "pip\n",
        d + "/top_level.txt": top_level + "\n",
        "%s/%s/__init__.py" % (sp, top_level):
            '"""%s"""\n__version__ = "%s"\n' % (name, version),
    }
    record = []
    for p, c in sorted(files.items()):
        layer.file(p, c)
        dig = hashlib.sha256(c.encode()).digest()
        import base64
        record.append("%s,sha256=%s,%d" % (
            p[len(sp) + 1:], base64.urlsafe_b64encode(dig).rstrip(b"=")
            .decode(), len(c.encode())))
    record.append("%s-%s.dist-info/RECORD,," % (name, version))
    layer.file(d + "/RECORD", "\n".join(record) + "\n")


def python_fixtures(layer):
    sp = "app/venv/lib/python3.11/site-packages"
    dist_info(layer, sp, "requests", "2.25.0", "Python HTTP for Humans.",
              "Apache 2.0",
              ["chardet (<4,>=3.0.2)", "idna (<3,>=2.5)",
               "urllib3 (<1.27,>=1.21.1)", "certifi (>=2017.4.17)"],
              "requests", "https://requests.readthedocs.io",
              "Kenneth Reitz")
    dist_info(layer, sp, "urllib3", "1.26.4",
              "HTTP library with thread-safe connection pooling, file post, "
              "and more.", "MIT", [], "urllib3",
              "https://urllib3.readthedocs.io/", "Andrey Petrov")
    dist_info(layer, sp, "Jinja2", "2.11.2",
              "A very fast and expressive template engine.",
              "BSD-3-Clause", ["MarkupSafe (>=0.23)"], "jinja2",
              "https://palletsprojects.com/p/jinja/", "Armin Ronacher")
    dist_info(layer, sp, "PyYAML", "5.3.1", "YAML parser and emitter for "
              "Python", "MIT", [], "yaml", "https://github.com/yaml/pyyaml",
              "Kirill Simonov")
    # an egg-info (setup.py install) distribution
    egg = sp + "/certifi-2020.12.5-py3.11.egg-info"
    layer.file(egg + "/PKG-INFO",
               "Metadata-Version: 1.2\nName: certifi\nVersion: 2020.12.5\n"
               "Summary: Python package for providing Mozilla's CA Bundle.\n"
               "Home-page: https://certifiio.readthedocs.io/en/latest/\n"
               "Author: Kenneth Reitz\nLicense: MPL-2.0\n"
               "Platform: UNKNOWN\n")
    layer.file(egg + "/top_level.txt", "certifi\n")
    layer.file(sp + "/certifi/__init__.py",
               'from .core import contents, where\n\n'
               '__version__ = "2020.12.05"\n')
    layer.symlink("app/venv/bin/python3", "/usr/bin/python3.11")
    layer.file("app/venv/pyvenv.cfg",
               "home = /usr/bin\ninclude-system-site-packages = false\n"
               "version = 3.11.2\n")


def npm_fixtures(layer):
    root = "app/web"
    pkg = {"name": "bulwark-demo-web", "version": "1.0.0", "private": True,
           "dependencies": {"lodash": "^4.17.15", "minimist": "1.2.0"}}
    layer.file(root + "/package.json", json.dumps(pkg, indent=2) + "\n")
    lock = {
        "name": "bulwark-demo-web", "version": "1.0.0",
        "lockfileVersion": 3, "requires": True,
        "packages": {
            "": {"name": "bulwark-demo-web", "version": "1.0.0",
                 "dependencies": {"lodash": "^4.17.15",
                                  "minimist": "1.2.0"}},
            "node_modules/lodash": {
                "version": "4.17.15",
                "resolved": "https://registry.npmjs.org/lodash/-/"
                            "lodash-4.17.15.tgz",
                "integrity": "sha512-8xOcRHvCjnocdS5cpwXQXVzmmh5e5+saE2QGoeQ"
                             "mbKmRS6J3VQppPOIt0MnmE+4xlZoumy0GPG0D0MVIQbNA1"
                             "A==",
                "license": "MIT"},
            "node_modules/minimist": {
                "version": "1.2.0",
                "resolved": "https://registry.npmjs.org/minimist/-/"
                            "minimist-1.2.0.tgz",
                "integrity": "sha512-7Wl+Jz+IGWuSdgsQEJ4JunV0si/iMhg42MnQQG6"
                             "h1R6TNeVenp4U9x5CC5v/gYqz/fENLQITAWXidNtVL0NNb"
                             "w==",
                "license": "MIT"},
        }}
    layer.file(root + "/package-lock.json", json.dumps(lock, indent=2) + "\n")
    layer.file(root + "/node_modules/lodash/package.json", json.dumps({
        "name": "lodash", "version": "4.17.15",
        "description": "Lodash modular utilities.",
        "keywords": ["modules", "stdlib", "util"],
        "homepage": "https://lodash.com/", "license": "MIT",
        "main": "lodash.js",
        "author": "John-David Dalton <john.david.dalton@gmail.com>",
        "repository": "lodash/lodash"}, indent=2) + "\n")
    layer.file(root + "/node_modules/lodash/lodash.js",
               "/** @license Lodash <https://lodash.com/> */\n"
               ";(function() { var VERSION = '4.17.15'; }.call(this));\n")
    layer.file(root + "/node_modules/minimist/package.json", json.dumps({
        "name": "minimist", "version": "1.2.0",
        "description": "parse argument options", "main": "index.js",
        "license": "MIT",
        "repository": {"type": "git",
                       "url": "git://github.com/substack/minimist.git"},
        "author": {"name": "James Halliday", "email": "mail@substack.net",
                   "url": "http://substack.net"}}, indent=2) + "\n")
    layer.file(root + "/node_modules/minimist/index.js",
               "module.exports = function (args, opts) { return {}; };\n")
    layer.file(root + "/node_modules/.package-lock.json",
               json.dumps({"name": "bulwark-demo-web", "version": "1.0.0",
                           "lockfileVersion": 3, "requires": True,
                           "packages": {k: v for k, v in
                                        lock["packages"].items() if k}},
                          indent=2) + "\n")
    layer.file(root + "/index.js",
               "const _ = require('lodash');\nconsole.log(_.VERSION);\n")


def jar_bytes(group, artifact, version, title, extra=None):
    """A jar (zip) with the Maven metadata real jars carry."""
    buf = io.BytesIO()
    dt = (2023, 11, 14, 22, 13, 20)

    def add(zf, name, data):
        zi = zipfile.ZipInfo(name, dt)
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi.external_attr = 0o644 << 16
        zf.writestr(zi, data)

    with zipfile.ZipFile(buf, "w") as zf:
        add(zf, "META-INF/MANIFEST.MF",
            "Manifest-Version: 1.0\r\nCreated-By: Apache Maven 3.6.3\r\n"
            "Build-Jdk-Spec: 1.8\r\nImplementation-Title: %s\r\n"
            "Implementation-Version: %s\r\nImplementation-Vendor-Id: %s\r\n"
            "Bundle-SymbolicName: %s.%s\r\nBundle-Version: %s\r\n\r\n"
            % (title, version, group, group, artifact, version))
        base = "META-INF/maven/%s/%s/" % (group, artifact)
        add(zf, base + "pom.properties",
            "#Created by Apache Maven 3.6.3\nversion=%s\ngroupId=%s\n"
            "artifactId=%s\n" % (version, group, artifact))
        add(zf, base + "pom.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project>\n"
            "  <modelVersion>4.0.0</modelVersion>\n"
            "  <groupId>%s</groupId>\n  <artifactId>%s</artifactId>\n"
            "  <version>%s</version>\n</project>\n"
            % (group, artifact, version))
        for name, data in (extra or []):
            add(zf, name, data)
    return buf.getvalue()


def java_fixtures(layer):
    layer.file("app/lib/log4j-core-2.14.1.jar", jar_bytes(
        "org.apache.logging.log4j", "log4j-core", "2.14.1",
        "Apache Log4j Core",
        [("org/apache/logging/log4j/core/lookup/JndiLookup.class",
          b"\xca\xfe\xba\xbe\x00\x00\x00\x34 (placeholder class)")]))
    # a Spring-Boot style fat jar nesting a vulnerable library
    nested = jar_bytes("com.fasterxml.jackson.core", "jackson-databind",
                       "2.13.2", "jackson-databind")
    layer.file("app/lib/demo-app-1.0.0.jar", jar_bytes(
        "com.example", "demo-app", "1.0.0", "demo-app",
        [("BOOT-INF/lib/jackson-databind-2.13.2.jar", nested)]))
    layer.file("app/plugins/commons-text-1.9.jar", jar_bytes(
        "org.apache.commons", "commons-text", "1.9",
        "Apache Commons Text"))
    layer.file("app/plugins/README", "plugins loaded at start-up\n")


def cargo_fixtures(layer):
    layer.file("app/rust/Cargo.lock", (
        "# This file is automatically @generated by Cargo.\n"
        "# It is not intended for manual editing.\n"
        "version = 3\n\n"
        "[[package]]\nname = \"bulwark-demo\"\nversion = \"0.1.0\"\n"
        "dependencies = [\n \"libc\",\n \"smallvec\",\n]\n\n"
        "[[package]]\nname = \"libc\"\nversion = \"0.2.147\"\n"
        "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        "\n"
        "[[package]]\nname = \"smallvec\"\nversion = \"1.6.0\"\n"
        "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ))


def go_fixture(layer, workdir):
    """Builds a tiny Go binary with a vendored dependency when `go` is
    installed (vendoring keeps it offline: no module proxy)."""
    go = shutil.which("go")
    if not go:
        log("go toolchain not found: the image has no Go binary "
            "(install golang-go to add one)")
        return None
    src = os.path.join(workdir, "gosrc")
    os.makedirs(os.path.join(src, "vendor/golang.org/x/text/language"))
    with open(os.path.join(src, "go.mod"), "w") as f:
        f.write("module example.com/bulwark-demo\n\ngo 1.19\n\n"
                "require golang.org/x/text v0.3.7\n")
    with open(os.path.join(src, "main.go"), "w") as f:
        f.write("package main\n\nimport (\n\t\"fmt\"\n\n"
                "\t\"golang.org/x/text/language\"\n)\n\n"
                "func main() { fmt.Println(language.Und) }\n")
    with open(os.path.join(src, "vendor/modules.txt"), "w") as f:
        f.write("# golang.org/x/text v0.3.7\n## explicit\n"
                "golang.org/x/text/language\n")
    with open(os.path.join(src, "vendor/golang.org/x/text/language/"
                           "language.go"), "w") as f:
        f.write("// Package language is a stand-in for x/text/language.\n"
                "package language\n\n// Und is the undetermined tag.\n"
                "const Und = \"und\"\n")
    env = dict(os.environ, CGO_ENABLED="0", GOFLAGS="-mod=vendor",
               GOPROXY="off", GOCACHE=os.path.join(workdir, "gocache"),
               GOPATH=os.path.join(workdir, "gopath"), GOOS="linux",
               GOARCH="amd64")
    out = os.path.join(workdir, "bulwark-demo")
    r = subprocess.run([go, "build", "-trimpath", "-buildvcs=false",
                        "-ldflags=-s -w", "-o", out, "."], cwd=src, env=env,
                       capture_output=True, text=True)
    if r.returncode != 0:
        log("go build failed, no Go binary in the image:\n" + r.stderr)
        return None
    ver = subprocess.run([go, "env", "GOVERSION"], capture_output=True,
                         text=True).stdout.strip()
    with open(out, "rb") as f:
        layer.file("app/bin/bulwark-demo", f.read(), 0o755)
    return ver


# ------------------------------------------------------------- writers --

def gz(data):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="",
                       compresslevel=6) as g:
        g.write(data)
    return buf.getvalue()


def zst(data):
    return subprocess.run(["zstd", "-q", "-c", "-3", "--no-progress"],
                          input=data, check=True,
                          capture_output=True).stdout


def tar_of(members):
    """members: list of (name, bytes or None for a directory)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.mtime = EPOCH
            ti.uname = ti.gname = "root"
            if data is None:
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                tf.addfile(ti)
            else:
                ti.mode = 0o644
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def image_config(diff_ids, history, arch="amd64", cmd=("/bin/bash",)):
    return {
        "architecture": arch, "os": "linux", "created": CREATED,
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                    "/usr/bin:/sbin:/bin", "LANG=C.UTF-8"],
            "Cmd": list(cmd), "WorkingDir": "/app",
            "Labels": {"org.opencontainers.image.title": "bulwark test "
                       "image",
                       "org.opencontainers.image.source":
                       "scripts/make-test-images.sh"}},
        "rootfs": {"type": "layers",
                   "diff_ids": ["sha256:" + d for d in diff_ids]},
        "history": [{"created": CREATED, "created_by": h,
                     "comment": "bulwark mkimage"} for h in history],
    }


def write_docker_archive(path, tars, config, ref):
    """docker save (25+): OCI layout plus manifest.json, uncompressed
    layers under blobs/sha256."""
    cfg = jdump(config)
    blobs = {}
    layer_descs = []
    for t in tars:
        h = sha256(t)
        blobs[h] = t
        layer_descs.append({"mediaType": MT_LAYER_TAR, "digest": "sha256:" + h,
                            "size": len(t)})
    ch = sha256(cfg)
    blobs[ch] = cfg
    manifest = jdump({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                      "config": {"mediaType": MT_OCI_CONFIG,
                                 "digest": "sha256:" + ch, "size": len(cfg)},
                      "layers": layer_descs})
    mh = sha256(manifest)
    blobs[mh] = manifest
    repo, tag = ref.rsplit(":", 1)
    index = jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                   "manifests": [{"mediaType": MT_OCI_MANIFEST,
                                  "digest": "sha256:" + mh,
                                  "size": len(manifest),
                                  "annotations": {
                                      "io.containerd.image.name":
                                      "docker.io/" + ref,
                                      "org.opencontainers.image.ref.name":
                                      tag}}]})
    mjson = jdump([{"Config": "blobs/sha256/" + ch, "RepoTags": [ref],
                    "Layers": ["blobs/sha256/" + sha256(t) for t in tars]}])
    repos = jdump({repo: {tag: sha256(tars[-1])}})
    members = [("blobs", None), ("blobs/sha256", None)]
    members += [("blobs/sha256/" + h, blobs[h]) for h in sorted(blobs)]
    members += [("index.json", index), ("manifest.json", mjson),
                ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'),
                ("repositories", repos)]
    with open(path, "wb") as f:
        f.write(tar_of(members))
    return "sha256:" + mh


def write_legacy_archive(path, tars, config, ref):
    """docker save before 25: <id>/layer.tar, <config>.json, gzipped."""
    cfg = jdump(config)
    ch = sha256(cfg)
    members = []
    parent = ""
    layer_paths = []
    ids = []
    for t in tars:
        diff = sha256(t)
        lid = sha256((parent + " " + diff).encode())
        v1 = {"id": lid, "created": CREATED,
              "container_config": {"Cmd": None}, "os": "linux"}
        if parent:
            v1["parent"] = parent
        members += [(lid, None), (lid + "/VERSION", b"1.0"),
                    (lid + "/json", jdump(v1)), (lid + "/layer.tar", t)]
        layer_paths.append(lid + "/layer.tar")
        ids.append(lid)
        parent = lid
    repo, tag = ref.rsplit(":", 1)
    members.append((ch + ".json", cfg))
    members.append(("manifest.json", jdump([{
        "Config": ch + ".json", "RepoTags": [ref], "Layers": layer_paths}])))
    members.append(("repositories", jdump({repo: {tag: ids[-1]}})))
    members.sort(key=lambda m: m[0])
    with open(path, "wb") as f:
        f.write(gz(tar_of(members)))


def write_oci_layout(outdir, layers, config, ref, platform_extra=None):
    """layers: list of (compressed blob, media type).  platform_extra: a
    list of (manifest bytes, platform) to put with this one behind a
    nested image index."""
    blobs = os.path.join(outdir, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)

    def put(data):
        h = sha256(data)
        with open(os.path.join(blobs, h), "wb") as f:
            f.write(data)
        return h

    cfg = jdump(config)
    ch = put(cfg)
    descs = []
    for blob, mt in layers:
        descs.append({"mediaType": mt, "digest": "sha256:" + put(blob),
                      "size": len(blob)})
    manifest = jdump({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                      "config": {"mediaType": MT_OCI_CONFIG,
                                 "digest": "sha256:" + ch, "size": len(cfg)},
                      "layers": descs,
                      "annotations": {"org.opencontainers.image.created":
                                      CREATED}})
    mh = put(manifest)
    plat = {"architecture": config["architecture"], "os": config["os"]}
    desc = {"mediaType": MT_OCI_MANIFEST, "digest": "sha256:" + mh,
            "size": len(manifest), "platform": plat}
    if platform_extra is None:
        desc["annotations"] = {"org.opencontainers.image.ref.name": ref}
        top = [desc]
    else:
        subs = [desc]
        for mbytes, p in platform_extra:
            subs.append({"mediaType": MT_OCI_MANIFEST,
                         "digest": "sha256:" + put(mbytes),
                         "size": len(mbytes), "platform": p})
        nested = jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                        "manifests": subs})
        top = [{"mediaType": MT_OCI_INDEX, "digest": "sha256:" + put(nested),
                "size": len(nested),
                "annotations": {"org.opencontainers.image.ref.name": ref}}]
    with open(os.path.join(outdir, "index.json"), "wb") as f:
        f.write(jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                       "manifests": top}))
    with open(os.path.join(outdir, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion":"1.0.0"}')
    return "sha256:" + mh, put


def tar_dir(src, path):
    members = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        rel = os.path.relpath(dirpath, src)
        if rel != ".":
            members.append((rel, None))
        for fn in sorted(filenames):
            with open(os.path.join(dirpath, fn), "rb") as f:
                members.append((fn if rel == "." else rel + "/" + fn,
                                f.read()))
    members.sort(key=lambda m: m[0])
    with open(path, "wb") as f:
        f.write(tar_of(members))


# ------------------------------------------------------------ commands --

def build_debian_layers(args, workdir):
    base_debs = load_debs(args.debs, args.base.split(","))
    app_debs = load_debs(args.debs, args.app.split(",")) if args.app else []

    # layer 1: base system
    l1 = Layer(dot_prefix=True)
    base_info = []
    for d in base_debs:
        listed, contents = d.add_to(l1)
        base_info.append((d, listed, contents))
    for top in MERGED[:3] + ("lib64",):
        l1.symlink(top, "usr/" + top)
    # what base-files' and bash's maintainer scripts would have created
    for p in ("motd", "profile"):
        src = l1.entries.get("usr/share/base-files/" + p)
        if src:
            l1.file("etc/" + p, src[1])
    for p in ("dot.bashrc", "dot.profile"):
        src = l1.entries.get("usr/share/base-files/" + p)
        if src:
            l1.file("root/." + p[4:], src[1])
    l1.file("etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
    l1.file("etc/group", "root:x:0:\ndaemon:x:1:\nnogroup:x:65534:\n")
    l1.file("etc/shadow", "root:*:19000:0:99999:7:::\n", 0o640)
    l1.file("etc/hostname", "bulwark-test\n")
    if "etc/os-release" not in l1.entries:
        l1.symlink("etc/os-release", "../usr/lib/os-release")
    add_dpkg_db(l1, base_info, base_info)

    # layer 2: openssl + the application
    l2 = Layer()
    app_info = []
    for d in app_debs:
        listed, contents = d.add_to(l2)
        app_info.append((d, listed, contents))
    add_dpkg_db(l2, base_info + app_info, app_info)
    python_fixtures(l2)
    npm_fixtures(l2)
    java_fixtures(l2)
    cargo_fixtures(l2)
    gover = go_fixture(l2, workdir)
    l2.file("app/config.json", '{"listen": ":8080", "debug": true}\n')
    l2.file("app/bin/healthcheck", "#!/bin/sh\nexec true\n", 0o755)
    l2.hardlink("app/bin/hc", "app/bin/healthcheck")
    l2.file("app/cache/stale.bin", b"\x00" * 4096)

    # layer 3: deletions (whiteouts), an opaque directory, a modified file
    l3 = Layer()
    l3.file("usr/share/doc/.wh.zlib1g", b"")
    sp = "app/venv/lib/python3.11/site-packages"
    l3.file(sp + "/.wh.PyYAML-5.3.1.dist-info", b"")
    l3.file(sp + "/.wh.yaml", b"")
    l3.file("app/plugins/.wh..wh..opq", b"")
    l3.file("app/plugins/commons-text-1.10.0.jar", jar_bytes(
        "org.apache.commons", "commons-text", "1.10.0",
        "Apache Commons Text"))
    l3.file("app/cache/.wh..wh..opq", b"")
    l3.file("app/config.json", '{"listen": ":8080", "debug": false}\n')
    l3.file("etc/motd", "Bulwark test image - authorised use only.\n")

    layers = [l1, l2, l3]
    history = ["/bin/sh -c #(nop) ADD debian bookworm base (%s)"
               % ", ".join(d.name for d in base_debs),
               "RUN apt-get install %s && COPY app /app"
               % " ".join(d.name for d in app_debs),
               "RUN rm -rf /usr/share/doc/zlib1g /app/plugins/* ..."]
    pkgs = [(d.name, d.version, d.field("Source") or d.name, i)
            for i, group in enumerate((base_debs, app_debs))
            for d in group]
    return layers, history, pkgs, gover


def cmd_debian(args):
    out = args.out
    os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="mkimage.")
    try:
        layers, history, pkgs, gover = build_debian_layers(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tars = [l.to_tar() for l in layers]
    diff_ids = [sha256(t) for t in tars]
    config = image_config(diff_ids, history)

    write_docker_archive(os.path.join(out, "debian-docker.tar"), tars,
                         config, REF)
    write_legacy_archive(os.path.join(out, "debian-docker-legacy.tar.gz"),
                         tars, config, REF)

    have_zstd = shutil.which("zstd") is not None and not args.no_zstd
    if not have_zstd:
        log("zstd not found: every OCI layer is gzip")
    comp = [(gz(tars[0]), MT_LAYER_GZ),
            (zst(tars[1]), MT_LAYER_ZST) if have_zstd
            else (gz(tars[1]), MT_LAYER_GZ),
            (gz(tars[2]), MT_LAYER_GZ)]
    ocidir = os.path.join(out, "debian-oci")
    shutil.rmtree(ocidir, ignore_errors=True)
    write_oci_layout(ocidir, comp, config, REF)
    tar_dir(ocidir, os.path.join(out, "debian-oci.tar"))

    # multi-platform layout: a nested index with linux/amd64 (this image)
    # and a linux/arm64 entry (a tiny one-layer image) for platform tests
    armdir = os.path.join(out, "multiarch-oci")
    shutil.rmtree(armdir, ignore_errors=True)
    arm = Layer()
    arm.file("etc/os-release", 'PRETTY_NAME="placeholder arm64 image"\n'
             "ID=debian\nVERSION_ID=\"12\"\n")
    arm_tar = arm.to_tar()
    arm_cfg = jdump(image_config([sha256(arm_tar)], ["ADD os-release"],
                                 arch="arm64"))
    arm_blob = gz(arm_tar)
    arm_manifest = jdump({
        "schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
        "config": {"mediaType": MT_OCI_CONFIG,
                   "digest": "sha256:" + sha256(arm_cfg),
                   "size": len(arm_cfg)},
        "layers": [{"mediaType": MT_LAYER_GZ,
                    "digest": "sha256:" + sha256(arm_blob),
                    "size": len(arm_blob)}]})
    _, put = write_oci_layout(
        armdir, comp, config, REF,
        platform_extra=[(arm_manifest, {"architecture": "arm64",
                                        "os": "linux", "variant": "v8"})])
    put(arm_cfg)
    put(arm_blob)

    with open(os.path.join(out, "debian-packages.txt"), "w") as f:
        f.write("# package version source layer (0 = base, 1 = app)\n")
        for name, ver, src, layer in sorted(pkgs):
            f.write("%s %s %s %d\n" % (name, ver, src.replace(" ", ""),
                                       layer))
        f.write("# go: %s\n" % (gover or "none (no toolchain)"))
        for i, t in enumerate(tars):
            f.write("# layer %d diff_id sha256:%s (%d bytes)\n"
                    % (i, sha256(t), len(t)))
    log("wrote %s (layers %s bytes)" % (out, [len(t) for t in tars]))


APK_STANZAS = [
    # (P, V, origin, size, installed size, license, url, desc, deps, files)
    ("alpine-baselayout", "3.4.3-r2", "alpine-baselayout", 8866, 331776,
     "GPL-2.0-only", "https://git.alpinelinux.org/cgit/aports/tree/main/"
     "alpine-baselayout", "Alpine base dir structure and init scripts",
     "alpine-baselayout-data=3.4.3-r2 /bin/sh",
     [("etc", ["motd"])]),
    ("alpine-baselayout-data", "3.4.3-r2", "alpine-baselayout", 11175, 77824,
     "GPL-2.0-only", "https://git.alpinelinux.org/cgit/aports/tree/main/"
     "alpine-baselayout", "Alpine base dir structure and init scripts",
     "", [("etc", ["fstab", "group", "hostname", "hosts", "inittab",
                   "passwd", "shadow", "shells"])]),
    ("alpine-keys", "2.4-r1", "alpine-keys", 13360, 159744, "MIT",
     "https://alpinelinux.org", "Public keys for Alpine Linux packages", "",
     [("etc/apk/keys", ["alpine-devel@lists.alpinelinux.org-"
                        "6165ee59.rsa.pub"])]),
    ("apk-tools", "2.14.0-r5", "apk-tools", 120973, 307200, "GPL-2.0-only",
     "https://gitlab.alpinelinux.org/alpine/apk-tools",
     "Alpine Package Keeper - package manager for alpine",
     "musl>=1.2 ca-certificates-bundle so:libc.musl-x86_64.so.1 "
     "so:libcrypto.so.3 so:libssl.so.3 so:libz.so.1",
     [("sbin", ["apk"])]),
    ("busybox", "1.36.1-r15", "busybox", 509080, 946176, "GPL-2.0-only",
     "https://busybox.net/", "Size optimized toolbox of many common UNIX "
     "utilities", "so:libc.musl-x86_64.so.1", [("bin", ["busybox"])]),
    ("busybox-binsh", "1.36.1-r15", "busybox", 1531, 8192, "GPL-2.0-only",
     "https://busybox.net/", "busybox ash /bin/sh", "busybox=1.36.1-r15",
     [("bin", ["sh"])]),
    ("ca-certificates-bundle", "20230506-r0", "ca-certificates", 126212,
     237568, "MPL-2.0 AND MIT", "https://www.mozilla.org/en-US/about/"
     "governance/policies/security-group/certs/",
     "Pre generated bundle of Mozilla certificates", "",
     [("etc/ssl/certs", ["ca-certificates.crt"])]),
    ("libc-utils", "0.7.2-r5", "libc-dev", 1475, 4096, "BSD-2-Clause AND "
     "BSD-3-Clause", "https://alpinelinux.org", "Meta package to pull in "
     "correct libc", "musl-utils", []),
    ("libcrypto3", "3.1.4-r2", "openssl", 1742488, 4362240, "Apache-2.0",
     "https://www.openssl.org/", "Crypto library from openssl",
     "so:libc.musl-x86_64.so.1",
     [("lib", ["libcrypto.so.3"]), ("usr/lib/engines-3",
                                    ["afalg.so", "capi.so", "loader_attic.so",
                                     "padlock.so"])]),
    ("libssl3", "3.1.4-r2", "openssl", 244446, 593920, "Apache-2.0",
     "https://www.openssl.org/", "SSL shared libraries",
     "so:libc.musl-x86_64.so.1 so:libcrypto.so.3",
     [("lib", ["libssl.so.3"])]),
    ("musl", "1.2.4_git20230717-r4", "musl", 407658, 647168, "MIT",
     "https://musl.libc.org/", "the musl c library (libc) implementation",
     "", [("lib", ["ld-musl-x86_64.so.1", "libc.musl-x86_64.so.1"])]),
    ("musl-utils", "1.2.4_git20230717-r4", "musl", 36938, 135168,
     "MIT AND BSD-2-Clause AND GPL-2.0-or-later", "https://musl.libc.org/",
     "the musl c library (libc) implementation",
     "scanelf so:libc.musl-x86_64.so.1", [("sbin", ["ldconfig"]),
                                          ("usr/bin", ["getconf", "getent",
                                                       "iconv", "ldd"])]),
    ("scanelf", "1.3.7-r2", "pax-utils", 37023, 102400, "GPL-2.0-only",
     "https://wiki.gentoo.org/wiki/Hardened/PaX_Utilities",
     "Scan ELF binaries for stuff", "so:libc.musl-x86_64.so.1",
     [("usr/bin", ["scanelf"])]),
    ("ssl_client", "1.36.1-r15", "busybox", 4958, 20480, "GPL-2.0-only",
     "https://busybox.net/", "EXternal ssl_client for busybox wget",
     "so:libc.musl-x86_64.so.1 so:libcrypto.so.3 so:libssl.so.3",
     [("usr/bin", ["ssl_client"])]),
    ("zlib", "1.3-r2", "zlib", 53721, 110592, "Zlib", "https://zlib.net/",
     "A compression/decompression Library", "so:libc.musl-x86_64.so.1",
     [("lib", ["libz.so.1", "libz.so.1.3"])]),
]


def cmd_alpine(args):
    """A hand-written Alpine 3.19 root filesystem directory."""
    import base64
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "lib/apk/db"))
    os.makedirs(os.path.join(out, "etc/apk"))
    stanzas = []
    for (p, v, o, size, isize, lic, url, desc, deps, files) in APK_STANZAS:
        ck = base64.b64encode(hashlib.sha1(("%s-%s" % (p, v)).encode())
                              .digest()).decode()
        s = ["C:Q1" + ck, "P:" + p, "V:" + v, "A:x86_64", "S:%d" % size,
             "I:%d" % isize, "T:" + desc, "U:" + url, "L:" + lic,
             "o:" + o, "m:Natanael Copa <ncopa@alpinelinux.org>",
             "t:1700000000", "c:0000000000000000000000000000000000000000"]
        if deps:
            s.append("D:" + deps)
        for d, names in files:
            s.append("F:" + d)
            for n in names:
                s.append("R:" + n)
                s.append("Z:Q1" + base64.b64encode(hashlib.sha1(
                    (d + "/" + n).encode()).digest()).decode())
        stanzas.append("\n".join(s) + "\n")
    with open(os.path.join(out, "lib/apk/db/installed"), "w") as f:
        f.write("\n".join(stanzas) + "\n")
    with open(os.path.join(out, "etc/os-release"), "w") as f:
        f.write('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.0\n'
                'PRETTY_NAME="Alpine Linux v3.19"\n'
                'HOME_URL="https://alpinelinux.org/"\n'
                'BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/'
                'aports/-/issues"\n')
    with open(os.path.join(out, "etc/alpine-release"), "w") as f:
        f.write("3.19.0\n")
    with open(os.path.join(out, "etc/apk/world"), "w") as f:
        f.write("alpine-baselayout\nalpine-keys\napk-tools\nbusybox\n"
                "ca-certificates-bundle\nlibc-utils\nssl_client\nzlib\n")
    with open(os.path.join(out, "etc/apk/repositories"), "w") as f:
        f.write("https://dl-cdn.alpinelinux.org/alpine/v3.19/main\n"
                "https://dl-cdn.alpinelinux.org/alpine/v3.19/community\n")
    for root, dirs, files in os.walk(out):
        os.utime(root, (EPOCH, EPOCH))
        for fn in files:
            os.utime(os.path.join(root, fn), (EPOCH, EPOCH))
    log("wrote %s (%d apk packages)" % (out, len(APK_STANZAS)))


class _HashTee:
    """A write-only file object that hashes what passes through it and
    hands it on to another file object (or to nothing)."""

    def __init__(self, nxt=None):
        self.h = hashlib.sha256()
        self.n = 0
        self.nxt = nxt

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        if self.nxt is not None:
            self.nxt.write(b)
        return len(b)

    def flush(self):
        pass


class _StreamLayer:
    """Writes a layer straight to a gzip blob under blobs/sha256/, hashing
    the tar (diff_id) and the blob (digest) on the way: nothing is held in
    memory, so layers of any size can be made."""

    def __init__(self, blobdir, level):
        self.blobdir = blobdir
        self.tmp = os.path.join(blobdir, ".tmp-layer")
        self.f = open(self.tmp, "wb")
        self.blob = _HashTee(self.f)
        self.gz = gzip.GzipFile(fileobj=self.blob, mode="wb", mtime=0,
                                filename="", compresslevel=level)
        self.diff = _HashTee(self.gz)
        self.tf = tarfile.open(fileobj=self.diff, mode="w|",
                               format=tarfile.PAX_FORMAT)
        self.dirs = set()

    def add(self, path, data):
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in self.dirs:
                self.dirs.add(d)
                ti = tarfile.TarInfo(d)
                ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, EPOCH
                ti.uname = ti.gname = "root"
                self.tf.addfile(ti)
        ti = tarfile.TarInfo(path)
        ti.size, ti.mode, ti.mtime = len(data), 0o644, EPOCH
        ti.uname = ti.gname = "root"
        self.tf.addfile(ti, io.BytesIO(data))

    def add_tar(self, raw):
        """Copies a complete layer tar (from Layer.to_tar)."""
        with tarfile.open(fileobj=io.BytesIO(raw)) as src:
            for m in src:
                self.tf.addfile(m, src.extractfile(m) if m.isreg() else None)

    def close(self):
        self.tf.close()
        self.gz.close()
        self.f.close()
        digest = self.blob.h.hexdigest()
        os.replace(self.tmp, os.path.join(self.blobdir, digest))
        return ({"mediaType": MT_LAYER_GZ, "digest": "sha256:" + digest,
                 "size": self.blob.n}, self.diff.h.hexdigest(), self.diff.n)


def cmd_bench(args):
    """A large synthetic OCI image: a Debian base layer from the debs and
    layers of generated files (a mix of incompressible and repetitive
    content), gzip-compressed, streamed to disk."""
    out = args.out
    shutil.rmtree(out, ignore_errors=True)
    blobdir = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobdir)
    rng = random.Random(args.seed)
    base_debs = load_debs(args.debs, args.base.split(","))
    l1 = Layer(dot_prefix=True)
    info = []
    for d in base_debs:
        listed, contents = d.add_to(l1)
        info.append((d, listed, contents))
    add_dpkg_db(l1, info, info)
    for top in MERGED[:3] + ("lib64",):
        l1.symlink(top, "usr/" + top)
    python_fixtures(l1)
    npm_fixtures(l1)
    java_fixtures(l1)
    descs, diffs, raw_total = [], [], 0
    sl = _StreamLayer(blobdir, args.level)
    sl.add_tar(l1.to_tar())
    d, h, n = sl.close()
    descs.append(d)
    diffs.append(h)
    raw_total += n
    nlayers = args.layers - 1
    per_layer_bytes = args.size_mb * 1024 * 1024 // nlayers
    per_layer_files = max(1, args.files // nlayers)
    avg = max(1, per_layer_bytes // per_layer_files)
    words = [("w%05d" % i).encode() for i in range(4096)]
    text = b" ".join(rng.choice(words) for _ in range(1 << 16))
    for li in range(nlayers):
        sl = _StreamLayer(blobdir, args.level)
        budget = per_layer_bytes
        for fi in range(per_layer_files):
            size = min(budget, int(rng.expovariate(1.0 / avg)), avg * 50)
            budget -= size
            path = "opt/data%d/d%03d/f%06d.%s" % (
                li, fi % 256, fi, ("bin", "txt", "json", "py")[fi % 4])
            if rng.random() < args.random_fraction:
                data = rng.randbytes(size)
            else:
                off = rng.randrange(len(text))
                data = (text[off:] + text)[:size] if size <= len(text) \
                    else (text * (size // len(text) + 1))[:size]
            sl.add(path, data)
        d, h, n = sl.close()
        descs.append(d)
        diffs.append(h)
        raw_total += n
    config = jdump(image_config(diffs, ["debian base + app fixtures"] +
                                ["data %d" % i for i in range(nlayers)]))
    ch = sha256(config)
    with open(os.path.join(blobdir, ch), "wb") as f:
        f.write(config)
    manifest = jdump({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
                      "config": {"mediaType": MT_OCI_CONFIG,
                                 "digest": "sha256:" + ch,
                                 "size": len(config)},
                      "layers": descs})
    mh = sha256(manifest)
    with open(os.path.join(blobdir, mh), "wb") as f:
        f.write(manifest)
    ref = "bulwark-test/bench:%dmb-%dfiles" % (args.size_mb, args.files)
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(jdump({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                       "manifests": [{"mediaType": MT_OCI_MANIFEST,
                                      "digest": "sha256:" + mh,
                                      "size": len(manifest),
                                      "platform": {"architecture": "amd64",
                                                   "os": "linux"},
                                      "annotations": {
                                          "org.opencontainers.image.ref.name":
                                          ref}}]}))
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(b'{"imageLayoutVersion":"1.0.0"}')
    log("wrote %s: %d layers, %d MB uncompressed, %d MB compressed" % (
        out, len(descs), raw_total >> 20,
        sum(d["size"] for d in descs) >> 20))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("debian")
    d.add_argument("--debs", required=True)
    d.add_argument("--base", required=True)
    d.add_argument("--app", default="")
    d.add_argument("--out", required=True)
    d.add_argument("--no-zstd", action="store_true")
    a = sub.add_parser("alpine")
    a.add_argument("--out", required=True)
    b = sub.add_parser("bench")
    b.add_argument("--debs", required=True)
    b.add_argument("--base", required=True)
    b.add_argument("--out", required=True)
    b.add_argument("--size-mb", type=int, default=256)
    b.add_argument("--files", type=int, default=20000)
    b.add_argument("--layers", type=int, default=5)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--level", type=int, default=1, help="gzip level")
    b.add_argument("--random-fraction", type=float, default=0.75,
                   help="share of files with incompressible content")
    args = ap.parse_args()
    {"debian": cmd_debian, "alpine": cmd_alpine, "bench": cmd_bench}[
        args.cmd](args)


if __name__ == "__main__":
    main()
