m/x.o
