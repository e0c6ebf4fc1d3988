/* The IPMI method's configuration: cipher suites, user, timeouts, the
 * password file; and fence_ipmi_new(), which needs no BMC to build a
 * device. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../check_tap.h"
#include "fence_ipmi.h"

static char dir[] = "/tmp/th-fence-test.XXXXXX";
static char path[600];

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pw", dir);
}

static void teardown(void)
{
	char cmd[600];

	/* Only what the tests made: a handful of entries in one directory. */
	static const char *const names[] = { "pw", "link", "sub", "fifo", NULL };

	for (unsigned i = 0; names[i]; i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, names[i]);
		if (rmdir(cmd) < 0)
			unlink(cmd);
	}
	rmdir(dir);
	strcpy(dir, "/tmp/th-fence-test.XXXXXX");
}

/* Writes n bytes of data to the password file with the given mode. */
static void pwfile(const void *data, size_t n, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static int read_pw(char *buf, size_t *len, char *why, size_t whylen)
{
	return fence_ipmi_read_password(path, buf, FENCE_IPMI_PASSWORD_MAX + 1, len, why, whylen);
}

/* ---- cipher suites ---- */

START_TEST(cipher_0_is_refused_with_the_reason)
{
	char why[256] = "";

	ck_assert_int_eq(fence_ipmi_check_cipher(0, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(why, "cipher suite 0"));
	ck_assert_ptr_nonnull(strstr(why, "no authentication"));
}
END_TEST

START_TEST(ciphers_without_integrity_are_refused)
{
	static const unsigned no_integrity[] = { 1, 6, 15 };
	char why[256];

	for (unsigned i = 0; i < 3; i++) {
		why[0] = '\0';
		ck_assert_msg(fence_ipmi_check_cipher(no_integrity[i], why, sizeof(why)) == -EINVAL,
			      "accepted %u", no_integrity[i]);
		ck_assert_ptr_nonnull(strstr(why, "integrity"));
	}
}
END_TEST

START_TEST(unknown_ciphers_are_refused)
{
	static const unsigned unknown[] = { 4, 5, 9, 10, 13, 14, 18, 255, 256, 1000 };
	char why[256];

	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		why[0] = '\0';
		ck_assert_msg(fence_ipmi_check_cipher(unknown[i], why, sizeof(why)) == -EINVAL,
			      "accepted %u", unknown[i]);
		ck_assert(why[0] != '\0');
	}
}
END_TEST

START_TEST(authenticated_ciphers_with_integrity_are_accepted)
{
	static const unsigned good[] = { 2, 3, 7, 8, 11, 12, 16, 17 };
	char why[256];

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(fence_ipmi_check_cipher(good[i], why, sizeof(why)) == 0,
			      "refused %u", good[i]);
}
END_TEST

/* ---- the whole configuration ---- */

static struct fence_ipmi_config good_cfg(void)
{
	struct fence_ipmi_config c = {
		.host = "10.0.0.5",
		.username = "admin",
		.password_file = path,
		.cipher_suite = 3,
	};
	return c;
}

static void expect_bad(struct fence_ipmi_config c, const char *needle)
{
	struct fence_ipmi_addr a;
	char why[256] = "";

	ck_assert_int_eq(fence_ipmi_check_config(&c, &a, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, needle), "reason '%s' lacks '%s'", why, needle);
}

START_TEST(a_good_configuration_passes)
{
	struct fence_ipmi_config c = good_cfg();
	struct fence_ipmi_addr a;
	char why[256];

	ck_assert_int_eq(fence_ipmi_check_config(&c, &a, why, sizeof(why)), 0);
	ck_assert_str_eq(a.host, "10.0.0.5");
	c.username = "0123456789abcdef"; /* 16 bytes: the IPMI maximum */
	c.session_timeout_ms = 100;
	c.retransmission_timeout_ms = 99;
	ck_assert_int_eq(fence_ipmi_check_config(&c, &a, why, sizeof(why)), 0);
}
END_TEST

START_TEST(a_zeroed_cipher_is_cipher_0_and_refused)
{
	struct fence_ipmi_config c = good_cfg();

	c.cipher_suite = 0;
	expect_bad(c, "cipher suite 0");
}
END_TEST

START_TEST(bad_users_are_refused)
{
	struct fence_ipmi_config c = good_cfg();

	c.username = NULL;
	expect_bad(c, "user");
	c.username = "";
	expect_bad(c, "user");
	c.username = "0123456789abcdefg";
	expect_bad(c, "at most 16");
	c.username = "ad\nmin";
	expect_bad(c, "control");
}
END_TEST

START_TEST(bad_timeouts_are_refused)
{
	struct fence_ipmi_config c = good_cfg();

	c.session_timeout_ms = 99;
	expect_bad(c, "session timeout");
	c.session_timeout_ms = 60001;
	expect_bad(c, "session timeout");
	c.session_timeout_ms = 500;
	c.retransmission_timeout_ms = 500;
	expect_bad(c, "retransmission");
	c.retransmission_timeout_ms = 9;
	expect_bad(c, "retransmission");
	c.session_timeout_ms = 0; /* default 1000 */
	c.retransmission_timeout_ms = 1000;
	expect_bad(c, "retransmission");
}
END_TEST

START_TEST(bad_hosts_and_missing_files_are_refused)
{
	struct fence_ipmi_config c = good_cfg();

	c.host = "bmc-a";
	expect_bad(c, "bmc-a");
	c = good_cfg();
	c.password_file = NULL;
	expect_bad(c, "password file");
	c.password_file = "";
	expect_bad(c, "password file");
	{
		struct fence_ipmi_addr a;
		char why[64];

		ck_assert_int_eq(fence_ipmi_check_config(NULL, &a, why, sizeof(why)), -EINVAL);
	}
}
END_TEST

/* ---- per-session timeouts ---- */

START_TEST(session_timeouts_fit_in_what_is_left)
{
	unsigned s, r;

	ck_assert_int_eq(fence_ipmi_timeouts(0, 0, 10000, &s, &r), 0);
	ck_assert_uint_eq(s, FENCE_IPMI_SESSION_MS_DEFAULT);
	ck_assert_uint_eq(r, FENCE_IPMI_RETRANS_MS_DEFAULT);
	ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, 1000, &s, &r), 0);
	ck_assert_uint_eq(s, 500);
	ck_assert_uint_eq(r, 250);
	ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, 300, &s, &r), 0);
	ck_assert_uint_eq(s, 150);
	ck_assert_uint_eq(r, 75);
	ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, FENCE_IPMI_MIN_LEFT_MS - 1, &s, &r),
			 -ETIMEDOUT);
	ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, 0, &s, &r), -ETIMEDOUT);
	ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, -5, &s, &r), -ETIMEDOUT);
	for (int64_t left = FENCE_IPMI_MIN_LEFT_MS; left < 5000; left += 7) {
		ck_assert_int_eq(fence_ipmi_timeouts(1000, 250, left, &s, &r), 0);
		ck_assert(2 * (int64_t)s <= left);
		ck_assert(r > 0 && r < s);
		ck_assert(s <= 1000 && r <= 250);
	}
	ck_assert_int_eq(fence_ipmi_timeouts(60000, 59999, INT64_MAX, &s, &r), 0);
	ck_assert_uint_eq(s, 60000);
	ck_assert_uint_eq(r, 30000);
}
END_TEST

