// page_other: included or not, by the kernel macro tested before it.
#pragma once
int lookups_second(void);
