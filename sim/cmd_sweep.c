/* sim/cmd_sweep.c - "mpsim sweep": a grid of configs x workloads, run in
 * parallel on this machine or as a Slurm job array (docs/sweep.md). */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "fsutil.h"
#include "sweep.h"

extern char **environ;

MPS_DECLARE_CMD(sweep);

const char mps_summary_sweep[] = "run a grid of configs x workloads (local cores or Slurm)";
const char mps_help_sweep[] =
	"usage: mpsim sweep SWEEP.ini [--out DIR] [-j N] [--json]\n"
	"       mpsim sweep SWEEP.ini --slurm [--sbatch-arg ARG]... [--no-wait] [--out DIR]\n"
	"       mpsim sweep --merge DIR\n"
	"       mpsim sweep --point DIR I\n"
	"\n"
	"Runs `mpsim run` on every point of the grid in SWEEP.ini (the base config\n"
	"with [grid] SECTION.KEY overrides, times every workload / gemm line;\n"
	"format: docs/sweep.md, example: configs/sweeps/array-size.ini) and merges\n"
	"the results into DIR/sweep.csv (default DIR: build/sweeps/<name>/).  Every\n"
	"config point is validated before anything runs.\n"
	"  -j N            points run in parallel on this machine (default: cores)\n"
	"  --slurm         submit the points as one Slurm job array (sbatch; DIR must\n"
	"                  be on a file system the compute nodes share); waits for it\n"
	"                  (sbatch --wait) and merges, like a local sweep\n"
	"  --sbatch-arg A  extra sbatch argument (repeatable), e.g. --partition=big\n"
	"  --no-wait       with --slurm: submit, print the job id and return; run\n"
	"                  `mpsim sweep --merge DIR` when the job has finished\n"
	"  --merge DIR     rebuild DIR/sweep.csv from the points' results\n"
	"  --point DIR I   run point I of a planned sweep (what each Slurm task runs)\n"
	"  --json          print the summary as JSON on stdout\n"
	"Per point: DIR/points/NNNNN.{args,json,err}.  A progress line goes to stderr\n"
	"when it is a terminal.  Environment: SBATCH (default sbatch).\n"
	"Exit status: 0 every point ok, 1 some point failed (the CSV says which and\n"
	"why), 2 bad usage or a bad sweep file.\n";

static int self_exe(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	if (len <= 0)
		return -1;
	out[len] = 0;
	return 0;
}

/* Start `mpsim run ARGS` of point p with stdout -> NNNNN.json.tmp and
 * stderr -> NNNNN.err.  Returns the child's pid or -1. */
static pid_t start_point(const char *exe, const char *dir, size_t p, mps_err_t *err)
{
	char *argv[24], *buf = NULL, out[1200], errp[1200];
	char a_mpsim[] = "mpsim", a_run[] = "run";
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int rc;

	if (mps_sweep_point_args(dir, p, argv + 2, 20, &buf, err)) {
		free(buf);
		return -1;
	}
	argv[0] = a_mpsim;
	argv[1] = a_run;
	mps_sweep_point_path(out, sizeof out, dir, p, "json.tmp");
	mps_sweep_point_path(errp, sizeof errp, dir, p, "err");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	posix_spawn_file_actions_addopen(&fa, 2, errp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	rc = posix_spawn(&pid, exe, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(buf);
	if (rc) {
		mps_err_set(err, MPS_ERR_IO, "cannot start %s: %s", exe, strerror(rc));
		return -1;
	}
	return pid;
}

/* A finished point: keep its JSON only if `mpsim run` succeeded. */
static bool finish_point(const char *dir, size_t p, int status)
{
	char tmp[1200], fin[1200];
	mps_sweep_point_path(tmp, sizeof tmp, dir, p, "json.tmp");
	mps_sweep_point_path(fin, sizeof fin, dir, p, "json");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && rename(tmp, fin) == 0)
		return true;
	if (WIFSIGNALED(status)) {
		char e[1200];
		FILE *f;
		mps_sweep_point_path(e, sizeof e, dir, p, "err");
		if ((f = fopen(e, "a"))) {
			fprintf(f, "killed by signal %d\n", WTERMSIG(status));
			fclose(f);
		}
	}
	remove(tmp);
	return false;
}

static void progress(size_t done, size_t total, size_t failed, bool tty)
{
	if (tty)
		fprintf(stderr, "\rsweep: %zu/%zu points done, %zu failed", done, total, failed);
}

static int run_local(const char *dir, size_t npoints, long jobs, mps_err_t *err)
{
	char exe[PATH_MAX];
	pid_t *pids;
	size_t next = 0, done = 0, failed = 0, running = 0;
	bool tty = isatty(2);

	if (self_exe(exe, sizeof exe))
		return mps_err_set(err, MPS_ERR_IO, "cannot find the mpsim executable (/proc/self/exe)");
	if (!(pids = calloc(npoints, sizeof *pids)))
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	while (done < npoints) {
		int status;
		pid_t pid;
		while (running < (size_t)jobs && next < npoints) {
			if ((pids[next] = start_point(exe, dir, next, err)) < 0) {
				/* reap what runs, then report */
				while (running && wait(&status) > 0)
					running--;
				free(pids);
				return err->code ? err->code : MPS_ERR_IO;
			}
			next++;
			running++;
		}
		pid = wait(&status);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t p = 0; p < next; p++)
			if (pids[p] == pid) {
				if (!finish_point(dir, p, status))
					failed++;
				pids[p] = 0;
				running--;
				done++;
				progress(done, npoints, failed, tty);
				break;
			}
	}
	if (tty)
		fputc('\n', stderr);
	free(pids);
	return MPS_OK;
}

