#pragma once
// A module file as DKMS installs it, traced back to the build it came from. After a build DKMS runs `strip -g` over
// each module (its STRIP default), may sign it (sign-file appends the signature, a 12-byte module_signature record
// and the marker "~Module signature appended~\n"), and may compress it. So the file in /lib/modules is not the
// binary a record holds; it is that binary's installed form when, decompressed and with its signature taken off, it
// equals the binary itself or `strip -g` of it (GNU strip is deterministic: the same input gives the same output).

#include <llvm/Support/Error.h>

#include <string>

namespace srcver::tool {

// `bytes` with an appended module signature taken off; `bytes` themselves when they carry none (or a signature
// record that does not fit in them).
std::string without_signature(const std::string& bytes);

// Whether `installed` (decompressed) is `binary` as DKMS installs it: equal, or equal once its signature is taken
// off, to `binary` or to `strip -g` of it (strip as PATH finds it, run in a scratch directory). Errors: strip is not
// found, or fails on `binary`.
llvm::Expected<bool> is_installed_form(const std::string& installed, const std::string& binary);

} // namespace srcver::tool
