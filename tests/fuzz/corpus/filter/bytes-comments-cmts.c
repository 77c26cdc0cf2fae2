#include <linux/module.h>
#include <linux/init.h>
#include "cmts.h"
#include "eof1.h"
#include "eof2.h"
#include "eof3.h"
#include "eof4.h"

/**/ static int a1 /*/ sumversion: this comment ends at once, so the text up to the real close is hashed */;
static int /* multi
   line
   comment */ a2;
/*** stars ***/ static int a3;
/* a comment with a "quote */ static int a4;
// a line comment is hashed by sumversion (text minus whitespace), and /* inside it opens a sumversion comment
static int a5; /* ... which the first close ends */ static int a6;
#define CMTS_DIV(a, b) ((a) / (b))  /* a lone slash */
#define CMTS_DEREF(p) (*(p))         /* a lone star */
static int a7 = CMTS_DIV(6, 3) * 0;

static int __init cmts_init(void)
{
	return a1 + a2 + a3 + a4 + a5 + a6 + a7 + CMTS_DEREF(&a1) * 0 + CMTS_ZERO + EOF1_ZERO;
}
static void __exit cmts_exit(void) { }
module_init(cmts_init);
module_exit(cmts_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: comment forms");
