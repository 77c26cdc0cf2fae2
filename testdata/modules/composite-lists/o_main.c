#include "common.h"
static int __init m_objs_init(void) { return o_helper(0); }
static void __exit m_objs_exit(void) { }
module_init(m_objs_init);
module_exit(m_objs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite with -objs");
