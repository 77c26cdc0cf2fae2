_Pragma("once")
#define PRAGMA_ONCE_ONE 1
