== hdrs
@M@/main.o
@M@/sub/part.o
