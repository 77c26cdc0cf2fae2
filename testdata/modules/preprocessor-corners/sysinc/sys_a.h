#ifndef SYS_A_H
#define SYS_A_H
#define SYS_A_ONE 1
#include <user_from_sys.h>
#endif
