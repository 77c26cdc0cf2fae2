#define TWIN_ZERO 0 /* other */
