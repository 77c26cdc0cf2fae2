m/x.o
m/lib.a
m/y.o
m/x.o
