#ifndef PRAGMA_SYS_H
#define PRAGMA_SYS_H
#pragma GCC system_header
#define PRAGMA_SYS_ONE 1
#include "after_pragma.h"
#endif
