== drv/drvmod
@M@/drv/main.o
@M@/drv/../common/shared.o
