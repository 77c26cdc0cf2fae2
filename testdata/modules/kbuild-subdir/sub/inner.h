#ifndef INNER_H
#define INNER_H
#include <linux/module.h>
#include <linux/init.h>
int inner_util(int v);
#endif
