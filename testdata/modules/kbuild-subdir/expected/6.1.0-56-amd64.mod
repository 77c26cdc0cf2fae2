== top
@M@/top.o
== sub/inner
@M@/sub/inner_main.o
@M@/sub/inner_util.o
== sub/deeper/deep
@M@/sub/deeper/deep.o
== other/twin
@M@/other/twin.o
== direct/solo_direct
@M@/direct/solo_direct.o
