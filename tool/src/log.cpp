#include <srcver/tool/log.hpp>

namespace srcver::log {
namespace {
bool g_enabled = false; // set once from -v before any work starts
} // namespace

void set_enabled(bool enabled) { g_enabled = enabled; }
bool enabled() { return g_enabled; }

} // namespace srcver::log
