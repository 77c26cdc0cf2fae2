m/
