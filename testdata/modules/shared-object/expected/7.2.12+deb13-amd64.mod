== b
./x.o
./y.o
== a
./y.o
./z.o
== solo
./solo.o
