== drv/drvmod
drv/main.o
drv/../common/shared.o
