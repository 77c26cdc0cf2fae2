#!/bin/bash
# from-build's options and exit statuses on real builds (6.1.0-56 by default):
#   --json fields; the trigger rule (version= or -a) read from the tree, --all-versions when the tree does not say;
#   compressed modules (.ko.xz, .ko.zst, .ko.gz) and a module that was not built; --era / --kernel-version / --kernel;
#   exit 0, 2 (bad input), 3 (some module without a srcversion).
# Every srcversion is compared with modinfo on the real module, never with the tool itself.
# usage: from-build-options.sh <binary> [<kernel-release>]
. "$(dirname "$0")/lib.sh"
bin=$1 rel=${2:-6.1.0-56-amd64}
need_binary "$bin"
need_kernel "$rel"
need_tools 'not installed: run scripts/install-deps.sh' modinfo xz zstd gzip python3
make_work

"$root/scripts/kbuild-build.sh" "$rel" "$root/examples/hello" "$work/hello" || fail "real build of examples/hello failed"
"$root/scripts/kbuild-build.sh" "$rel" "$root/testdata/modules/noversion" "$work/nover" || fail "real build of noversion failed"
real_hello=$(modinfo -F srcversion "$work/hello/hello.ko")
real_nover=$(modinfo -F srcversion "$work/nover/nover.ko")
[ -n "$real_hello" ] && [ -n "$real_nover" ] || fail "the real builds carry no srcversion"

run() { # run <expected-status> <args...>: stdout in $work/out, stderr in $work/err
  local want=$1; shift
  "$bin" from-build "$@" > "$work/out" 2> "$work/err"
  local got=$?
  [ "$got" = "$want" ] || fail "from-build $* exited $got, expected $want; stderr: $(cat "$work/err")"
}

# --json: the module, its status, the srcversion, and the files that went into it
run 0 --json "$work/hello"
python3 - "$work/out" "$real_hello" <<'PY' || fail "--json output is not what it should be"
import json, sys
d = json.load(open(sys.argv[1]))
m = d["modules"]
assert len(m) == 1 and m[0]["module"] == "hello" and m[0]["status"] == "ok", m
assert m[0]["srcversion"] == sys.argv[2], (m[0]["srcversion"], sys.argv[2])
assert d["era"] == "E6", d["era"]
roles = [h["role"] for h in m[0]["hashed_files"]]
assert roles[0] == "source" and [h["path"].rsplit("/", 1)[1] for h in m[0]["hashed_files"]] == ["hello.c", "hello.h"], m
PY

# The trigger: noversion has no version=, built with -a (recorded in .Module.symvers.cmd)
run 0 "$work/nover"
[ "$(cat "$work/out")" = "nover $real_nover" ] || fail "noversion: got '$(cat "$work/out")', modinfo says $real_nover"
rm "$work/nover/.Module.symvers.cmd"
run 3 "$work/nover"
[ "$(cat "$work/out")" = "nover -" ] || fail "without a record of -a, nover must be '-'"
grep -q "all-versions" "$work/err" || fail "the reason does not say how to tell (--all-versions)"
run 0 --all-versions=yes "$work/nover"
[ "$(cat "$work/out")" = "nover $real_nover" ] || fail "--all-versions=yes: got '$(cat "$work/out")'"
run 3 --all-versions=no "$work/nover"
grep -q "without -a" "$work/err" || fail "--all-versions=no: the reason does not say so"
rm "$work/hello/.Module.symvers.cmd"
run 0 "$work/hello"   # has MODULE_VERSION: modpost writes its srcversion whatever -a was
[ "$(cat "$work/out")" = "hello $real_hello" ] || fail "hello without .Module.symvers.cmd: got '$(cat "$work/out")'"

# Compressed modules, in place (the tree's own paths are absolute up to 6.12): the kernel is found from the
# vermagic inside them
for z in xz zstd gzip; do
  case $z in
    xz) xz "$work/hello/hello.ko"; f=hello.ko.xz ;;
    zstd) zstd -q --rm "$work/hello/hello.ko"; f=hello.ko.zst ;;
    gzip) gzip "$work/hello/hello.ko"; f=hello.ko.gz ;;
  esac
  [ -e "$work/hello/$f" ] && [ ! -e "$work/hello/hello.ko" ] || fail "could not compress with $z"
  run 0 "$work/hello"
  [ "$(cat "$work/out")" = "hello $real_hello" ] || fail "$z-compressed module: got '$(cat "$work/out")'"
  case $z in xz) unxz "$work/hello/$f" ;; zstd) unzstd -q --rm "$work/hello/$f" ;; gzip) gunzip "$work/hello/$f" ;; esac
done

# A module the build did not produce
mv "$work/hello/hello.ko" "$work/hello.ko.saved"
run 3 --kernel "$rel" "$work/hello"
[ "$(cat "$work/out")" = "hello -" ] && grep -q "did not produce" "$work/err" || fail "a missing module must be '-' with its reason"
mv "$work/hello.ko.saved" "$work/hello/hello.ko"

# The kernel named three ways gives the same answer
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["era_source"].split()[1])' <("$bin" from-build --json "$work/hello"))
for opt in "--kernel=$rel" "--kernel=/lib/modules/$rel/build" "--kernel-version=$version" "--era=E6"; do
  run 0 "$opt" "$work/hello"
  [ "$(cat "$work/out")" = "hello $real_hello" ] || fail "$opt: got '$(cat "$work/out")'"
done

# Bad input
run 2 --era=E5 "$work/hello"
grep -q "E5/F2" "$work/err" || fail "--era=E5 must say which E5 to choose"
run 2 --kernel-version=six "$work/hello"
run 2 "$work/no-such-dir"
mkdir "$work/empty"
run 2 "$work/empty"
grep -q "modules.order" "$work/err" || fail "a directory without modules.order must say so"
echo "from-build-options: ok ($rel)"
