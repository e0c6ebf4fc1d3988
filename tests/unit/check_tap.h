/* Shared main() for the Check unit tests: run one suite, report TAP
 * (automake's tap-driver reads it through CK_TAP_LOG_FILE_NAME=-), and exit
 * non-zero when any case failed. */
#ifndef TWINHEAD_CHECK_TAP_H
#define TWINHEAD_CHECK_TAP_H

#include <check.h>
#include <stdlib.h>

static inline int check_tap_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
