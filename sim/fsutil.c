/* sim/fsutil.c - content hashing and mkdir -p (see fsutil.h). */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t mps_fs_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ull;
	}
	return h;
}

int mps_fs_hash_file(uint64_t *h, const char *path, mps_err_t *err)
{
	FILE *f = fopen(path, "rb");
	char buf[8192];
	size_t n;

	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	*h = mps_fs_fnv(*h, path, strlen(path) + 1);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		*h = mps_fs_fnv(*h, buf, n);
	fclose(f);
	return MPS_OK;
}

int mps_fs_hash_rtl(uint64_t *h, const char *rtl_dir, mps_err_t *err)
{
	char path[1024], line[512];
	FILE *f;
	int rc;

	snprintf(path, sizeof path, "%s/rtl.f", rtl_dir);
	if ((rc = mps_fs_hash_file(h, path, err)))
		return rc;
	f = fopen(path, "r");
	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		char *s = line, *e;

		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' '))
			*--e = 0;
		/* blank, "#" or "//" comments, "-opt" and "+incdir+" options */
		if (!*s || *s == '#' || *s == '/' || *s == '-' || *s == '+')
			continue;
		snprintf(path, sizeof path, "%s/%s", rtl_dir, s);
		if ((rc = mps_fs_hash_file(h, path, err))) {
			fclose(f);
			return rc;
		}
	}
	fclose(f);
	return MPS_OK;
}

uint64_t mps_fs_hash_lines(uint64_t h, const char *text, const char *const *skip)
{
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		bool keep = true;

		for (size_t i = 0; skip && skip[i] && keep; i++)
			keep = strncmp(line, skip[i], strlen(skip[i])) != 0;
		if (keep)
			h = mps_fs_fnv(h, line, len);
		line = nl ? nl + 1 : NULL;
	}
	return h;
}

int mps_fs_mkdirs(const char *path)
{
	char tmp[1024];

	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			if (mkdir(tmp, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return (mkdir(tmp, 0777) && errno != EEXIST) ? -1 : 0;
}

int mps_fs_lock_dir(const char *dir, mps_err_t *err)
{
	char path[1100];
	struct flock lk;
	int fd;

	if (mps_fs_mkdirs(dir)) {
		mps_err_set(err, MPS_ERR_IO, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/lock", dir);
	fd = open(path, O_RDWR | O_CREAT, 0666);
	if (fd < 0) {
		mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&lk, 0, sizeof lk);
	lk.l_type = F_WRLCK;
	lk.l_whence = SEEK_SET;
	while (fcntl(fd, F_SETLKW, &lk) && errno == EINTR)
		;
	return fd;
}
