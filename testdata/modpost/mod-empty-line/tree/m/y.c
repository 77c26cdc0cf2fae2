Y
