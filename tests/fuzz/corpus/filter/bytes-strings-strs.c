#include <linux/module.h>
#include <linux/init.h>
#include "strs.h"
#include "tail.h"

/* Strings hide comment markers and keep their whitespace: */
static const char s1[] = "a /* not a comment */ b";
static const char s2[] = "c */ d /* e";
static const char s3[] = "  spaced   out\ttab  ";
static const char s4[] = "escaped \" quote /* still in the string */";
static const char s5[] = "ends in a backslash \\";
/* sumversion does not close s5 at its last quote: everything up to the next quote is hashed raw */
static const char s6[] = "first line \
second line (backslash-newline inside a string is hashed)";
static const char q = '"';   /* a char literal quote: sumversion opens a "string" here ... */
static const char r = 'x';   /* ... that closes at the next quote: " */
// a line comment with "quotes" and an apostrophe that's harmless
// a line comment with one quote " that opens a sumversion string
static const char s7[] = "closing it " ;

static int __init strs_init(void)
{
	return (s1[0] + s2[0] + s3[0] + s4[0] + s5[0] + s6[0] + q + r + s7[0] + STRS_ZERO + TAIL_ZERO) * 0;
}
static void __exit strs_exit(void) { }
module_init(strs_init);
module_exit(strs_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: strings with comment markers");
