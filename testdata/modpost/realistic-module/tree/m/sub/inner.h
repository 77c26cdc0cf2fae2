#include "../hello.h"
#define INNER (HELLO_ANSWER + 1)
