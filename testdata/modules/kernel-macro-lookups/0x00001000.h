// Named by the stringified SZ_4K (0x00001000).
#pragma once
