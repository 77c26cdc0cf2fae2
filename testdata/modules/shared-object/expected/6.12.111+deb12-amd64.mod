== b
@M@/x.o
@M@/y.o
== a
@M@/y.o
@M@/z.o
== solo
@M@/solo.o
