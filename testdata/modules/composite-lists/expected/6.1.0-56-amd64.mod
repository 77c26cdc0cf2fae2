== m_objs
@M@/o_main.o
@M@/o_helper.o
== m_y
@M@/y_main.o
@M@/y_helper.o
== m_all
@M@/all_objs.o
@M@/all_y.o
@M@/all_m.o
