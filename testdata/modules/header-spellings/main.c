#include <linux/module.h>
#include <linux/init.h>
#include "guarded.h"
#include "./guarded.h"
#include "once.h"
#include "sub/../once.h"
#include "empty.h"
#include "config.h"
#include "sub/deep.h"
#include "sub2/x.h"
#include "sub/../sub2/x.h"
#include "sub//local.h"

int part_fn(int v);

static int __init hdrs_init(void)
{
	return part_fn(FORCED_ZERO + GUARDED_ZERO + ONCE_ZERO + DEEP_ZERO + SUB2_ZERO + SUBLOCAL_ZERO + CFG_ONE - CFG_ONE);
}
static void __exit hdrs_exit(void) { }
module_init(hdrs_init);
module_exit(hdrs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: header spellings");
