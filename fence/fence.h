/* Fencing: turning the other head off, and proving it is off.
 *
 * A method sits behind struct fence_ops so that others (PDU, SCSI
 * reservations, ...) can follow IPMI. The only result that permits a
 * takeover is fence_confirm_off() returning 0: the method asked for
 * power-off and a later status read said the power is off. "The BMC
 * accepted the request" is not proof (LAB-NOTES: ipmitool exits 0 when a
 * BMC ignores it). Library code: returns 0 / -errno, never logs. */
#ifndef TWINHEAD_FENCE_H
#define TWINHEAD_FENCE_H

#include <stdbool.h>
#include <stddef.h>

#include "deadline.h"

struct fence_dev;

struct fence_ops {
	const char *name; /* "ipmi" */
	/* Asks for power off. 0 when the device accepted the request. */
	int (*power_off)(struct fence_dev *dev, struct deadline d);
	/* Asks for power on (rejoin after repair). */
	int (*power_on)(struct fence_dev *dev, struct deadline d);
	/* Reads the power state into *on. */
	int (*power_status)(struct fence_dev *dev, struct deadline d, bool *on);
	void (*destroy)(struct fence_dev *dev);
};

struct fence_dev {
	const struct fence_ops *ops;
	char desc[96]; /* for messages: "ipmi 10.213.0.202:623" (never a secret) */
	/* Why the last call failed, where its -errno alone would mislead
	 * ("cannot load libfreeipmi.so.17: ..."); "" otherwise. Never a
	 * secret. fence_confirm_off() clears it first. */
	char error[256];
	void *priv;
};

/* Power off, then poll the power state every poll_ms until it reads off.
 * Returns 0 only when a status read after the request said off;
 * -ETIMEDOUT when d passed first; another -errno when the device failed.
 * An already-off chassis is confirmed by the first status read. */
int fence_confirm_off(struct fence_dev *dev, struct deadline d, int poll_ms);

/* How often fence_confirm_off() repeats a power-off request while status
 * reads still say "on": a BMC may accept a request and drop it. IPMI
 * BMCs cut the power within a second of a chassis power-down (ipmi_sim:
 * at once), so 2 s without "off" means the request is worth sending
 * again; fence deadlines are tens of seconds. */
#define FENCE_RESEND_MS 2000

/* fence_confirm_off() with the resend interval given (tests). */
int fence_confirm_off_every(struct fence_dev *dev, struct deadline d, int poll_ms, int resend_ms);

void fence_destroy(struct fence_dev *dev);

/* ---- IPMI 2.0 lanplus through libfreeipmi ----
 *
 * libfreeipmi is loaded at the device's first call, not at
 * fence_ipmi_new(): a daemon that never fences never maps it. When it
 * cannot be loaded, every call fails at once with -ENOENT and says why in
 * dev->error; nothing reaches the BMC, so no fence is ever confirmed. */

struct fence_ipmi_config {
	const char *host;           /* BMC address: "10.0.0.5", "[fd00::5]", with ":port" optional */
	const char *username;
	const char *password_file;  /* read at fence_ipmi_new; mode must deny group/other */
	unsigned cipher_suite;      /* 3 by default; 0 is refused (no authentication) */
	unsigned session_timeout_ms;        /* per session; default 1000 */
	unsigned retransmission_timeout_ms; /* per packet; default 250 */
	const char *library;        /* what to dlopen: NULL for libfreeipmi's soname
				     * found by configure (tests inject others) */
};

/* Validates cfg, reads the password (never logged, never in argv), and
 * returns a device in *out. -EINVAL with why filled for bad configuration
 * (cipher 0, empty user, unreadable or world-readable password file). */
int fence_ipmi_new(const struct fence_ipmi_config *cfg, struct fence_dev **out,
		   char *why, size_t whylen);

#endif
