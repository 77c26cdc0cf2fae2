== wsp
@M@/wsp.o
