#ifndef INC2_NX_H
#define INC2_NX_H
#define NX2_ONE 1
#endif
