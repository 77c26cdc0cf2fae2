/* weird.c: CRLF line ends, macros continued with backslash-newline, tricky strings */
#include "w.h"
#define SUM(a, b) \
	((a) + \
	 (b))
static const char *s1 = "not /* a comment */ at all";
static const char *s2 = "\"";
static const char q = '"';
static const char *s3 = "x\\";
int y; // a "line" comment
static const char *latin1 = "café"; int µs = 1;
/*/ a comment that opens and closes with one star each way /*/
int z;
