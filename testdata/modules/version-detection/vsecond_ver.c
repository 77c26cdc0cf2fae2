#include <linux/module.h>
#include <linux/init.h>

MODULE_VERSION("5");
