== feat
@M@/a.o
@M@/b.o
== sub/subfeat
@M@/sub/subfeat.o
