#!/bin/bash
# reuse, record and the module store (issue 15) against real Kbuild builds of the torture module subdir-objects
# (two objects, one in a subdirectory; a.c includes sub/s.h, a header srcversion does not hash):
#  1. record after a real build for <kernel>: recorded, with the srcversion modinfo shows;
#  2. the same kernel: reuse, from the store (the stored file is the built one, byte for byte) and for the file given;
#  3. a twin of <kernel> (a copy of its build directory under another release name: same files, same Module.symvers):
#     reuse; and a real build for the twin, in the same directory, differs from the stored binary only in .modinfo's
#     vermagic release, the build ID, and the debug information's name of the kernel's build directory (after
#     strip -g, as DKMS strips: only vermagic and the build ID), which is what "identical inputs" promises;
#  4. another kernel (<other>, its own headers): build, naming the first difference;
#  5. sub/s.h changed: the prediction's srcversion is unchanged (srcversion cannot see it), reuse says build and names
#     it; restored, reuse again;
#  6. a Kbuild line that adds a flag only for the twin's release: build for the twin, naming the flag; build for
#     <kernel> too, naming Kbuild (its commands are unchanged, but a module's makefiles also decide its link, which no
#     command shows, so every build file is part of the record);
#  7. a damaged store: a flipped byte in a stored module file or its record: build, the entry dropped (gone from the
#     store), and recorded again; a temporary directory a killed writer left is removed by the next record; a directory
#     the tool did not make is refused as a store (exit 2) and left as it was;
#  8. two records and a reuse at once: all succeed, and the store holds one whole entry;
#  9. --policy=kabi (its own store, holding the build for <kernel> and a real build of examples/hello for the
#     twin, which tells the twin's vermagic): <other> builds, naming a symbol whose CRC differs; the twin with a
#     kernel header changed (autoconf.h): the default policy builds, kabi reuses the file built for <kernel>; the
#     twin's Module.symvers with the CRC of a symbol the module does not use changed: reused; of one it uses: built,
#     naming it; the twin's flag of step 6: built, naming the command's own words;
# 10. reuse --place killed at staggered moments, then two at once, into the built directory (its module file
#     removed): the module file is absent or whole (the stored bytes) after every kill, no temporary of ours is left
#     once a run finishes (and files beside it that are not its temporaries stay), exactly one of the two concurrent
#     runs places it, and a file there is never replaced;
# 11. --policy=kabi, a package of two modules (pair_user calls pair_provided, which pair_provider exports, its
#     prototype taking a long where the kernel's configuration defines CONFIG_SRCVP_PAIR_LONG): built for <kernel>
#     (A) and, with the twin's autoconf.h defining it, for the twin (B), whose CRC of pair_provided differs: for the
#     twin, B's two files are reused (the symbol the kernel does not export found in the package, CRC equal), and so
#     are both from the store; B's provider with A's user, or A's user alone, build, naming the symbol.
# usage: reuse.sh <binary> <kernel-release> <other-kernel-release>
. "$(dirname "$0")/lib.sh"
[ $# -eq 3 ] || usage 20
bin=$1 rel=$2 other=$3
need_binary "$bin"
need_kernel "$rel"
need_kernel "$other"
need_tools 'is not installed (binutils)' strip cmp nm
need_tools 'is not installed (kmod)' modinfo

make_work reuse
trap remove_work EXIT
export XDG_CACHE_HOME=$work/xdg
store=$work/store
m=$work/m
case_dir=$root/testdata/modules/subdir-objects

# expect <status> <what> <command...>: output in $work/out, errors in $work/err.
expect() {
  local want=$1 what=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$work/out" "$work/err" >&2; fail "$what: exit $rc, expected $want"; }
}
# out_has <what> <regex>: the last output matches.
out_has() { grep -Eq -- "$2" "$work/out" || { cat "$work/out" >&2; fail "$1: output does not match /$2/"; }; }

# 1. A real build, recorded.
"$kbuild_build" "$rel" "$case_dir" "$m" || fail "the real build of subdir-objects for $rel failed"
real_srcversion=$(modinfo -F srcversion "$m/subobj.ko")
[ -n "$real_srcversion" ] || fail "the real build's subobj.ko has no srcversion"
expect 0 "record" "$bin" record --store "$store" --json "$m"
python3 - "$work/out" "$real_srcversion" <<'EOF' || fail "record --json does not say subobj was recorded with the real srcversion"
import json, sys
r = json.load(open(sys.argv[1]))
m = r['modules']
assert len(m) == 1 and m[0]['recorded'] and m[0]['srcversion'] == sys.argv[2], m
EOF
cp "$m/subobj.ko" "$work/built-for-$rel.ko"
mkdir "$work/built" && cp "$m/subobj.ko" "$work/built/subobj.ko" # the same, under the module's name
kstore=$work/kabi-store
expect 0 "record into the kabi store" "$bin" record --store "$kstore" "$m"

# 2. The same kernel.
expect 0 "reuse from the store for $rel" "$bin" reuse --store "$store" "$m" "$rel"
out_has "reuse for $rel" '^subobj reuse /'
stored=$(awk '{print $3}' "$work/out")
cmp -s "$stored" "$m/subobj.ko" || fail "the stored module file is not the one the build left"
expect 0 "reuse of the file given for $rel" "$bin" reuse --store "$store" "$m" "$rel" "$m/subobj.ko"
out_has "reuse of the file given" "^subobj reuse $m/subobj.ko\$"

# 3. The twin: the build directory copied under another release name of the same length (so that .modinfo keeps its
#    size), its relative symlinks made absolute.
twin=$work/twin twin_rel=${rel/-56-/-99-}
[ "$twin_rel" != "$rel" ] || fail "cannot name a twin of $rel (expected a release with -56-)"
make_twin "$rel" "$twin" "$twin_rel"
expect 0 "reuse for the twin" "$bin" reuse --store "$store" "$m" "$twin"
out_has "reuse for the twin" '^subobj reuse /'
# The real build for the twin, in the same directory, every object compiled afresh (make clean first: Kbuild itself
# would otherwise find the objects up to date, their commands and dependencies being the same): the same code.
{ make -C "$twin" M="$m" clean && make -C "$twin" M="$m" CONFIG_MODULE_SRCVERSION_ALL=y modules; } \
  >"$work/twin-build.log" 2>&1 || { cat "$work/twin-build.log" >&2; fail "the real build for the twin failed"; }
grep -q ' CC \[M\]  .*/a\.o' "$work/twin-build.log" || fail "the twin's build did not compile a.o afresh"
[ "$(modinfo -F vermagic "$m/subobj.ko" | cut -d' ' -f1)" = "$twin_rel" ] || fail "the twin's build is not for $twin_rel"
# Debug information names the kernel's build directory (the compiles' working directory), which the twin has
# elsewhere; DKMS strips it (strip -g) unless a package says STRIP=no.
strip -g -o "$work/twin.ko" "$m/subobj.ko" && strip -g -o "$work/stored.ko" "$stored" || fail "strip -g failed"
python3 - "$m/subobj.ko" "$stored" "$work/twin.ko" "$work/stored.ko" "$twin_rel" "$rel" <<'EOF' ||
import struct, sys
def sections(path):
    d = open(path, 'rb').read()
    shoff, = struct.unpack_from('<Q', d, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', d, 0x3a)
    hdr = [struct.unpack_from('<IIQQQQIIQQ', d, shoff + i * shentsize) for i in range(shnum)]
    names = hdr[shstrndx]
    out = {}
    for h in hdr:
        name = d[names[4] + h[0]:].split(b'\0', 1)[0].decode()
        out[name] = b'' if h[1] == 8 else d[h[4]:h[4] + h[5]]  # SHT_NOBITS has no bytes
    return out
def differing(a, b):
    a, b = sections(a), sections(b)
    assert a.keys() == b.keys(), (a.keys() ^ b.keys())
    assert a['.modinfo'].replace(sys.argv[5].encode(), sys.argv[6].encode()) == b['.modinfo'], 'modinfo'
    return sorted(n for n in a if a[n] != b[n] and n not in ('.modinfo', '.note.gnu.build-id'))
unstripped = differing(sys.argv[1], sys.argv[2])
assert all(n.startswith(('.debug_', '.rela.debug_')) for n in unstripped), unstripped
assert differing(sys.argv[3], sys.argv[4]) == [], 'stripped'
EOF
  fail "the real build for the twin differs from the reused binary beyond vermagic's release, the build ID and debug information"

# Back to the build for $rel, in the same directory.
"$kbuild_build" "$rel" "$case_dir" "$m" || fail "the real build of subdir-objects for $rel failed"
cmp -s "$m/subobj.ko" "$work/built-for-$rel.ko" || fail "two real builds for $rel in one directory differ"

# 4. Another kernel.
expect 1 "reuse for $other" "$bin" reuse --store "$store" "$m" "$other"
out_has "reuse for $other" '^subobj build .*differs'
expect 1 "reuse of the file given for $other" "$bin" reuse --store "$store" "$m" "$other" "$work/built/subobj.ko"
out_has "reuse of the file given for $other" '^subobj build .*differs'

# 5. A header in a subdirectory: srcversion is blind to it, the record is not.
expect 0 "predict before the change" "$bin" predict --all-versions=yes --no-prediction-cache "$m" "$rel"
before=$(cat "$work/out")
cp -p "$m/sub/s.h" "$work/s.h.orig"
echo '#define SUBOBJ_S_CHANGED 1' >>"$m/sub/s.h"
expect 0 "predict after the change" "$bin" predict --all-versions=yes --no-prediction-cache "$m" "$rel"
[ "$(cat "$work/out")" = "$before" ] || fail "changing sub/s.h changed the predicted srcversion: the case is wrong"
expect 1 "reuse after changing sub/s.h" "$bin" reuse --store "$store" "$m" "$rel"
out_has "reuse after changing sub/s.h" '^subobj build .*a\.o: .*sub/s\.h differs from what the build compiled'
expect 1 "reuse of the file after changing sub/s.h" "$bin" reuse --store "$store" "$m" "$rel" "$m/subobj.ko"
out_has "reuse of the file after changing sub/s.h" 'sub/s\.h differs'
cp -p "$work/s.h.orig" "$m/sub/s.h"
expect 0 "reuse after restoring sub/s.h" "$bin" reuse --store "$store" "$m" "$rel"

# 6. A flag for the twin's release only.
cp -p "$m/Kbuild" "$work/Kbuild.orig"
echo "ccflags-y += \$(if \$(filter $twin_rel,\$(KERNELRELEASE)),-DSUBOBJ_TWIN)" >>"$m/Kbuild"
expect 1 "reuse for $rel with the twin's flag in Kbuild" "$bin" reuse --store "$store" "$m" "$rel"
out_has "reuse for $rel with the twin's flag in Kbuild" "build file Kbuild differs"
expect 1 "reuse for the twin with its flag" "$bin" reuse --store "$store" "$m" "$twin"
out_has "reuse for the twin with its flag" "compile command differs at word [0-9]+: '-DSUBOBJ_TWIN'"
expect 1 "kabi for the twin with its flag" "$bin" reuse --policy=kabi --store "$kstore" "$m" "$twin" \
  "$work/built/subobj.ko"
out_has "kabi for the twin with its flag" "differs at word [0-9]+: '-DSUBOBJ_TWIN'.*the command's own words"
cp -p "$work/Kbuild.orig" "$m/Kbuild"
expect 0 "reuse after restoring Kbuild" "$bin" reuse --store "$store" "$m" "$rel"

# 7. A damaged store.
entry=$(dirname "$stored")
printf '\x01' | dd of="$entry/module.ko" bs=1 seek=4096 conv=notrunc status=none
expect 1 "reuse with a damaged module file in the store" "$bin" reuse --store "$store" "$m" "$rel"
out_has "reuse with a damaged module file" 'dropped: .*no longer matches its record'
[ ! -e "$entry" ] || fail "the damaged entry is still in the store"
expect 0 "record again" "$bin" record --store "$store" "$m"
sed -i 's/^srcversion .*/srcversion 0123456789ABCDEF0123456/' "$entry/record"
expect 1 "reuse with a damaged record" "$bin" reuse --store "$store" "$m" "$rel"
out_has "reuse with a damaged record" 'dropped: .*record is damaged'
[ ! -e "$entry" ] || fail "the entry with a damaged record is still in the store"
mkdir "$store/.tmp.left" && echo x >"$store/.tmp.left/module.ko"
expect 0 "record after a killed writer" "$bin" record --store "$store" "$m"
[ ! -e "$store/.tmp.left" ] || fail "the temporary directory of a killed writer was not removed"
mkdir "$work/not-a-store" && echo keep >"$work/not-a-store/file"
expect 2 "record into a directory the tool did not make" "$bin" record --store "$work/not-a-store" "$m"
[ "$(ls -A "$work/not-a-store")" = file ] && [ "$(cat "$work/not-a-store/file")" = keep ] ||
  fail "record changed a directory that is not a module store"

# 8. At once.
"$bin" record --store "$store" "$m" >"$work/r1" 2>&1 & p1=$!
"$bin" record --store "$store" "$m" >"$work/r2" 2>&1 & p2=$!
"$bin" reuse --store "$store" "$m" "$rel" >"$work/r3" 2>&1 & p3=$!
wait $p1 || { cat "$work/r1" >&2; fail "a concurrent record failed"; }
wait $p2 || { cat "$work/r2" >&2; fail "a concurrent record failed"; }
wait $p3 || { cat "$work/r3" >&2; fail "a reuse during two records failed"; }
expect 0 "store --stats" "$bin" store --stats --json --store "$store"
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); assert s["entries"] == 1 and s["modules"] == 1, s' \
  "$work/out" || { cat "$work/out" >&2; fail "the store does not hold exactly one entry"; }
[ -z "$(find "$store" -name '.tmp.*')" ] || fail "concurrent records left a temporary directory"
# 9. --policy=kabi.
cp -r "$root/examples/hello" "$work/hello"
make -C "$twin" M="$work/hello" modules >"$work/hello-build.log" 2>&1 ||
  { cat "$work/hello-build.log" >&2; fail "the real build of examples/hello for the twin failed"; }
expect 0 "record hello built for the twin" "$bin" record --store "$kstore" --kernel "$twin" "$work/hello"
expect 1 "kabi for $other" "$bin" reuse --policy=kabi --store "$kstore" "$m" "$other" "$work/built/subobj.ko"
out_has "kabi for $other" "^subobj build symbol [^ ]+: CRC 0x[0-9a-f]{8} in the module file, 0x[0-9a-f]{8} in [^ ]+ Module.symvers"
expect 1 "kabi for $other from the store" "$bin" reuse --policy=kabi --store "$kstore" "$m" "$other"
out_has "kabi for $other from the store" "^subobj build symbol [^ ]+: CRC"
expect 0 "kabi for the twin" "$bin" reuse --policy=kabi --store "$kstore" "$m" "$twin" "$work/built/subobj.ko"
cp -p "$twin/include/generated/autoconf.h" "$work/autoconf.h.orig"
echo '/* a kernel header changed */' >>"$twin/include/generated/autoconf.h"
expect 1 "the default policy for the twin with autoconf.h changed" \
  "$bin" reuse --store "$kstore" "$m" "$twin" "$work/built/subobj.ko"
out_has "the default policy for the twin with autoconf.h changed" 'include/generated/autoconf\.h differs'
expect 0 "kabi for the twin with autoconf.h changed" \
  "$bin" reuse --policy=kabi --store "$kstore" "$m" "$twin" "$work/built/subobj.ko"
out_has "kabi for the twin with autoconf.h changed" "^subobj reuse $work/built/subobj.ko\$"
cp -p "$twin/Module.symvers" "$work/Module.symvers.orig"
used=$(nm -u "$work/built/subobj.ko" | awk '{print $2}' | grep -vx '__fentry__' | head -1)
[ -n "$used" ] || fail "the built module needs no symbol: the case is wrong"
unused=$(awk -F'\t' 'NR > 100 && $3 == "vmlinux" {print $2; exit}' "$twin/Module.symvers")
nm -u "$work/built/subobj.ko" | grep -qw -- "$unused" && fail "$unused is used by the module: the case is wrong"
flip_crc() { awk -F'\t' -v OFS='\t' -v s="$1" '$2 == s {$1 = ($1 == "0x00000001" ? "0x00000002" : "0x00000001")} 1' \
  "$work/Module.symvers.orig" >"$twin/Module.symvers"; }
flip_crc "$unused"
expect 0 "kabi with the CRC of $unused (unused) changed" \
  "$bin" reuse --policy=kabi --store "$kstore" "$m" "$twin" "$work/built/subobj.ko"
flip_crc "$used"
expect 1 "kabi with the CRC of $used (used) changed" \
  "$bin" reuse --policy=kabi --store "$kstore" "$m" "$twin" "$work/built/subobj.ko"
out_has "kabi with the CRC of $used changed" "^subobj build symbol $used: CRC"
cp -p "$work/Module.symvers.orig" "$twin/Module.symvers"
cp -p "$work/autoconf.h.orig" "$twin/include/generated/autoconf.h"
# 10. --place, killed and concurrent.
p=$m # where the build left it: the inputs are the record's
expect 0 "record the build for --place" "$bin" record --store "$store" "$m"
expect 0 "reuse before --place" "$bin" reuse --store "$store" "$p" "$rel"
stored=$(awk '{print $3}' "$work/out")
whole_or_absent() {
  [ ! -e "$p/subobj.ko" ] || cmp -s "$p/subobj.ko" "$stored" || fail "$1: $p/subobj.ko is not the stored file"
}
# Beside it, files --place must never remove: like its temporaries, but with a live writer (this shell), no pid, or
# another module's name.
not_ours=("subobj.ko.srcversion-predict.$$.tmp" "subobj.ko.srcversion-predict.x1.tmp" "subobj.ko.srcversion-predict.tmp"
  "other.ko.srcversion-predict.999999999.tmp" "subobj.ko.srcversion-predict.999999999.keep")
for f in "${not_ours[@]}"; do echo "not the tool's" >"$p/$f"; done
for delay in 0.05 0.1 0.15 0.2 0.3 0.4 0.6 0.8; do
  rm -f "$p/subobj.ko"
  "$bin" reuse --place --store "$store" "$p" "$rel" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  whole_or_absent "killed after ${delay}s"
done
rm -f "$p/subobj.ko"
expect 0 "reuse --place after the kills" "$bin" reuse --place --store "$store" "$p" "$rel"
cmp -s "$p/subobj.ko" "$stored" || fail "reuse --place did not place the stored file"
for f in "${not_ours[@]}"; do
  [ "$(cat "$p/$f" 2>/dev/null)" = "not the tool's" ] || fail "--place removed or changed $f, which it did not make"
  rm -f "${p:?}/$f"
done
[ -z "$(find "$p" -name '*.srcversion-predict.*')" ] || fail "a killed --place left a temporary file behind"
rm -f "$p/subobj.ko"
"$bin" reuse --place --store "$store" "$p" "$rel" >"$work/p1" 2>&1 & p1=$!
"$bin" reuse --place --store "$store" "$p" "$rel" >"$work/p2" 2>&1 & p2=$!
wait $p1; s1=$?
wait $p2; s2=$?
cmp -s "$p/subobj.ko" "$stored" || fail "two concurrent --place runs did not leave the stored file"
[ $((s1 + s2)) -eq 1 ] || { cat "$work/p1" "$work/p2" >&2; fail "two concurrent --place: exits $s1 and $s2, expected 0 and 1"; }
grep -hq 'is not replaced' "$work/p1" "$work/p2" || fail "the --place that lost does not say the file is not replaced"
echo keep >"$p/subobj.ko"
expect 1 "--place over a file" "$bin" reuse --place --store "$store" "$p" "$rel"
[ "$(cat "$p/subobj.ko")" = keep ] || fail "--place replaced a file"
# 11. Two modules of one package, one using the other's export, under kabi.
pair=$work/pair pstore=$work/pair-store
mkdir -p "$pair" "$work/pairA" "$work/pairB"
echo 'obj-m += pair_provider.o pair_user.o' >"$pair/Kbuild"
printf '%s\n' '#ifdef CONFIG_SRCVP_PAIR_LONG' 'int pair_provided(long x);' '#else' 'int pair_provided(int x);' \
  '#endif' >"$pair/pair.h"
printf '%s\n' '#include <linux/module.h>' '#include "pair.h"' '#ifdef CONFIG_SRCVP_PAIR_LONG' \
  'int pair_provided(long x) { return (int)x + 1; }' '#else' 'int pair_provided(int x) { return x + 1; }' '#endif' \
  'EXPORT_SYMBOL(pair_provided);' 'MODULE_LICENSE("GPL");' 'MODULE_VERSION("1");' >"$pair/pair_provider.c"
printf '%s\n' '#include <linux/module.h>' '#include "pair.h"' \
  'static int __init pair_user_init(void) { return pair_provided(1) == 2 ? 0 : -1; }' 'module_init(pair_user_init);' \
  'MODULE_LICENSE("GPL");' 'MODULE_VERSION("1");' >"$pair/pair_user.c"
build_pair() { # build_pair <kernel build dir> <copy to>: a real build, recorded, its modules copied
  make -C "$1" M="$pair" clean >/dev/null 2>&1
  make -C "$1" M="$pair" modules >"$work/pair-build.log" 2>&1 ||
    { cat "$work/pair-build.log" >&2; fail "the real build of the pair for $1 failed"; }
  expect 0 "record the pair built for $1" "$bin" record --store "$pstore" --kernel "$1" "$pair"
  cp "$pair"/pair_*.ko "$2/"
}
build_pair "/lib/modules/$rel/build" "$work/pairA"
echo '#define CONFIG_SRCVP_PAIR_LONG 1' >>"$twin/include/generated/autoconf.h"
build_pair "$twin" "$work/pairB"
crc_of() { modprobe --dump-modversions "$1" | awk '$2 == "pair_provided" {print $1}'; }
crc_a=$(crc_of "$work/pairA/pair_user.ko")
[ -n "$crc_a" ] && [ "$crc_a" != "$(crc_of "$work/pairB/pair_user.ko")" ] ||
  fail "the CRC of pair_provided is the same in both builds: the test proves nothing"
expect 0 "kabi, the pair built for the twin" "$bin" reuse --policy=kabi --store "$pstore" "$pair" "$twin" \
  "$work/pairB/pair_provider.ko" "$work/pairB/pair_user.ko"
out_has "kabi, the pair built for the twin" "^pair_user reuse $work/pairB/pair_user.ko\$"
expect 0 "kabi, the pair from the store" "$bin" reuse --policy=kabi --store "$pstore" "$pair" "$twin"
expect 1 "kabi, B's provider with A's user" "$bin" reuse --policy=kabi --store "$pstore" "$pair" "$twin" \
  "$work/pairB/pair_provider.ko" "$work/pairA/pair_user.ko"
out_has "kabi, B's provider with A's user" "^pair_provider reuse "
out_has "kabi, B's provider with A's user" \
  "^pair_user build symbol pair_provided: .* no module of this package reused with it exports it with CRC $crc_a$"
expect 1 "kabi, A's user alone" "$bin" reuse --policy=kabi --store "$pstore" "$pair" "$twin" "$work/pairA/pair_user.ko"
out_has "kabi, A's user alone" "^pair_user build symbol pair_provided: "
cp -p "$work/autoconf.h.orig" "$twin/include/generated/autoconf.h"
echo "$me: ok ($rel, twin $twin_rel, $other)"
