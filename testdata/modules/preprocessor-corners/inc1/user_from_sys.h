#ifndef USER_FROM_SYS_H
#define USER_FROM_SYS_H
#define USER_FROM_SYS_ONE 1
#endif