/* ---- the password file ---- */

START_TEST(password_is_read_and_one_newline_stripped)
{
	char buf[FENCE_IPMI_PASSWORD_MAX + 1], why[256];
	size_t len = 0;

	pwfile("s3cret\n", 7, 0600);
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "s3cret");
	ck_assert_uint_eq(len, 6);
	pwfile("s3cret\r\n", 8, 0400);
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "s3cret");
	pwfile("s3cret", 6, 0600);
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), 0);
	ck_assert_str_eq(buf, "s3cret");
	pwfile(" with spaces ", 13, 0600);
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), 0);
	ck_assert_str_eq(buf, " with spaces ");
	pwfile("01234567890123456789\n", 21, 0600); /* 20 bytes: the maximum */
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), 0);
	ck_assert_uint_eq(len, 20);
	ck_assert_str_eq(buf, "01234567890123456789");
}
END_TEST

/* A refusal: -EINVAL, a reason containing needle, the buffer wiped, and
 * the password nowhere in the reason. */
static void expect_refused(const char *needle, const char *secret)
{
	char buf[FENCE_IPMI_PASSWORD_MAX + 1], why[256] = "";
	size_t len = 77;

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(read_pw(buf, &len, why, sizeof(why)), -EINVAL);
	ck_assert_msg(strstr(why, needle), "reason '%s' lacks '%s'", why, needle);
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_int_eq(buf[i], 0);
	if (secret)
		ck_assert_msg(!strstr(why, secret), "reason '%s' shows the password", why);
}

