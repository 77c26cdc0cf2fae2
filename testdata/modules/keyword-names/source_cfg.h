/* a same-dir header whose name starts with "source_" */
#define SOURCE_CFG_ZERO 0
