== emptysrc
@M@/main.o
@M@/empty.o
