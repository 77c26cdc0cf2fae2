#ifndef TAIL_H
#define TAIL_H
#define TAIL_ZERO 0
#define TAIL_QUOTE '"'
/* from the quote above to the end of this file everything is hashed, comments and whitespace included */
#endif
