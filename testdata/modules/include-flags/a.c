#include <linux/module.h>
#include <linux/init.h>
#include "incf.h"
#include <top_angle.h>

static int __init incf_init(void) { return b_fn(INCF_ZERO + TOP_ANGLE_ZERO); }
static void __exit incf_exit(void) { }
module_init(incf_init);
module_exit(incf_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: -I$(src)/include and CFLAGS_x.o");
