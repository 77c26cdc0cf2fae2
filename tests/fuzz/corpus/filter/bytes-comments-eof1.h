#define EOF1_ZERO 0
// sumversion sees a comment opening here /* and never closing
#define EOF1_ONE 1
