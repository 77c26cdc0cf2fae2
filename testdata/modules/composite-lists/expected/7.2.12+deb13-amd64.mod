== m_objs
./o_main.o
./o_helper.o
== m_y
./y_main.o
./y_helper.o
== m_all
./all_objs.o
./all_y.o
./all_m.o
