/* a same-dir header whose name starts with "deps_" */
#define DEPS_CFG_ZERO 0
