#include <linux/module.h>
#include <linux/init.h>
/* #include_next: inc1/nx.h includes the next <nx.h>, inc2/nx.h */
#include <nx.h>
/* computed includes */
#define HDR "computed.h"
#include HDR
#define STR(x) #x
#define XSTR(x) STR(x)
#define NAME strcomputed
#include XSTR(NAME.h)
#define ANGLED <angled_computed.h>
#include ANGLED
/* __has_include finds probed.h but includes nothing */
#if __has_include("probed.h") && __has_include(<nx.h>)
#define HAVE_PROBED 1
#endif
#if __has_include("absent.h")
#include "absent.h"
#endif
/* skipped blocks */
#if 0
#include "never.h"
#endif
#ifdef CONFIG_SRCV_TORTURE_NOT_SET
#include "never2.h"
#endif
/* gcc's macros decide, not Clang's */
#ifdef __clang__
#include "clang_only.h"
#endif
#if defined(__GNUC__) && __GNUC__ >= 5 && !defined(__clang__)
#include "gcc_only.h"
#endif
#ifdef __SSE__
#include "sse.h"
#endif
/* system headers, and what they include, are left out */
#include <sys_a.h>
#include <user_from_sys.h>
#include "pragma_sys.h"
/* _Pragma("once") reached through another spelling */
#include "pragma_once.h"
#include "sub/../pragma_once.h"
/* an #error in a branch gcc skips */
#include "errors.h"

int ppc_sum(void)
{
	return NX_ONE + NX2_ONE + COMPUTED_ONE + STRCOMPUTED_ONE + ANGLED_ONE + HAVE_PROBED + GCC_ONLY_ONE + SYS_A_ONE +
	       USER_FROM_SYS_ONE + PRAGMA_SYS_ONE + AFTER_PRAGMA_ONE + PRAGMA_ONCE_ONE + ERRORS_ZERO + IMACROS_ONE;
}

static int __init ppc_init(void) { return ppc_sum() == 14 ? 0 : -EINVAL; }
static void __exit ppc_exit(void) { }
module_init(ppc_init);
module_exit(ppc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: preprocessor corners");
