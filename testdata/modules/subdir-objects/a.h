#ifndef A_H
#define A_H
int sub_b(int x);
#define A_ZERO 0
#endif
