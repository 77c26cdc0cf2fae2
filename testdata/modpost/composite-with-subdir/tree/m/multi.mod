m/a.o
m/sub/b.o
