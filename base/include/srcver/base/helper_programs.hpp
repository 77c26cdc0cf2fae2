#pragma once
// The scripts the tool runs beside itself (dkms-conf.sh, the DKMS make interceptor, kbuild-build.sh): beside the
// binary in the build tree, or in ../libexec/srcversion-predict when installed.

#include <string>

namespace srcver::base {

// The path of helper script `name`: the first of <dir of the binary>/<name> and
// <dir of the binary>/../libexec/srcversion-predict/<name> that exists; the first when neither does (the caller's
// error then names where it looked).
std::string helper_program(const std::string& name);

} // namespace srcver::base
