#!/bin/bash
# Nothing lost, nothing left behind, nothing hangs (issue 13, items 1, 4 and 5), with the real Kbuild of one kernel:
#  1. verify --work-dir DIR builds under DIR in a directory of its own and removes only that: DIR, a file the user
#     keeps in it, and a module directory inside DIR all stay (the bug: DIR itself was removed, sources and all);
#     --keep and a difference leave the build; a DIR inside the module directory, or under a regular file, is refused
#     with its name (exit 2), and nothing is written into the module directory;
#  2. a makefile that hangs ($(shell sleep 1000) in Kbuild; a DKMS MAKE line that sleeps) is "cannot predict" within
#     --make-timeout (exit 3, "did not finish within"), and its sleep is killed with it;
#  3. SIGTERM, SIGINT or SIGHUP during a prediction (a makefile that sleeps): the tool dies of that signal, its sleeping
#     make is killed, and nothing is left under TMPDIR;
#  4. SIGKILL during a prediction leaves its scratch directory; the next run removes it (its owner is gone), but never
#     a directory whose owner is alive, nor one verify --keep left, nor one of another name.
# Every run has a TMPDIR of its own, so that "nothing left" is seen exactly.
# usage: safety.sh <binary> <kernel-release>
. "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || usage 14
bin=$1 rel=$2
need_binary "$bin"
need_kernel "$rel"
need_tools 'is not installed' pgrep python3

make_work safety
cleanup() {
  pkill -f "sleep 99[0-9]" 2>/dev/null
  remove_work
}
trap cleanup EXIT
export XDG_CACHE_HOME=$work/xdg
export TMPDIR=$work/tmp
mkdir -p "$TMPDIR"
snapshot() { (cd "$1" && find . -mindepth 1 -printf '%p %s %T@\n' | sort); } # DIR's own mtime may change
left_in_tmp() { find "$TMPDIR" -mindepth 1 -maxdepth 1 | sort; }

# expect <status> <what> <command...>: output in $work/out and $work/err.
expect() {
  local want=$1 what=$2; shift 2
  "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  [ "$rc" -eq "$want" ] || { cat "$work/out" "$work/err" >&2; fail "$what: exit $rc, expected $want"; }
}

# ---- 1. verify --work-dir
user=$work/user-dir
mkdir -p "$user"
cp -a "$root/examples/hello" "$user/mod"
echo "the user's own notes" > "$user/notes.txt"
before=$(snapshot "$user")
expect 0 "verify --work-dir holding the module" "$bin" verify --work-dir "$user" "$user/mod" "$rel"
grep -q "^hello equal " "$work/out" || fail "verify printed '$(cat "$work/out")'"
[ "$(snapshot "$user")" = "$before" ] || fail "verify --work-dir changed the directory the user named:
$(diff <(echo "$before") <(snapshot "$user"))"
[ -z "$(left_in_tmp)" ] || fail "verify left $(left_in_tmp) under TMPDIR"

expect 0 "verify --work-dir --keep" "$bin" verify --keep --work-dir "$user" "$user/mod" "$rel"
kept=$(sed -n 's/.*the build is kept in //p' "$work/err")
[ -n "$kept" ] && [ -d "$kept" ] || fail "--keep named no kept build: $(cat "$work/err")"
case "$kept" in "$user"/srcversion-predict-verify.*) ;; *) fail "the build was kept in $kept, not under $user" ;; esac
[ -e "$user/notes.txt" ] && [ -d "$user/mod" ] || fail "verify --keep removed the user's files"

mod_before=$(snapshot "$user/mod")
expect 2 "verify --work-dir inside the module directory" "$bin" verify --work-dir "$user/mod/w" "$user/mod" "$rel"
grep -q "inside the module directory" "$work/err" || fail "the refusal says '$(cat "$work/err")'"
expect 2 "verify --work-dir under a regular file" "$bin" verify --work-dir "$user/notes.txt/w" "$user/mod" "$rel"
grep -qF "$user/notes.txt/w" "$work/err" || fail "the message does not name the directory: '$(cat "$work/err")'"
[ "$(snapshot "$user/mod")" = "$mod_before" ] || fail "a refused verify wrote into the module directory"

# ---- 2. a makefile that hangs
hang=$work/hang
mkdir -p "$hang"
cp "$root/examples/hello/"*.[ch] "$hang/"
printf 'obj-m := hello.o\nslow := $(shell sleep 991)\n' > "$hang/Kbuild"
start=$(date +%s)
expect 3 "a makefile that sleeps" "$bin" "$hang" "$rel" --make-timeout 3
elapsed=$(($(date +%s) - start))
grep -q "did not finish within 3 s" "$work/err" || fail "the timeout says '$(cat "$work/err")'"
[ "$elapsed" -lt 30 ] || fail "a 3 s limit took $elapsed s"
sleep 0.5
pgrep -f "sleep 991" >/dev/null && fail "the makefile's sleep survived the timeout"
[ -z "$(left_in_tmp)" ] || fail "the timeout left $(left_in_tmp) under TMPDIR"

