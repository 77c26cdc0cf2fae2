/* found through -I$(src)/include: spelled <M>/include/incf.h (6.x) */
#ifndef INCF_H
#define INCF_H
int b_fn(int v);
#define INCF_ZERO 0
#endif
