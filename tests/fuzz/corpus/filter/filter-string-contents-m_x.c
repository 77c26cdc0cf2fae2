static const char *s = "a /* b */ c	 d
 e \" f";
static const char *t = "x\
y";
int after; /* dropped */