START_TEST(group_or_other_access_is_refused)
{
	static const mode_t modes[] = { 0640, 0604, 0660, 0644, 0610, 0601, 0602, 0620, 0666 };

	for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		pwfile("s3cret\n", 7, modes[i]);
		expect_refused("chmod 600", "s3cret");
	}
}
END_TEST

START_TEST(empty_long_and_odd_files_are_refused)
{
	pwfile("", 0, 0600);
	expect_refused("empty", NULL);
	pwfile("\n", 1, 0600);
	expect_refused("empty", NULL);
	pwfile("\r\n", 2, 0600);
	expect_refused("empty", NULL);
	pwfile("012345678901234567890\n", 22, 0600); /* 21 bytes */
	expect_refused("at most 20", "012345678901234567890");
	pwfile("0123456789012345678901234567890123456789", 40, 0600);
	expect_refused("too long", "0123456789");
	pwfile("s3cret\nsecond", 13, 0600);
	expect_refused("one line", "s3cret");
	pwfile("s3cret\n\n", 8, 0600);
	expect_refused("one line", "s3cret");
	pwfile("s3c\0ret\n", 8, 0600);
	expect_refused("NUL", "s3c");
}
END_TEST

START_TEST(links_directories_fifos_and_missing_files_are_refused)
{
	char other[600];

	pwfile("s3cret\n", 7, 0600);
	snprintf(other, sizeof(other), "%s/link", dir);
	ck_assert_int_eq(symlink(path, other), 0);
	snprintf(path, sizeof(path), "%s", other);
	expect_refused("symbolic link", "s3cret");

	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	expect_refused("not a regular file", NULL);

	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	expect_refused("not a regular file", NULL); /* and does not hang */

	snprintf(path, sizeof(path), "%s/missing", dir);
	expect_refused("No such file", NULL);
	snprintf(path, sizeof(path), "%s/pw", dir);
}
END_TEST

START_TEST(files_of_other_users_are_refused)
{
	if (geteuid() != 0)
		return; /* only root can give a file away */
	pwfile("s3cret\n", 7, 0600);
	ck_assert_int_eq(chown(path, 4242, 4242), 0);
	expect_refused("owned by uid 4242", "s3cret");
}
END_TEST

START_TEST(a_small_buffer_is_refused)
{
	char buf[8], why[128];
	size_t len;

	pwfile("s3cret\n", 7, 0600);
	ck_assert_int_eq(fence_ipmi_read_password(path, buf, sizeof(buf), &len, why, sizeof(why)),
			 -EINVAL);
}
END_TEST

/* ---- fence_ipmi_new ---- */

START_TEST(new_builds_a_device_without_a_bmc)
{
	struct fence_ipmi_config c = good_cfg();
	struct fence_dev *dev = NULL;
	char why[256] = "";

	pwfile("s3cret\n", 7, 0600);
	ck_assert_int_eq(fence_ipmi_new(&c, &dev, why, sizeof(why)), 0);
	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(dev->ops->name, "ipmi");
	ck_assert_str_eq(dev->desc, "ipmi 10.0.0.5:623");
	ck_assert_ptr_nonnull(dev->ops->power_off);
	ck_assert_ptr_nonnull(dev->ops->power_on);
	ck_assert_ptr_nonnull(dev->ops->power_status);
	fence_destroy(dev);

	c.host = "[fd00::5]:1623";
	ck_assert_int_eq(fence_ipmi_new(&c, &dev, why, sizeof(why)), 0);
	ck_assert_str_eq(dev->desc, "ipmi [fd00::5]:1623");
	fence_destroy(dev);
}
END_TEST

