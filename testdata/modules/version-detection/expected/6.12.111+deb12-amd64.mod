== vwrap
@M@/vwrap.o
== vinfo
@M@/vinfo.o
== vhdr
@M@/vhdr.o
== vsecond
@M@/vsecond_main.o
@M@/vsecond_ver.o
== vskip
@M@/vskip.o
