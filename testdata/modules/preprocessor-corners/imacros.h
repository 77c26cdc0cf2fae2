#define IMACROS_ONE 1
