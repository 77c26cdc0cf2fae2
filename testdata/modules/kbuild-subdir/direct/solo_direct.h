#define SOLO_DIRECT_ZERO (0) /* direct */
