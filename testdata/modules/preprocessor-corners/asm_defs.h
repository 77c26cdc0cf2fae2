#ifdef __ASSEMBLER__
#include "asm_only.h"
#else
#include "c_only.h"
#endif