START_TEST(new_refuses_bad_configuration_and_returns_no_device)
{
	struct fence_ipmi_config c = good_cfg();
	struct fence_dev *dev = (struct fence_dev *)&c; /* must be reset to NULL */
	char why[256] = "";

	pwfile("s3cret\n", 7, 0600);
	c.cipher_suite = 0;
	ck_assert_int_eq(fence_ipmi_new(&c, &dev, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_null(dev);
	ck_assert_ptr_nonnull(strstr(why, "cipher suite 0"));

	c = good_cfg();
	pwfile("s3cret\n", 7, 0644);
	ck_assert_int_eq(fence_ipmi_new(&c, &dev, why, sizeof(why)), -EINVAL);
	ck_assert_ptr_null(dev);
	ck_assert_ptr_null(strstr(why, "s3cret"));

	ck_assert_int_eq(fence_ipmi_new(NULL, &dev, why, sizeof(why)), -EINVAL);
	ck_assert_int_eq(fence_ipmi_new(&c, NULL, why, sizeof(why)), -EINVAL);
}
END_TEST

/* A device whose deadline has passed contacts nobody: every call fails
 * with -ETIMEDOUT at once (10.0.0.5 need not exist). */
START_TEST(an_expired_deadline_sends_nothing)
{
	struct fence_ipmi_config c = good_cfg();
	struct fence_dev *dev = NULL;
	char why[256];
	bool on = true;

	pwfile("s3cret\n", 7, 0600);
	ck_assert_int_eq(fence_ipmi_new(&c, &dev, why, sizeof(why)), 0);
	ck_assert_int_eq(dev->ops->power_status(dev, deadline_in_ms(0), &on), -ETIMEDOUT);
	ck_assert_int_eq(dev->ops->power_off(dev, deadline_in_ms(0)), -ETIMEDOUT);
	ck_assert_int_eq(dev->ops->power_on(dev, deadline_in_ms(0)), -ETIMEDOUT);
	ck_assert_int_eq(fence_confirm_off(dev, deadline_in_ms(0), 10), -ETIMEDOUT);
	fence_destroy(dev);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("fence_ipmi_config");
	TCase *tc = tcase_create("fence_ipmi_config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, cipher_0_is_refused_with_the_reason);
	tcase_add_test(tc, ciphers_without_integrity_are_refused);
	tcase_add_test(tc, unknown_ciphers_are_refused);
	tcase_add_test(tc, authenticated_ciphers_with_integrity_are_accepted);
	tcase_add_test(tc, a_good_configuration_passes);
	tcase_add_test(tc, a_zeroed_cipher_is_cipher_0_and_refused);
	tcase_add_test(tc, bad_users_are_refused);
	tcase_add_test(tc, bad_timeouts_are_refused);
	tcase_add_test(tc, bad_hosts_and_missing_files_are_refused);
	tcase_add_test(tc, session_timeouts_fit_in_what_is_left);
	tcase_add_test(tc, password_is_read_and_one_newline_stripped);
	tcase_add_test(tc, group_or_other_access_is_refused);
	tcase_add_test(tc, empty_long_and_odd_files_are_refused);
	tcase_add_test(tc, links_directories_fifos_and_missing_files_are_refused);
	tcase_add_test(tc, files_of_other_users_are_refused);
	tcase_add_test(tc, a_small_buffer_is_refused);
	tcase_add_test(tc, new_builds_a_device_without_a_bmc);
	tcase_add_test(tc, new_refuses_bad_configuration_and_returns_no_device);
	tcase_add_test(tc, an_expired_deadline_sends_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_tap_run(config_suite());
}
