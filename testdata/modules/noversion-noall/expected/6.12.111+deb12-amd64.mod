== plain
@M@/plain.o
== nover
@M@/nover.o
