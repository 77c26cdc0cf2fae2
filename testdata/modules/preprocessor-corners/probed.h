#define PROBED_ONE 1
