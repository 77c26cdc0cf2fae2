/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HELLO_H
#define HELLO_H

#define HELLO_ANSWER 42	/* the answer */

#endif /* HELLO_H */
