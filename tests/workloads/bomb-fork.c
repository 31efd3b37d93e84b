/* SPDX-License-Identifier: MIT */
/* Test bomb: the classic C fork bomb, for (;;) fork(); refuses to start without a pids limit. */

#include <unistd.h>

#include "fst-limit.h"

int main(void) {
        fst_require_limit("bomb-fork");
        for (;;)
                (void) fork();
}
