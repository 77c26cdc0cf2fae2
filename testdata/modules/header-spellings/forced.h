/* -include'd by ccflags-y: the first dependency after the kernel's own -include files */
#define FORCED_ZERO 0
