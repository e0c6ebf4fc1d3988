/* fence_ipmi_load(): libfreeipmi is loaded at the first fence, and a
 * library that cannot be loaded makes every call fail at once, with a
 * reason a person can act on, and never confirms a fence. The library is
 * injected through fence_ipmi_config.library. Cases that must fail run
 * before any that loads the real library (which stays for the process's
 * life), in case Check runs without fork. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../check_tap.h"
#include "deadline.h"
#include "fence.h"
#include "fence_ipmi.h"

#define MISSING "libfreeipmi-twinhead-missing.so.99"

static char dir[] = "/tmp/th-fence-load.XXXXXX";
static char pwpath[600];

static void setup(void)
{
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(pwpath, sizeof(pwpath), "%s/pw", dir);
	fd = open(pwpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "s3cret\n", 7), 7);
	close(fd);
}

static void teardown(void)
{
	unlink(pwpath);
	rmdir(dir);
	strcpy(dir, "/tmp/th-fence-load.XXXXXX");
}

static struct fence_dev *new_dev(const char *library)
{
	struct fence_ipmi_config c = { .host = "192.0.2.1", .username = "admin",
				       .password_file = pwpath, .cipher_suite = 3,
				       .library = library };
	struct fence_dev *dev = NULL;
	char why[256] = "";

	ck_assert_msg(fence_ipmi_new(&c, &dev, why, sizeof(why)) == 0, "%s", why);
	return dev;
}

START_TEST(a_missing_library_is_named_in_the_reason)
{
	char why[512] = "";

	ck_assert_int_eq(fence_ipmi_load(MISSING, why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "cannot load libfreeipmi (" MISSING ")"), "reason: %s", why);
	/* and a second try fails the same way: nothing half-loaded is kept */
	why[0] = '\0';
	ck_assert_int_eq(fence_ipmi_load(MISSING, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, MISSING));
}
END_TEST

START_TEST(a_library_without_the_symbols_is_refused)
{
	char why[512] = "";

	/* A library that surely exists here, but is not libfreeipmi. */
	ck_assert_int_eq(fence_ipmi_load(LIBXML2_SONAME, why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "ipmi_ctx_create"), "reason: %s", why);
}
END_TEST

START_TEST(without_its_library_a_device_fails_every_call_at_once)
{
	struct fence_dev *dev = new_dev(MISSING); /* fence_ipmi_new loads nothing */
	struct deadline d = deadline_in_ms(5000);
	int64_t t0 = deadline_now_ms();
	bool on = true;

	ck_assert_int_eq(dev->ops->power_status(dev, d, &on), -ENOENT);
	ck_assert(on); /* untouched */
	ck_assert_msg(strstr(dev->error, MISSING), "error: %s", dev->error);
	dev->error[0] = '\0';
	ck_assert_int_eq(dev->ops->power_off(dev, d), -ENOENT);
	ck_assert_ptr_nonnull(strstr(dev->error, MISSING));
	ck_assert_int_eq(dev->ops->power_on(dev, d), -ENOENT);

	/* The whole fence: not confirmed, at once (not at the deadline), and
	 * the reason is there for the log. */
	dev->error[0] = '\0';
	ck_assert_int_eq(fence_confirm_off(dev, d, 50), -ENOENT);
	ck_assert_ptr_nonnull(strstr(dev->error, "cannot load libfreeipmi"));
	ck_assert_int_lt(deadline_now_ms() - t0, 1000);
	fence_destroy(dev);
}
END_TEST

static bool mapped(const char *needle)
{
	char line[1024];
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

START_TEST(a_probe_checks_without_keeping_the_library)
{
	char why[512] = "";

	ck_assert_int_eq(fence_ipmi_probe(MISSING, why, sizeof(why)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(why, "cannot load libfreeipmi (" MISSING ")"));
	why[0] = '\0';
	ck_assert_int_eq(fence_ipmi_probe(LIBXML2_SONAME, why, sizeof(why)), -ENOENT);
	ck_assert_msg(strstr(why, "ipmi_ctx_create"), "reason: %s", why);
	ck_assert_msg(fence_ipmi_probe(NULL, why, sizeof(why)) == 0, "%s", why);
	/* What the probe opened is gone again: that is the daemon's RSS. */
	ck_assert(!mapped("libfreeipmi"));
}
END_TEST

START_TEST(the_configured_library_loads)
{
	char why[512] = "";

	ck_assert_msg(fence_ipmi_load(NULL, why, sizeof(why)) == 0, "%s", why);
	ck_assert_msg(fence_ipmi_load("", why, sizeof(why)) == 0, "%s", why);
	ck_assert(mapped("libfreeipmi") || access("/proc/self/maps", R_OK) != 0);
}
END_TEST

START_TEST(once_loaded_it_stays_loaded)
{
	char why[512] = "";

	ck_assert_int_eq(fence_ipmi_load(NULL, why, sizeof(why)), 0);
	ck_assert_int_eq(fence_ipmi_load(MISSING, why, sizeof(why)), 0);
}
END_TEST

START_TEST(a_loaded_device_gets_past_the_library)
{
	struct fence_dev *dev = new_dev(NULL);
	bool on;

	/* An expired deadline: the call loads the library, then sends
	 * nothing. */
	ck_assert_int_eq(dev->ops->power_status(dev, deadline_in_ms(0), &on), -ETIMEDOUT);
	ck_assert_str_eq(dev->error, "");
	fence_destroy(dev);
}
END_TEST

static Suite *load_suite(void)
{
	Suite *s = suite_create("fence_ipmi_load");
	TCase *tc = tcase_create("fence_ipmi_load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, a_missing_library_is_named_in_the_reason);
	tcase_add_test(tc, a_library_without_the_symbols_is_refused);
	tcase_add_test(tc, without_its_library_a_device_fails_every_call_at_once);
	tcase_add_test(tc, a_probe_checks_without_keeping_the_library);
	tcase_add_test(tc, the_configured_library_loads);
	tcase_add_test(tc, once_loaded_it_stays_loaded);
	tcase_add_test(tc, a_loaded_device_gets_past_the_library);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(load_suite());
}
