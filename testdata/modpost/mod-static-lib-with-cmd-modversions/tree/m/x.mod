m/x.o
m/lib.a
