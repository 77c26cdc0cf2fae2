/* Same-directory header: hashed on 6.x (absolute object dir), not on 7.x (dir "./", deps relative). */
#ifndef HELLO_H
#define HELLO_H
#define HELLO_RET 0
#endif
