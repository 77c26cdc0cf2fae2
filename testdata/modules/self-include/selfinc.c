/* This file includes itself once: the source is then also one of its own dependencies (hashed twice). */
#ifndef SELFINC_SECOND_PASS
#define SELFINC_SECOND_PASS
#include <linux/module.h>
#include <linux/init.h>
#include "selfinc.c"
static int __init selfinc_init(void) { return selfinc_zero(); }
static void __exit selfinc_exit(void) { }
module_init(selfinc_init);
module_exit(selfinc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: a source that includes itself");
#else
static int selfinc_zero(void) { return 0; }
#endif
