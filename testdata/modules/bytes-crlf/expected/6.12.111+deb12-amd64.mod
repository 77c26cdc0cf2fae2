== crlf
@M@/crlf.o
