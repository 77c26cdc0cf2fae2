/* This file has CRLF line endings throughout. */
#include <linux/module.h>
#include <linux/init.h>
#include "crlf.h"

#define CRLF_SUM(a, b) \
	((a) + \
	 (b))

static int __init crlf_init(void)
{
	return CRLF_SUM(CRLF_ZERO, 0);
}
static void __exit crlf_exit(void) { }
module_init(crlf_init);
module_exit(crlf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: CRLF line endings");
