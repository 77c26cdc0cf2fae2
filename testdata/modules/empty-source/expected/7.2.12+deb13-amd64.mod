== emptysrc
./main.o
./empty.o
