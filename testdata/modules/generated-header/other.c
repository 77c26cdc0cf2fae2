#include <linux/kernel.h>
int other_fn(void) { return 0; }
