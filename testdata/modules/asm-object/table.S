/* A data-only assembler object (no code, so objtool has nothing to object to).
 * sumversion filters .S files exactly like .c files. */
#include <linux/linkage.h>
#include "table.h"

	.section .rodata, "a"
	.balign 4
	.globl asmmod_table
asmmod_table:
	.long TABLE_MAGIC	/* the answer */
	.long 0x1234  // a "quoted" word in a line comment
	.size asmmod_table, . - asmmod_table
