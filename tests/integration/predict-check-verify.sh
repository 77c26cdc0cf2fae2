#!/bin/bash
# End-to-end test of the product's commands as users call them, on one kernel, against real builds:
#   predict  several kernels (lines prefixed by the release; --all-kernels on the 7.x run), --json, --dump-hash-input, a bad kernel (exit 2), the
#            prediction cache (an unchanged directory answered from it, a changed header or a new file not);
#   check    a real build's plain .ko (exit 0), the same module compressed by the real xz, zstd and gzip tools, file by
#            file and as a directory searched (exit 0), sources changed after the build (exit 1, "differs"), a module
#            whose prediction needs a generated header (exit 3), missing or non-module files (exit 2), a module
#            without a srcversion on both sides (equal);
#   verify   examples/hello and a real DKMS package (acpi-call-dkms, through Debian's real dkms build) built by real
#            Kbuild and compared (exit 0; the build removed), and --keep;
#   and that none of them writes into the module directory.
#
# usage: predict-check-verify.sh <binary> <kernel-release>
#   Exit 0 only if every expectation holds; a missing prerequisite (binary, kernel, xz, zstd, gzip, python3) fails.
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || usage 13
bin=$1 rel=$2
need_binary "$bin" 'not found'
need_kernel "$rel" 'is not installed'
need_tools 'is not installed' xz zstd gzip python3
case "$rel" in *+deb13-*) PATH=/var/lib/srcv-kbuild7/bin:$PATH ;; esac

make_work predict-check-verify
hello=$work/src/hello
mkdir -p "$work/src" && cp -a "$root/examples/hello" "$hello"
snapshot() { (cd "$1" && find . -printf '%p %s %T@\n' | sort); }
before=$(snapshot "$hello")

# expect <status> <what> <command...>: runs the command, output in $work/out and $work/err.
expect() {
  local want=$1 what=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    cat "$work/out" "$work/err" >&2
    fail "$what: exit $rc, expected $want ($*)"
  fi
}

