/* sim/dut_build.c - build (cached by hash) and dlopen the Verilated RTL. */
#include "dut_build.h"
#include "fsutil.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Hash every file of the RTL tree that the build reads. */
static int hash_rtl(uint64_t *h, const char *rtl, const char *script, mps_err_t *err)
{
	static const char *const extra[] = { "lint/verilator_waiver.vlt", "shim/dut.vlt",
		                             "shim/dut_vl.cpp", "shim/dut.h" };
	char path[1024];
	int rc;

	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", rtl, extra[i]);
		if ((rc = mps_fs_hash_file(h, path, err)))
			return rc;
	}
	if ((rc = mps_fs_hash_file(h, script, err)) ||
	    (rc = mps_fs_hash_file(h, "sim/lanes.h", err)))
		return rc;
	return mps_fs_hash_rtl(h, rtl, err);
}

int mps_dut_build(const mps_cfg_t *cfg, const mps_dut_build_opts_t *o, char *so_path,
                  size_t n, bool *cached, mps_err_t *err)
{
	const char *rtl = (o && o->rtl_dir) ? o->rtl_dir : "rtl";
	const char *bd = (o && o->build_dir) ? o->build_dir : getenv("MPSIM_BUILD");
	const char *script = (o && o->script) ? o->script : "scripts/build_dut.sh";
	char *svh = NULL, dir[1024], path[1100], log[1100];
	size_t svh_len = 0;
	uint64_t h = MPS_FS_FNV_INIT;
	FILE *f;
	int rc, fd, status;
	struct stat sb;

	if (!bd)
		bd = "build";
	*cached = false;
	/* the generated parameters, without comment lines */
	f = open_memstream(&svh, &svh_len);
	if (!f)
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	rc = mps_cfg_emit_svh(cfg, f, err);
	fclose(f);
	if (rc) {
		free(svh);
		return rc;
	}
	{
		static const char *const skip[] = { "//", NULL };
		h = mps_fs_hash_lines(h, svh, skip);
	}
	{
		const char *opt = getenv("MPSIM_VL_OPT");
		if (opt)
			h = mps_fs_fnv(h, opt, strlen(opt));
		if (o && o->trace)
			h = mps_fs_fnv(h, "trace-fst", 9);
	}
	if ((rc = hash_rtl(&h, rtl, script, err))) {
		free(svh);
		return rc;
	}
	snprintf(dir, sizeof dir, "%s/vl/%016llx", bd, (unsigned long long)h);
	snprintf(so_path, n, "%s/libdut.so", dir);
	/* one builder per directory (parallel regressions) */
	if ((fd = mps_fs_lock_dir(dir, err)) < 0) {
		free(svh);
		return err->code;
	}
	if (stat(so_path, &sb) == 0) {
		*cached = true;
		close(fd);
		free(svh);
		return MPS_OK;
	}
	snprintf(path, sizeof path, "%s/params.svh", dir);
	f = fopen(path, "w");
	if (!f || fwrite(svh, 1, svh_len, f) != svh_len) {
		if (f)
			fclose(f);
		close(fd);
		free(svh);
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot write", path);
	}
	fclose(f);
	free(svh);
	snprintf(log, sizeof log, "%s/build.log", dir);
	{
		posix_spawn_file_actions_t fa;
		pid_t pid;
		char a0[] = "bash", a1[1024], a4[1024];
		char a5[] = "trace", a5n[] = "notrace";
		char *argv[] = { a0, a1, path, dir, a4, (o && o->trace) ? a5 : a5n, NULL };
		snprintf(a1, sizeof a1, "%s", script);
		snprintf(a4, sizeof a4, "%s", rtl);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
		rc = posix_spawnp(&pid, "bash", &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		if (rc) {
			close(fd);
			return mps_err_set(err, MPS_ERR_DUT, "cannot start %s: %s", script,
			                   strerror(rc));
		}
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	close(fd);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(so_path, &sb) != 0)
		return mps_err_set(err, MPS_ERR_DUT, "building the Verilated model failed; see %s",
		                   log);
	return MPS_OK;
}

static int sym(void *so, const char *name, void *fnptr, mps_err_t *err)
{
	void *p = dlsym(so, name);
	if (!p)
		return mps_err_set(err, MPS_ERR_DUT, "libdut: missing symbol %s", name);
	memcpy(fnptr, &p, sizeof p);
	return MPS_OK;
}

int mps_dut_load(const char *so_path, mps_dut_api_t *api, mps_err_t *err)
{
	char abs[1200];
	int rc = 0;

	memset(api, 0, sizeof *api);
	if (so_path[0] != '/') {
		char cwd[1024];
		if (!getcwd(cwd, sizeof cwd))
			return mps_err_set(err, MPS_ERR_IO, "getcwd: %s", strerror(errno));
		snprintf(abs, sizeof abs, "%s/%s", cwd, so_path);
	} else {
		snprintf(abs, sizeof abs, "%s", so_path);
	}
	api->so = dlopen(abs, RTLD_NOW | RTLD_LOCAL);
	if (!api->so)
		return mps_err_set(err, MPS_ERR_DUT, "dlopen %s: %s", abs, dlerror());
	rc = rc ? rc : sym(api->so, "mps_dut_built_cfg", &api->built_cfg, err);
	rc = rc ? rc : sym(api->so, "mps_dut_new", &api->new_, err);
	rc = rc ? rc : sym(api->so, "mps_dut_free", &api->free_, err);
	rc = rc ? rc : sym(api->so, "mps_dut_reset", &api->reset, err);
	rc = rc ? rc : sym(api->so, "mps_dut_step", &api->step, err);
	rc = rc ? rc : sym(api->so, "mps_dut_run", &api->run, err);
	rc = rc ? rc : sym(api->so, "mps_dut_state", &api->state, err);
	rc = rc ? rc : sym(api->so, "mps_dut_trace_open", &api->trace_open, err);
	rc = rc ? rc : sym(api->so, "mps_dut_trace_close", &api->trace_close, err);
	if (rc) {
		dlclose(api->so);
		memset(api, 0, sizeof *api);
	}
	return rc;
}

void mps_dut_unload(mps_dut_api_t *api)
{
	if (api && api->so)
		dlclose(api->so);
	if (api)
		memset(api, 0, sizeof *api);
}
