== selfinc
./selfinc.o
