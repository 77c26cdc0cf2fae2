#define ANGLED_ONE 1
