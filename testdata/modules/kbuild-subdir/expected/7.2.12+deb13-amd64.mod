== top
./top.o
== sub/inner
sub/inner_main.o
sub/inner_util.o
== sub/deeper/deep
sub/deeper/deep.o
== other/twin
other/twin.o
== direct/solo_direct
./direct/solo_direct.o
