== oddp
./a.o
./sub//b.o
