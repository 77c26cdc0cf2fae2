/* shared by every object of this directory */
#ifndef COMMON_H
#define COMMON_H
#include <linux/module.h>
#include <linux/init.h>
int o_helper(int x);
int y_helper(int x);
int all_y(int x);
int all_m(int x);
#endif
