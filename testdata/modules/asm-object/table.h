/* shared by table.S and main.c: same-directory header of both objects */
#define TABLE_MAGIC 42
