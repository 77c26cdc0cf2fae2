I
