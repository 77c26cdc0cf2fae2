== crlf
./crlf.o
