m/x.o
m/y.o