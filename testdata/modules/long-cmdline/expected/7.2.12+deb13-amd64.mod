== longcmd
./longcmd.o