/* Run a child to completion; its stdout (up to n-1 bytes) into out. */
static int run_capture(char *const argv[], char *out, size_t n, int *status)
{
	int fd[2];
	pid_t pid;
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	ssize_t r;
	int rc;

	if (pipe(fd))
		return errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	if (rc) {
		close(fd[0]);
		return rc;
	}
	while ((r = read(fd[0], out + len, n - 1 - len)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && (len += (size_t)r) == n - 1)
			break;
	out[len] = 0;
	close(fd[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static int run_slurm(const char *dir, size_t npoints, char **sargs, int nsargs, bool wait_,
                     char *jobid, size_t jn, mps_err_t *err)
{
	char exe[PATH_MAX], script[1200], out[256];
	char *sbatch = getenv("SBATCH");
	char a_sbatch[] = "sbatch", a_parsable[] = "--parsable", a_wait[] = "--wait";
	char *argv[64];
	int argc = 0, status = 0, rc;
	FILE *f;

	if (self_exe(exe, sizeof exe))
		return mps_err_set(err, MPS_ERR_IO, "cannot find the mpsim executable (/proc/self/exe)");
	snprintf(script, sizeof script, "%s/sweep.sbatch", dir);
	if (!(f = fopen(script, "w")))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", script, strerror(errno));
	fprintf(f, "#!/bin/bash\n"
	        "# generated by mpsim sweep: one array task per sweep point\n"
	        "#SBATCH --job-name=mpsim-sweep\n"
	        "#SBATCH --array=0-%zu\n"
	        "#SBATCH --cpus-per-task=1\n"
	        "#SBATCH --output=%s/slurm/%%a.out\n"
	        "exec '%s' sweep --point '%s' \"$SLURM_ARRAY_TASK_ID\"\n",
	        npoints - 1, dir, exe, dir);
	if (fclose(f))
		return mps_err_set(err, MPS_ERR_IO, "%s: write failed", script);
	argv[argc++] = sbatch && *sbatch ? sbatch : a_sbatch;
	argv[argc++] = a_parsable;
	if (wait_)
		argv[argc++] = a_wait;
	for (int i = 0; i < nsargs && argc < 60; i++)
		argv[argc++] = sargs[i];
	argv[argc++] = script;
	argv[argc] = NULL;
	if ((rc = run_capture(argv, out, sizeof out, &status)))
		return mps_err_set(err, MPS_ERR_IO, "cannot run %s: %s (is Slurm installed? "
		                   "scripts/setup.sh installs slurm-wlm)", argv[0], strerror(rc));
	out[strcspn(out, ";\n")] = 0;
	snprintf(jobid, jn, "%.100s", out);
	/* sbatch --wait exits with the job's highest exit code; failed points show
	 * in the merge, so only a submission without a job id is an error here */
	if (!*jobid)
		return mps_err_set(err, MPS_ERR_IO, "%s failed (exit %d) and printed no job id",
		                   argv[0], WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return MPS_OK;
}

static int merge(const char *dir, bool json, mps_err_t *err)
{
	char csv[1200], tmp[1300];
	mps_sweep_summary_t sum;
	FILE *f;
	int rc;

	snprintf(csv, sizeof csv, "%s/sweep.csv", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", csv);
	if (!(f = fopen(tmp, "w")))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", tmp, strerror(errno));
	rc = mps_sweep_merge(dir, f, &sum, err);
	if (fclose(f) && !rc)
		rc = mps_err_set(err, MPS_ERR_IO, "%s: write failed", tmp);
	if (rc) {
		remove(tmp);
		return rc;
	}
	if (rename(tmp, csv))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", csv, strerror(errno));
	if (json) {
		printf("{\"csv\": \"%s\", \"points\": %zu, \"ok\": %zu, \"failed\": %zu}\n", csv,
		       sum.points, sum.ok, sum.failed);
	} else {
		printf("sweep: %zu points, %zu ok, %zu failed: %s\n", sum.points, sum.ok, sum.failed,
		       csv);
		if (sum.failed)
			printf("sweep: first failure, point %ld: %s\n", sum.first_failed, sum.first_error);
	}
	return sum.failed ? MPS_ERR_MISMATCH : MPS_OK;
}

static int fail(const char *what, const mps_err_t *err)
{
	fprintf(stderr, "mpsim sweep: %s%s%s\n", what ? what : "", what ? ": " : "", err->msg);
	return MPS_EXIT_USAGE;
}

int mps_cmd_sweep(int argc, char **argv)
{
	const char *file = NULL, *out = NULL, *mdir = NULL, *pdir = NULL, *pidx = NULL;
	char **sargs = calloc((size_t)argc + 1, sizeof *sargs);
	int nsargs = 0, rc;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	bool slurm = false, nowait = false, json = false;
	char dir[1024], jobid[256];
	mps_sweep_t sw;
	mps_err_t err = { 0 };

	if (!sargs)
		return mps_cli_usage_error("sweep", "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool more = i + 1 < argc;
		if (!strcmp(a, "--out") && more) {
			out = argv[++i];
		} else if (!strcmp(a, "-j") && more) {
			char *end;
			errno = 0;
			jobs = strtol(argv[++i], &end, 10);
			if (errno || *end || jobs < 1 || jobs > 4096) {
				free(sargs);
				return mps_cli_usage_error("sweep", "-j '%s': expected 1..4096", argv[i]);
			}
		} else if (!strcmp(a, "--slurm")) {
			slurm = true;
		} else if (!strcmp(a, "--sbatch-arg") && more) {
			sargs[nsargs++] = argv[++i];
		} else if (!strcmp(a, "--no-wait")) {
			nowait = true;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if (!strcmp(a, "--merge") && more) {
			mdir = argv[++i];
		} else if (!strcmp(a, "--point") && i + 2 < argc) {
			pdir = argv[++i];
			pidx = argv[++i];
		} else if (a[0] == '-' || file) {
			free(sargs);
			return mps_cli_usage_error("sweep", "unexpected argument '%s' (mpsim help "
			                           "sweep)", a);
		} else {
			file = a;
		}
	}
	if (jobs < 1)
		jobs = 1;
	if (pdir) {
		/* one point (a Slurm array task) */
		char exe[PATH_MAX], *end;
		unsigned long p;
		int status;
		pid_t pid;
		free(sargs);
		errno = 0;
		p = strtoul(pidx, &end, 10);
		if (errno || *end || !*pidx)
			return mps_cli_usage_error("sweep", "--point %s '%s': expected a point index",
			                           pdir, pidx);
		if (self_exe(exe, sizeof exe))
			return mps_cli_usage_error("sweep", "cannot find the mpsim executable");
		if ((pid = start_point(exe, pdir, p, &err)) < 0)
			return fail(NULL, &err);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		return finish_point(pdir, p, status) ? MPS_EXIT_OK : MPS_EXIT_FAIL;
	}
	if (mdir) {
		free(sargs);
		if (file || slurm)
			return mps_cli_usage_error("sweep", "--merge DIR takes no sweep file or --slurm");
		rc = merge(mdir, json, &err);
		if (rc == MPS_ERR_MISMATCH)
			return MPS_EXIT_FAIL;
		return rc ? fail(NULL, &err) : MPS_EXIT_OK;
	}
	if (!file) {
		free(sargs);
		return mps_cli_usage_error("sweep", "missing SWEEP.ini (mpsim help sweep)");
	}
	if (nsargs && !slurm) {
		free(sargs);
		return mps_cli_usage_error("sweep", "--sbatch-arg needs --slurm");
	}
	if ((rc = mps_sweep_load(file, &sw, &err))) {
		free(sargs);
		return fail(NULL, &err);
	}
	if (out) {
		snprintf(dir, sizeof dir, "%s", out);
	} else {
		const char *b = strrchr(file, '/');
		b = b ? b + 1 : file;
		snprintf(dir, sizeof dir, "build/sweeps/%.*s", (int)strcspn(b, "."), b);
	}
	if (mps_fs_mkdirs(dir)) {
		fprintf(stderr, "mpsim sweep: %s: %s\n", dir, strerror(errno));
		mps_sweep_free(&sw);
		free(sargs);
		return MPS_EXIT_USAGE;
	}
	{
		/* absolute, so that Slurm tasks find it from any working directory */
		char abs[PATH_MAX];
		if (realpath(dir, abs) && strlen(abs) < sizeof dir)
			memcpy(dir, abs, strlen(abs) + 1);
	}
	rc = mps_sweep_plan(&sw, dir, &err);
	if (!rc && !json)
		fprintf(stderr, "sweep: %zu points (%zu configs x %zu workloads) in %s, %s\n",
		        mps_sweep_npoints(&sw), sw.nconfigs, sw.nwork, dir,
		        slurm ? "as a Slurm job array" : "on this machine");
	if (!rc && slurm) {
		rc = run_slurm(dir, mps_sweep_npoints(&sw), sargs, nsargs, !nowait, jobid,
		               sizeof jobid, &err);
		if (!rc && nowait) {
			printf("sweep: submitted Slurm job %s; when it has finished: mpsim sweep "
			       "--merge %s\n", jobid, dir);
			mps_sweep_free(&sw);
			free(sargs);
			return MPS_EXIT_OK;
		}
	} else if (!rc) {
		rc = run_local(dir, mps_sweep_npoints(&sw), jobs, &err);
	}
	mps_sweep_free(&sw);
	free(sargs);
	if (!rc)
		rc = merge(dir, json, &err);
	if (rc == MPS_ERR_MISMATCH)
		return MPS_EXIT_FAIL;
	return rc ? fail(NULL, &err) : MPS_EXIT_OK;
}
