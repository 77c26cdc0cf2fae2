== vwrap
./vwrap.o
== vinfo
./vinfo.o
== vhdr
./vhdr.o
== vsecond
./vsecond_main.o
./vsecond_ver.o
== vskip
./vskip.o
