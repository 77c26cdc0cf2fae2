== feat
./a.o
./b.o
== sub/subfeat
sub/subfeat.o
