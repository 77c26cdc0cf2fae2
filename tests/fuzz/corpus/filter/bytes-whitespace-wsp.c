#include <linux/module.h>
#include <linux/init.h>
#include "wsp.h"

/* form feed above, vertical tab here:, a lone CR here: and a tab:	 */
staticintwsp_a=	1;
static int wsp_b = 2;  \ 
/* ^ a backslash followed by a space before the newline: gcc warns and splices; sumversion hashes the backslash */
// high bytes in a line comment are hashed: € …   Γ© ÿ and the control bytes 
/* high bytes in a block comment are not: € …   ÿ  */
static const char wsp_s[] = "latin-1 ιθ and utf-8 Γ© and ";

static int __init wsp_init(void)
{
	return (wsp_a + wsp_b + wsp_s[0]) * 0 + WSP_ZERO;
}
static void __exit wsp_exit(void) { }
module_init(wsp_init);
module_exit(wsp_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("srcversion-predict torture case: whitespace and high bytes");
