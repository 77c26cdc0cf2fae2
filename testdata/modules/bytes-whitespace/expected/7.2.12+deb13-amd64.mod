== wsp
./wsp.o
