#!/bin/bash
# plan's exit statuses and messages, on real inputs:
#   4  a DKMS package whose dkms.conf has PRE_BUILD (Debian's iptables-netflow-dkms runs ./configure)
#   2  a kernel that is not installed (the message names the headers package), a directory without Kbuild/Makefile
#   3  a Kbuild file that Kbuild cannot evaluate
#   0  a plain module
# and the prediction's (srcversion-predict <dir> <kernel>): 0 predicted, 3 no srcversion or cannot predict (with the
# reason), 2 bad usage or input.
# usage: plan-exit-status.sh <binary> <kernel-release>
. "$(dirname "$0")/lib.sh"
bin=$1 rel=$2
need_binary "$bin"
need_kernel "$rel"
make_work

expect() { # expect <status> <stderr-pattern> <args...>
  local want=$1 pattern=$2; shift 2
  "$bin" plan "$@" > "$work/out" 2> "$work/err"
  local got=$?
  [ "$got" = "$want" ] || fail "plan $* exited $got, expected $want; stderr: $(cat "$work/err")"
  grep -q -- "$pattern" "$work/err" || fail "plan $* did not say '$pattern'; stderr: $(cat "$work/err")"
}

netflow=$("$here/../../scripts/fetch-corpus.sh" iptables-netflow-dkms) || fail "cannot fetch iptables-netflow-dkms"
expect 4 "PRE_BUILD" "$netflow" "$rel"
# A MAKE line with a configure step: a copy of a real package whose MAKE[0] runs ./configure first.
acpi=$("$here/../../scripts/fetch-corpus.sh" acpi-call-dkms) || fail "cannot fetch acpi-call-dkms"
cp -a "$acpi" "$work/configure-pkg"
printf '\nMAKE[0]="./configure && make -C $kernel_source_dir M=$dkms_tree/$module/$module_version/build"\n' \
  >> "$work/configure-pkg/dkms.conf"
printf '#!/bin/sh\ntouch configured\n' > "$work/configure-pkg/configure" && chmod +x "$work/configure-pkg/configure"
expect 4 "runs './configure' besides make" "$work/configure-pkg" "$rel"
[ ! -e "$work/configure-pkg/configured" ] || fail "plan ran the package's configure step"
expect 2 "linux-headers-9.9.9-no-such-kernel" "$here/../../examples/hello" 9.9.9-no-such-kernel
mkdir "$work/empty"
expect 2 "no Kbuild or Makefile" "$work/empty" "$rel"
mkdir "$work/broken"
printf 'obj-m := x.o\n$(error this module cannot be evaluated)\n' > "$work/broken/Kbuild"
expect 3 "this module cannot be evaluated" "$work/broken" "$rel"
"$bin" plan "$here/../../examples/hello" "$rel" > /dev/null || fail "plan of examples/hello failed"

# The prediction's exit statuses (its answers are compared with real builds by real-kbuild-plan.sh):
predict_expect() { # predict_expect <status> <stdout-pattern> <stderr-pattern> <args...>
  local want=$1 out_pattern=$2 err_pattern=$3; shift 3
  "$bin" "$@" > "$work/out" 2> "$work/err"
  local got=$?
  [ "$got" = "$want" ] || fail "srcversion-predict $* exited $got, expected $want; stderr: $(cat "$work/err")"
  [ "$out_pattern" = '*' ] || grep -q -- "$out_pattern" "$work/out" ||
    fail "srcversion-predict $* printed no '$out_pattern': $(cat "$work/out")"
  [ "$err_pattern" = '*' ] || grep -q -- "$err_pattern" "$work/err" ||
    fail "srcversion-predict $* did not say '$err_pattern'; stderr: $(cat "$work/err")"
}
hello=$here/../../examples/hello
predict_expect 0 '^hello [0-9A-F]\{23\}$' '*' "$hello" "$rel" --all-versions=yes
predict_expect 0 '^hello [0-9A-F]\{23\}$' '*' predict "$hello" "$rel" --all-versions=yes
# Without -a (Debian's own setting) only a module that declares MODULE_VERSION gets a srcversion: examples/hello
# does, testdata/modules/noversion does not.
predict_expect 0 '^hello [0-9A-F]\{23\}$' '*' "$hello" "$rel" --all-versions=no
predict_expect 3 '^nover -$' 'declares no MODULE_VERSION' "$here/../../testdata/modules/noversion" "$rel" --all-versions=no
predict_expect 3 '^genhdr -$' 'header "generated.h" not found' "$here/../../testdata/modules/generated-header" "$rel"
predict_expect 3 '^ipt_NETFLOW -$' 'runs PRE_BUILD' "$netflow" "$rel"
predict_expect 3 '^acpi_call -$' "runs './configure' besides make" "$work/configure-pkg" "$rel"
# A MAKE line giving the kernel's make a flag its top-level Makefile folds into every command (KCFLAGS): not in the
# kernel profile, so cannot predict (plan and predict), never commands without it.
cp -a "$acpi" "$work/kcflags-pkg"
printf '\nMAKE[0]="make -C $kernel_source_dir M=$dkms_tree/$module/$module_version/build KCFLAGS=-DSRCV_EXTRA"\n' \
  >> "$work/kcflags-pkg/dkms.conf"
expect 3 "KCFLAGS=-DSRCV_EXTRA, which its top-level Makefile reads" "$work/kcflags-pkg" "$rel"
predict_expect 3 '*' "KCFLAGS=-DSRCV_EXTRA" "$work/kcflags-pkg" "$rel"
# ... and the same for one of the kernel's own Kconfig symbols (a package's private CONFIG_X=m is fine: openvpn-dco)
cp -a "$acpi" "$work/kconfig-pkg"
printf '\nMAKE[0]="make -C $kernel_source_dir M=$dkms_tree/$module/$module_version/build CONFIG_STACKPROTECTOR_STRONG="\n' \
  >> "$work/kconfig-pkg/dkms.conf"
expect 3 "CONFIG_STACKPROTECTOR_STRONG=, which its top-level Makefile reads" "$work/kconfig-pkg" "$rel"
# A package whose M= directory builds an object outside itself (../staging/echo/echo.o): cannot predict, never a
# prediction without that module.
dahdi=$("$here/../../scripts/fetch-corpus.sh" dahdi-dkms) || fail "cannot fetch dahdi-dkms"
predict_expect 3 '*' 'outside the module directory' "$dahdi" "$rel"
predict_expect 2 '*' 'usage' "$hello"
predict_expect 2 '*' 'takes yes or no' "$hello" "$rel" --all-versions=maybe
predict_expect 2 '*' 'no Kbuild or Makefile' "$work/empty" "$rel"
echo "plan-exit-status: ok ($rel)"
