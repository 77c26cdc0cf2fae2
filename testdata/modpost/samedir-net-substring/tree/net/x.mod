net/x.o
