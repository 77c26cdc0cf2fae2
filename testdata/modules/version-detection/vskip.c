#include <linux/module.h>
#include <linux/init.h>

/* MODULE_VERSION("commented out") */
static const char vskip_note[] __maybe_unused = "MODULE_VERSION(\"in a string\")";
#if 0
MODULE_VERSION("skipped");
#endif
static int __init vskip_init(void) { return 0; }
static void __exit vskip_exit(void) { }
module_init(vskip_init);
module_exit(vskip_exit);
MODULE_LICENSE("GPL");
