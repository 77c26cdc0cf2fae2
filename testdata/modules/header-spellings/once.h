/* #pragma once, included as "once.h" and as "sub/../once.h" */
#pragma once
#define ONCE_ZERO 0
