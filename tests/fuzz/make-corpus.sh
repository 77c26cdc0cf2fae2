#!/bin/bash
# Rewrites the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/) from real inputs, so that nobody
# crafts a seed by hand:
#   filter                                  the sources and headers of examples/hello and of the torture modules
#                                           testdata/modules/bytes-* (comments, CRLF, strings, whitespace);
#   filter, cmd_file, mod_file, srcversion  the crafted modpost trees of testdata/modpost (whose goldens come from the
#                                           real modpost): their sources and headers, their .cmd files behind the
#                                           object's directory, their .mod files, and each tree as an archive under
#                                           one era (cycling through E1..E7, the case's own -m flag kept; E7 cases
#                                           under E7);
#   mod_file                                also the first two lines of the F1 (<= 5.2) and F2 (5.3-5.18) formats,
#                                           made from a tree's object list;
#   modinfo, module_file                    real modules of Debian's linux-image 6.12.111+deb12-amd64 (installed by
#                                           scripts/install-deps.sh's kernel packages): iTCO_vendor_support (with a
#                                           srcversion) and nhc_hop (without), decompressed, and recompressed by the
#                                           real xz, zstd and gzip tools; and a 32-bit module object made by clang-19.
# Seeds are small (a few KB each). Needs python3, xz, zstd, gzip, clang-19.
# usage: tests/fuzz/make-corpus.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
corpus=$here/corpus
modules=/usr/lib/modules/6.12.111+deb12-amd64/kernel
for tool in python3 xz zstd gzip clang-19; do
  command -v $tool >/dev/null || { echo "make-corpus: $tool is not installed" >&2; exit 2; }
done
for m in drivers/watchdog/iTCO_vendor_support net/6lowpan/nhc_hop; do
  [ -f "$modules/$m.ko.xz" ] || { echo "make-corpus: $modules/$m.ko.xz missing (linux-image-6.12.111+deb12-amd64)" >&2; exit 2; }
done

rm -rf "$corpus/filter" "$corpus/cmd_file" "$corpus/mod_file" "$corpus/srcversion" "$corpus/modinfo" \
  "$corpus/module_file"
mkdir -p "$corpus"/{filter,cmd_file,mod_file,srcversion,modinfo,module_file}

python3 - "$root/testdata/modpost" "$corpus" <<'PY'
import os, sys
cases_dir, corpus = sys.argv[1], sys.argv[2]
eras = ["E1/F3", "E2/F3", "E3/F3", "E4/F3", "E5/F3", "E6", "E7"]
def write(target, name, data):
    with open(os.path.join(corpus, target, name), "wb") as f:
        f.write(data)
def object_dir(entry):
    return entry[:entry.rfind("/") + 1]
def cmd_for(entry):
    d = object_dir(entry)
    return d + "." + entry[len(d):] + ".cmd"
cases = sorted(c for c in os.listdir(cases_dir) if os.path.isdir(os.path.join(cases_dir, c, "tree")))
for n, case in enumerate(cases):
    tree = os.path.join(cases_dir, case, "tree")
    module = open(os.path.join(cases_dir, case, "module")).read().strip()
    flags_file = os.path.join(cases_dir, case, "flags")
    flags = open(flags_file).read().split() if os.path.exists(flags_file) else []
    files = {}
    for top, _, names in os.walk(tree):
        for name in sorted(names):
            path = os.path.join(top, name)
            files[os.path.relpath(path, tree)] = open(path, "rb").read()
    # srcversion: the whole tree as one archive
    era = "E7" if case.startswith("e7-") else eras[n % len(eras)]
    head = " ".join([era, module] + [f for f in flags if f == "-m"])
    archive = head.encode() + b"\n" + b"\n".join(b"==> " + p.encode() + b"\n" + files[p] for p in sorted(files))
    write("srcversion", case, archive)
    mod = files.get(module + ".mod")
    if mod is not None:
        write("mod_file", case, mod)
        entries = [e for e in mod.split(b"\0")[0].decode(errors="replace").split("\n") if e]
        if n % 10 == 0 and entries:
            write("mod_file", case + "-f1", (module + ".ko\n" + " ".join(entries) + "\n").encode())
            write("mod_file", case + "-f2", (" ".join(entries) + "\n\n").encode())
        for entry in entries:
            cmd = os.path.normpath(cmd_for(entry))
            if cmd in files:
                write("cmd_file", case + "-" + cmd.replace("/", "_"), object_dir(entry).encode() + b"\n" + files[cmd])
    for path, data in files.items():
        base = os.path.basename(path)
        if case.startswith("filter-") and not base.endswith((".cmd", ".mod")):
            write("filter", case + "-" + path.replace("/", "_"), data)
PY

for f in "$root"/examples/hello/*.[ch] "$root"/testdata/modules/bytes-*/*.[ch]; do
  d=$(basename "$(dirname "$f")")
  cp "$f" "$corpus/filter/$d-$(basename "$f")"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/make-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
xz -dc "$modules/drivers/watchdog/iTCO_vendor_support.ko.xz" > "$work/iTCO_vendor_support.ko"
xz -dc "$modules/net/6lowpan/nhc_hop.ko.xz" > "$work/nhc_hop.ko"
cp "$work/iTCO_vendor_support.ko" "$work/nhc_hop.ko" "$corpus/modinfo/"
# A 32-bit module object: a .modinfo section as the kernel's MODULE_INFO macros lay it out.
cat > "$work/modinfo32.c" <<'C'
static const char srcver_version[] __attribute__((section(".modinfo"), used, aligned(1))) = "version=1.0";
static const char srcver_license[] __attribute__((section(".modinfo"), used, aligned(1))) = "license=GPL";
static const char srcver_srcversion[] __attribute__((section(".modinfo"), used, aligned(1))) =
    "srcversion=0123456789ABCDEF0123456";
int init_module(void) { return 0; }
C
clang-19 --target=i386-linux-gnu -O2 -c "$work/modinfo32.c" -o "$corpus/modinfo/modinfo32.o"
# module_file: one byte for the suffix (0 .ko, 1 .ko.xz, 2 .ko.zst, 3 .ko.gz), then the file.
ko=$work/nhc_hop.ko
{ printf '\0'; cat "$ko"; } > "$corpus/module_file/nhc_hop.ko"
{ printf '\1'; xz -c --check=crc32 "$ko"; } > "$corpus/module_file/nhc_hop.ko.xz"
{ printf '\2'; zstd -q -c "$ko"; } > "$corpus/module_file/nhc_hop.ko.zst"
{ printf '\3'; gzip -n -c "$ko"; } > "$corpus/module_file/nhc_hop.ko.gz"
{ printf '\1'; cat "$modules/drivers/watchdog/iTCO_vendor_support.ko.xz"; } > "$corpus/module_file/iTCO_vendor_support.ko.xz"
for t in "$corpus"/*; do echo "make-corpus: $(basename "$t"): $(ls "$t" | wc -l) seeds, $(du -sk "$t" | cut -f1) KB" >&2; done
