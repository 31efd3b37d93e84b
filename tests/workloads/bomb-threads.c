/* SPDX-License-Identifier: MIT */
/* Test bomb: a thread explosion; every thread starts two more until that fails, then sleeps. */

#include <pthread.h>
#include <unistd.h>

#include "fst-limit.h"

/* Small stacks: the limit is meant to be the pids controller, not memory. */
#define STACK_SIZE (64 * 1024)

static void *grow(void *arg) {
        pthread_attr_t attr;
        pthread_t t;
        int i;

        (void) arg;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, STACK_SIZE);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        for (i = 0; i < 2; i++)
                if (pthread_create(&t, &attr, grow, NULL) != 0)
                        break;
        pthread_attr_destroy(&attr);
        for (;;)
                pause();
        return NULL;
}

int main(void) {
        fst_require_limit("bomb-threads");
        grow(NULL);
        return 0;
}
