a//x.o
