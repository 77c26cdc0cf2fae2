#define DRV_ZERO 0
