== longcmd
@M@/longcmd.o
