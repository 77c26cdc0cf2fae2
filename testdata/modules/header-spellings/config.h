/* a local header testing kernel config options: fixdep adds $(wildcard include/config/...) lines after it for
 * every CONFIG_ name it has not listed before in this .cmd (so names no kernel header uses) */
#ifdef CONFIG_SRCV_TORTURE_ONE
#define CFG_ONE 1
#else
#define CFG_ONE 0
#endif
#if defined(CONFIG_SRCV_TORTURE_TWO) && IS_ENABLED(CONFIG_SRCV_TORTURE_THREE)
#define CFG_TWO 1
#endif
