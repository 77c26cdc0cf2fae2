x.o
