#ifndef SHARED_H
#define SHARED_H
#include <linux/module.h>
#include <linux/init.h>
int shared_y(int v);
int only_z(int v);
#endif
