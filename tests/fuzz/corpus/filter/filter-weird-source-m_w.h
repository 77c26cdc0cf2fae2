#ifndef W_H
#define W_H
 intw	=	1;
ÿ
/* ÿ in a comment is dropped */
static const char *ws = "line one \
line two";
#endif
