/* The watchdog that resets this head in watchdog mode.
 *
 * The peer takes over once this head's slot has been unchanged for
 * timeout_ms + watchdog_ms, on the promise that by then this head has been
 * reset: so the daemon pets the device only while the state machine says
 * its lease is fresh (qd_tick_out.pet_watchdog), and a frozen, crashed or
 * disk-less daemon stops petting and is reset. The device's timeout comes
 * from the configuration (qc_watchdog_timeout_ms). The OS calls are in
 * lib/os/os.h. Library code: returns 0 / -errno, never logs. */
#ifndef TWINHEAD_QUORUMD_WATCHDOG_H
#define TWINHEAD_QUORUMD_WATCHDOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct watchdog;

/* Opens the watchdog device at path, which starts it, and sets its timeout
 * to at most max_ms; a device that can only run longer than max_ms or
 * shorter than min_ms is stopped and refused. With allow_file (tests
 * only), a regular file or a FIFO stands for the device: each pet appends
 * one byte '.', the disarm a 'V', and there is no timeout. Anything else
 * that is not a watchdog (/dev/null, a disk) is refused. A FIFO must have
 * a reader. Returns 0 with *out, or -errno with why. */
int watchdog_open(const char *path, uint32_t min_ms, uint32_t max_ms, bool allow_file,
		  struct watchdog **out, char *why, size_t whylen);

/* Restarts the countdown. 0 or -errno (a full FIFO: -EAGAIN). */
int watchdog_pet(struct watchdog *w);

/* The timeout the device runs with; 0 for a file standing in for one. */
uint32_t watchdog_timeout_ms(const struct watchdog *w);

/* Whether a file or FIFO stands in for the device (nothing resets). */
bool watchdog_is_file(const struct watchdog *w);

/* Closes the device. disarm: stop it first; only when nothing the peer
 * relies on is left (the final slot, RELEASED or STOPPED, is on disk).
 * Without it the device keeps counting and resets the head. Returns 0, or
 * the disarm's -errno (the device is closed either way, and then still
 * counting). NULL is a no-op. */
int watchdog_close(struct watchdog *w, bool disarm);

#endif
