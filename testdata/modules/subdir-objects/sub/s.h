/* header in a subdirectory, included by the top-level object: not in a.o's directory */
#define S_ZERO 0
