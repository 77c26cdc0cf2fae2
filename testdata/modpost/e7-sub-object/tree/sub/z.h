Z
