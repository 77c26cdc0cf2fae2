#ifndef VHDR_H
#define VHDR_H
MODULE_VERSION("4.0");
#endif