# ---- predict
expect 0 "predict" "$bin" "$hello" "$rel" --all-versions=yes
read -r name sv < "$work/out"
[ "$name" = hello ] && [ ${#sv} -eq 23 ] || fail "predict printed '$(cat "$work/out")'"
expect 0 "predict on two kernels" "$bin" "$hello" "$rel" "$rel" --all-versions=yes
[ "$(cat "$work/out")" = "$rel hello $sv"$'\n'"$rel hello $sv" ] || fail "two kernels printed '$(cat "$work/out")'"
expect 2 "predict with a kernel that is not installed" "$bin" "$hello" "$rel" no-such-kernel-0.0 --all-versions=yes
[ "$(cat "$work/out")" = "$rel hello $sv" ] || fail "the installed kernel's line is missing: '$(cat "$work/out")'"
# --all-kernels: every kernel with a build directory, in version order (7.x needs its compiler on PATH: that run only)
case "$rel" in
  *+deb13-*)
    checked=
    kernels=$(for k in /lib/modules/*/build/Makefile; do k=${k#/lib/modules/}; echo "${k%/build/Makefile}"; done)
    expect 0 "predict --all-kernels" "$bin" --all-kernels "$hello" --all-versions=yes
    [ "$(cut -d' ' -f1 "$work/out" | sort)" = "$(echo "$kernels" | sort)" ] ||
      fail "--all-kernels printed '$(cat "$work/out")' for kernels $kernels"
    grep -q "^$rel hello $sv$" "$work/out" || fail "--all-kernels: no line for $rel: '$(cat "$work/out")'"
    # One run shares one scanner service across its kernels (issue 14): each kernel's answer must still be the real
    # build's, the golden that scripts/regen-goldens.sh stored from real Kbuild for that kernel.
    for case in header-spellings subdir-objects; do
      expect 0 "predict --all-kernels $case" "$bin" --all-kernels --no-prediction-cache "$root/testdata/modules/$case" \
        --all-versions=yes
      for k in $kernels; do
        golden=$root/testdata/modules/$case/expected/$k.srcversion
        [ -f "$golden" ] || continue
        [ "$(sed -n "s/^$k //p" "$work/out")" = "$(cat "$golden")" ] ||
          fail "--all-kernels $case: $k printed '$(sed -n "s/^$k //p" "$work/out")', the real build '$(cat "$golden")'"
        checked+=" $k"
      done
    done
    [ "$(echo "$checked" | wc -w)" -ge 6 ] || fail "--all-kernels: goldens checked for only$checked" ;;
esac
expect 0 "predict --json --dump-hash-input" "$bin" "$hello" "$rel" --all-versions=yes --json \
  --dump-hash-input "$work/dump"
python3 - "$work/out" "$work/dump" "$sv" "$rel" <<'PY' || fail "predict --json / --dump-hash-input (above)"
import json, os, sys
doc = json.load(open(sys.argv[1]))
k = doc["kernels"]
assert len(k) == 1 and k[0]["kernel"] == sys.argv[4] and k[0]["status"] == "ok", k
m = k[0]["modules"]
assert len(m) == 1 and m[0]["module"] == "hello" and m[0]["status"] == "ok" and m[0]["srcversion"] == sys.argv[3], m
hashed = m[0]["hashed_files"]
# hello.h is hashed up to 6.12; from 6.13 modpost's same-directory test drops it
# (docs/srcversion-rules.md section 2, era E7)
assert [os.path.basename(h["path"]) for h in hashed][:1] == ["hello.c"], hashed
total = sum(h["hashed_bytes"] for h in hashed)
size = os.path.getsize(sys.argv[2])
assert size == total, f"dump holds {size} bytes, the hashed files {total}"
assert doc["exit_status"] == 0
PY

# ---- the prediction cache: an unchanged directory is answered from it; any change is seen
pc=$work/src/cached/hello
mkdir -p "$(dirname "$pc")" && cp -a "$hello" "$pc"
sleep 2.1 # an entry is written only when every input is older than 2 s (ctime included)
cache=$work/cache
expect 0 "predict (filling the prediction cache)" "$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes -v
[ "$(cat "$work/out")" = "hello $sv" ] || fail "prediction of a copy: '$(cat "$work/out")'"
ls "$cache"/predictions/*.txt >/dev/null 2>&1 || fail "no prediction was cached"
expect 0 "predict (from the prediction cache)" "$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes -v
grep -q "prediction from the cache" "$work/err" || fail "an unchanged directory was not answered from the cache"
[ "$(cat "$work/out")" = "hello $sv" ] || fail "cached prediction: '$(cat "$work/out")'"
for entry in "$cache"/predictions/*.txt; do head -c 200 "$entry" > "$entry.cut" && mv "$entry.cut" "$entry"; done
expect 0 "predict (a damaged cache entry)" "$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes -v
! grep -q "prediction from the cache" "$work/err" && [ "$(cat "$work/out")" = "hello $sv" ] ||
  fail "a damaged cache entry: '$(cat "$work/out")' $(cat "$work/err")"
echo "int srcv_cache_test;" >> "$pc/hello.h"
expect 0 "predict after a header changed" "$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes -v
! grep -q "prediction from the cache" "$work/err" || fail "a changed header was answered from the cache"
changed_sv=$(cut -d' ' -f2 "$work/out")
expect 0 "predict without the cache" "$bin" --no-prediction-cache "$pc" "$rel" --all-versions=yes
[ "$(cat "$work/out")" = "hello $changed_sv" ] || fail "after the change: '$changed_sv', afresh: '$(cat "$work/out")'"
# hello.h is hashed up to 6.12 (from 6.13 modpost's same-directory test leaves it out): there the answer changes
case "$rel" in 6.1.*|6.12.*) [ "$changed_sv" != "$sv" ] || fail "the header change did not change the srcversion" ;; esac
sleep 2.1
"$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes >/dev/null 2>&1
touch "$pc/new-file.h"
expect 0 "predict after a file was added" "$bin" --cache-dir "$cache" "$pc" "$rel" --all-versions=yes -v
! grep -q "prediction from the cache" "$work/err" || fail "a directory with a new file was answered from the cache"

# ---- check: a real build of the same sources
"$root/scripts/kbuild-build.sh" "$rel" "$hello" "$work/built" || fail "the real build of examples/hello failed"
ko=$work/built/hello.ko
expect 0 "check against the built .ko" "$bin" check "$hello" "$rel" "$ko"
[ "$(cat "$work/out")" = "hello equal $sv $sv $ko" ] || fail "check printed '$(cat "$work/out")'"
expect 0 "check against the build directory" "$bin" check "$hello" "$rel" "$work/built"
expect 0 "check --json" "$bin" check "$hello" "$rel" "$ko" --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["comparisons"]
assert d["exit_status"] == 0 and len(c) == 1 and c[0]["verdict"] == "equal" and c[0]["predicted"] == c[0]["built"] == sys.argv[2], d' \
  "$work/out" "$sv" || fail "check --json: $(cat "$work/out")"
mkdir -p "$work/z"
xz -c "$ko" > "$work/z/hello.ko.xz" && zstd -q -c "$ko" > "$work/z/hello.ko.zst" && gzip -c "$ko" > "$work/z/hello.ko.gz" ||
  fail "cannot compress $ko"
for z in xz zst gz; do
  expect 0 "check against hello.ko.$z" "$bin" check "$hello" "$rel" "$work/z/hello.ko.$z"
  [ "$(cat "$work/out")" = "hello equal $sv $sv $work/z/hello.ko.$z" ] || fail "check .$z printed '$(cat "$work/out")'"
done
expect 0 "check against a directory of compressed modules" "$bin" check "$hello" "$rel" "$work/z"
[ "$(grep -c "^hello equal $sv $sv " "$work/out")" -eq 3 ] || fail "directory check printed '$(cat "$work/out")'"

changed=$work/src/changed/hello
mkdir -p "$(dirname "$changed")" && cp -a "$hello" "$changed" && echo "int srcv_changed_after_build;" >> "$changed/hello.c"
expect 1 "check of changed sources against the old build" "$bin" check "$changed" "$rel" "$ko"
grep -q "^hello differs [0-9A-F]\{23\} $sv $ko$" "$work/out" || fail "differs line: '$(cat "$work/out")'"

expect 2 "check against a missing file" "$bin" check "$hello" "$rel" "$work/nothing.ko"
echo "not a module" > "$work/z2.ko" && mkdir -p "$work/bad" && mv "$work/z2.ko" "$work/bad/hello.ko"
expect 2 "check against a file that is not a module" "$bin" check "$hello" "$rel" "$work/bad/hello.ko"
grep -q "^hello bad-input " "$work/out" || fail "bad-input line: '$(cat "$work/out")'"
expect 2 "check against a directory without the module" "$bin" check "$hello" "$rel" "$work/src"
expect 2 "check against a module of another name" "$bin" check "$hello" "$rel" "$work/z/../built/hello.mod.o"

gen=$root/testdata/modules/generated-header
"$root/scripts/kbuild-build.sh" "$rel" "$gen" "$work/gen" || fail "the real build of generated-header failed"
expect 3 "check of a module whose header the build generates" "$bin" check "$gen" "$rel" "$work/gen"
grep -q "^genhdr cannot-predict - [0-9A-F]\{23\} " "$work/out" || fail "cannot-predict line: '$(cat "$work/out")'"
grep -q "generated.h" "$work/err" || fail "the reason does not name generated.h: '$(cat "$work/err")'"

vd=$root/testdata/modules/version-detection
# Built as its case says, without -a (its kbuild-make-args switches CONFIG_MODULE_SRCVERSION_ALL off again).
"$root/scripts/kbuild-build.sh" "$rel" "$vd" "$work/vd" CONFIG_MODULE_SRCVERSION_ALL= ||
  fail "the real build of version-detection failed"
expect 0 "check of modules built without -a, one without MODULE_VERSION" "$bin" check "$vd" "$rel" "$work/vd"
grep -q "^vskip equal - - " "$work/out" || fail "vskip: '$(cat "$work/out")'"

# ---- verify
expect 0 "verify examples/hello" "$bin" verify "$hello" "$rel" --work-dir "$work/v"
grep -q "^hello equal $sv $sv " "$work/out" || fail "verify printed '$(cat "$work/out")'"
# The build went (verify's own directory under --work-dir), the directory the user named stays.
[ -d "$work/v" ] || fail "verify removed the --work-dir directory itself"
[ -z "$(ls -A "$work/v")" ] || fail "verify kept its build although everything was equal: $(ls -A "$work/v")"
expect 0 "verify --keep" "$bin" verify "$hello" "$rel" --work-dir "$work/v" --keep
kept=$(sed -n 's/.*the build is kept in //p' "$work/err")
case "$kept" in "$work"/v/srcversion-predict-verify.*) ;; *) fail "verify --keep kept '$kept', not under $work/v" ;; esac
[ -d "$kept/build" ] || fail "verify --keep did not keep the build"
acpi=$("$root/scripts/fetch-corpus.sh" acpi-call-dkms) || fail "scripts/fetch-corpus.sh acpi-call-dkms failed"
expect 0 "verify of a real DKMS package" "$bin" verify "$acpi" "$rel"
grep -q "^acpi_call equal [0-9A-F]\{23\} [0-9A-F]\{23\} .*/acpi_call\.ko" "$work/out" ||
  fail "verify of acpi-call printed '$(cat "$work/out")'"

[ "$(snapshot "$hello")" = "$before" ] || fail "a command wrote into the module directory $hello"
echo "predict-check-verify: $rel: all expectations hold"
