/* EMULATION: a ctladm(8) stand-in for a lab head. It hands its argv to the
 * CTL HA emulator (ctlemud) on this head, which answers as ctladm would
 * for devlist, create, remove, modify and rtpg (ctlemu_ctladm.c), and
 * prints the answer with ctladm's exit status. Tests point agents at it
 * with TWINHEAD_TOOL_CTLADM. */
#include "config.h"
#include "ctlemu_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint8_t *decode(const char *hex, size_t len, size_t *n)
{
	uint8_t *b = malloc(len / 2 + 1);

	if (!b || ctlemu_unhex(hex, len, b, len / 2 + 1, n) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

int main(int argc, char **argv)
{
	size_t len = 8;
	char *req, *resp = NULL, *p, *sp1, *sp2;
	long status;
	int rc;

	for (int i = 0; i < argc; i++)
		len += 2 * strlen(i == 0 ? "ctladm" : argv[i]) + 2;
	req = malloc(len);
	if (!req)
		return 1;
	strcpy(req, "CTLADM");
	for (int i = 0; i < argc; i++) {
		const char *a = i == 0 ? "ctladm" : argv[i];
		char *h = ctlemu_hex(a, strlen(a));

		if (!h)
			return 1;
		strcat(req, " ");
		strcat(req, h);
		free(h);
	}
	rc = ctlemu_call(req, &resp, CTLEMU_LINE_MAX);
	free(req);
	if (rc == -ENOENT) {
		fprintf(stderr, "ctladm: error opening /dev/cam/ctl: No such file or directory\n");
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "ctladm: EMULATION: no answer from ctlemud at %s: %s\n",
			ctlemu_socket_path(), strerror(-rc));
		return 1;
	}
	/* "EXIT <n> <hex stdout> <hex stderr>" */
	if (strncmp(resp, "EXIT ", 5) != 0)
		goto bad;
	status = strtol(resp + 5, &p, 10);
	if (p == resp + 5 || *p != ' ' || status < 0 || status > 255)
		goto bad;
	sp1 = p + 1;
	sp2 = strchr(sp1, ' ');
	if (!sp2 || strchr(sp2 + 1, ' '))
		goto bad;
	{
		size_t no, ne;
		uint8_t *o = decode(sp1, (size_t)(sp2 - sp1), &no);
		uint8_t *e = o ? decode(sp2 + 1, strlen(sp2 + 1), &ne) : NULL;

		if (!e) {
			free(o);
			goto bad;
		}
		fwrite(o, 1, no, stdout);
		fwrite(e, 1, ne, stderr);
		free(o);
		free(e);
	}
	free(resp);
	return (int)status;
bad:
	fprintf(stderr, "ctladm: EMULATION: malformed answer from ctlemud\n");
	free(resp);
	return 1;
}