dkms_hang=$work/dkms-hang
mkdir -p "$dkms_hang"
cp "$root/examples/hello/"*.[ch] "$dkms_hang/"
printf 'obj-m := hello.o\n' > "$dkms_hang/Kbuild"
cat > "$dkms_hang/dkms.conf" <<'EOF'
PACKAGE_NAME=hang
PACKAGE_VERSION=1
BUILT_MODULE_NAME[0]=hello
DEST_MODULE_LOCATION[0]=/extra
MAKE[0]="make all KDIR=${kernel_source_dir}"
EOF
# The package's own Makefile (which dkms runs first, and the dry run too) hangs while it is read.
printf 'slow := $(shell sleep 992)\nall:\n\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules\n' > "$dkms_hang/Makefile"
expect 3 "a DKMS MAKE line that sleeps" "$bin" "$dkms_hang" "$rel" --make-timeout 3
grep -q "the dkms MAKE line (dry) did not finish within 3 s" "$work/err" ||
  fail "the DKMS timeout says '$(cat "$work/err")'"
sleep 0.5
pgrep -f "sleep 992" >/dev/null && fail "the MAKE line's sleep survived"
[ -z "$(left_in_tmp)" ] || fail "the DKMS timeout left $(left_in_tmp) under TMPDIR"

# ---- 3. SIGTERM, SIGINT, SIGHUP during a prediction
printf 'obj-m := hello.o\nslow := $(shell sleep 993)\n' > "$hang/Kbuild"
# A background job of a non-interactive shell starts with SIGINT ignored (and the tool leaves an ignored signal
# alone, as nohup expects): the default disposition is restored for it.
with_signals() { exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$@"; }
for sig in TERM INT HUP; do
  with_signals "$bin" "$hang" "$rel" --make-timeout 60 >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 300); do pgrep -f "sleep 993" >/dev/null && break; sleep 0.1; done
  pgrep -f "sleep 993" >/dev/null || fail "SIG$sig: the makefile never started"
  [ -n "$(left_in_tmp)" ] || fail "SIG$sig: no scratch directory while make runs"
  kill -s "$sig" "$pid"
  { wait "$pid"; } 2>/dev/null
  rc=$?
  want=$((128 + $(kill -l "$sig")))
  [ "$rc" -eq "$want" ] || fail "SIG$sig: exit $rc, expected $want (death by the signal)"
  sleep 0.5
  pgrep -f "sleep 993" >/dev/null && fail "SIG$sig: the makefile's sleep survived: $(ps -eo pid,pgid,ppid,stat,cmd | grep "sleep 99[3]")"
  [ -z "$(left_in_tmp)" ] || fail "SIG$sig left $(left_in_tmp) under TMPDIR"
done

# ---- 4. SIGKILL, then the next run sweeps
"$bin" "$hang" "$rel" --make-timeout 60 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do pgrep -f "sleep 993" >/dev/null && break; sleep 0.1; done
kill -KILL "$pid"
wait "$pid" 2>/dev/null
pkill -f "sleep 993"
stale=$(left_in_tmp)
[ -n "$stale" ] || fail "SIGKILL left nothing: the sweep cannot be tested"
# Beside it: a directory of another name, one whose owner lives (a second tool run, sleeping), one verify kept.
mkdir "$TMPDIR/srcversion-predict-plan.notours" "$TMPDIR/someone-elses"
echo 1 > "$TMPDIR/srcversion-predict-plan.notours/file"
"$bin" "$hang" "$rel" --make-timeout 60 >/dev/null 2>&1 &
alive=$!
for _ in $(seq 300); do [ "$(pgrep -fc "sleep 993")" -ge 1 ] && break; sleep 0.1; done
live_dirs=$(comm -13 <(echo "$stale") <(left_in_tmp) | grep srcversion-predict-plan | grep -v notours)
[ -n "$live_dirs" ] || fail "the live run has no scratch directory"
expect 0 "verify --keep under TMPDIR" "$bin" verify --keep "$root/examples/hello" "$rel"
kept=$(sed -n 's/.*the build is kept in //p' "$work/err")
printf 'obj-m := hello.o\n' > "$hang/Kbuild"
expect 0 "the run after a SIGKILL" "$bin" "$hang" "$rel" --all-versions=yes
for d in $stale; do [ -e "$d" ] && fail "the stale $d was not swept"; done
for d in $live_dirs "$TMPDIR/srcversion-predict-plan.notours" "$TMPDIR/someone-elses" "$kept"; do
  [ -e "$d" ] || fail "the sweep removed $d, which was not stale"
done
kill -TERM "$alive"
wait "$alive" 2>/dev/null
echo "safety: $rel: verify keeps the user's directory, hangs end at the limit, signals and SIGKILL leave nothing"
