#include "common.h"
static int __init m_y_init(void) { return y_helper(0); }
static void __exit m_y_exit(void) { }
module_init(m_y_init);
module_exit(m_y_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: composite with -y");
MODULE_VERSION("0.1");
