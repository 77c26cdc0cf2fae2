== plain
./plain.o
== nover
./nover.o
