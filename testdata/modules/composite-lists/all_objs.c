#include "common.h"
static int __init m_all_init(void) { return all_y(0) + all_m(0); }
static void __exit m_all_exit(void) { }
module_init(m_all_init);
module_exit(m_all_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite with -objs, -y and -m");
