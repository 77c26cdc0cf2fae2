#define X a \
 b
#define Y c \
 d