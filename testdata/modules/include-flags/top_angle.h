/* included as <top_angle.h> and found through -I$(src): spelled <M>/top_angle.h, like a same-dir header */
#define TOP_ANGLE_ZERO 0
