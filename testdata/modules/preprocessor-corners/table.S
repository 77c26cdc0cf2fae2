/* A data-only assembler object whose header includes one file or another by __ASSEMBLER__. */
#include <linux/linkage.h>
#include "asm_defs.h"
#include <angled_computed.h>

	.section .rodata, "a"
	.balign 4
	.globl ppc_table
ppc_table:
	.long ASM_VALUE
	.size ppc_table, . - ppc_table
