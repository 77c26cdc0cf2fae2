#ifndef CMTS_H
#define CMTS_H
#define CMTS_ZERO 0 // a trailing line comment with /* an opener that no */ closes ... until here
#endif
