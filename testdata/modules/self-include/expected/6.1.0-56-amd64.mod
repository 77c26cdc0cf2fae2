== selfinc
@M@/selfinc.o
