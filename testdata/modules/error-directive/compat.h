#ifndef ERRDIR_COMPAT_H
#define ERRDIR_COMPAT_H
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
#error "errdir: kernels 7.x are not supported"
#endif
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 0, 0)
# error "errdir: kernels before 5.0 are not supported either"
#endif
#endif
