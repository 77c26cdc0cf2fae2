/* reached as sub2/x.h and as sub/../sub2/x.h */
#ifndef SUB2_X_H
#define SUB2_X_H
#define SUB2_ZERO 0
#endif
