/* sim/sweep.c - sweep files, per-point configs, and the CSV merge. */
#include "sweep.h"
#include "cfg.h"
#include "fsutil.h"
#include "../traces/workloads.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <ini.h>

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* ---- parsing the sweep file ---------------------------------------------- */

typedef struct {
	mps_sweep_t *sw;
	mps_err_t *err;
	int rc;
	int line;            /* of the line inih hands to the handler */
	bool have_version;
	FILE *f;
} parse_t;

/* inih reader that counts lines (Debian's inih has no line in the handler) */
static char *read_line(char *buf, int size, void *stream)
{
	parse_t *p = stream;
	char *r = fgets(buf, size, p->f);
	if (r)
		p->line++;
	return r;
}

static int perr(parse_t *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(parse_t *p, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	p->rc = mps_err_set(p->err, MPS_ERR_PARSE, "%s:%d: %s", p->sw->path, line, msg);
	return 0;
}

static int add_axis(parse_t *p, const char *name, const char *value, int line)
{
	mps_sweep_t *sw = p->sw;
	mps_sweep_axis_t *ax, *na;
	const char *dot = strchr(name, '.');
	char *list, *tok, *save = NULL;

	if (!dot || dot == name || !dot[1] || strchr(dot + 1, '.'))
		return perr(p, line, "[grid] key '%s': expected SECTION.KEY (e.g. array.rows)", name);
	for (size_t i = 0; i < sw->naxes; i++) {
		char full[256];
		snprintf(full, sizeof full, "%s.%s", sw->axes[i].section, sw->axes[i].key);
		if (!strcmp(full, name))
			return perr(p, line, "[grid] '%s' given twice (first on line %d)", name,
			            sw->axes[i].line);
	}
	na = realloc(sw->axes, (sw->naxes + 1) * sizeof *na);
	if (!na)
		goto nomem;
	sw->axes = na;
	ax = &sw->axes[sw->naxes];
	memset(ax, 0, sizeof *ax);
	ax->line = line;
	ax->section = malloc((size_t)(dot - name) + 1);
	ax->key = xstrdup(dot + 1);
	if (!ax->section || !ax->key) {
		free(ax->section);
		free(ax->key);
		goto nomem;
	}
	memcpy(ax->section, name, (size_t)(dot - name));
	ax->section[dot - name] = 0;
	sw->naxes++;
	list = xstrdup(value);
	if (!list)
		goto nomem;
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **nv, *t = trim(tok);
		if (!*t)
			continue;
		nv = realloc(ax->values, (ax->nvalues + 1) * sizeof *nv);
		if (!nv || !(nv[ax->nvalues] = xstrdup(t))) {
			if (nv)
				ax->values = nv;
			free(list);
			goto nomem;
		}
		ax->values = nv;
		ax->nvalues++;
	}
	free(list);
	if (ax->nvalues == 0)
		return perr(p, line, "[grid] '%s': no values (expected a comma-separated list)",
		            name);
	return 1;
nomem:
	p->rc = mps_err_set(p->err, MPS_ERR_NOMEM, "out of memory");
	return 0;
}

static int add_work(parse_t *p, const char *kind, const char *spec, int line)
{
	mps_sweep_t *sw = p->sw;
	mps_sweep_work_t *nw = realloc(sw->work, (sw->nwork + 1) * sizeof *nw);
	if (!nw) {
		p->rc = mps_err_set(p->err, MPS_ERR_NOMEM, "out of memory");
		return 0;
	}
	sw->work = nw;
	nw[sw->nwork].kind = xstrdup(kind);
	nw[sw->nwork].spec = xstrdup(spec);
	nw[sw->nwork].line = line;
	if (!nw[sw->nwork].kind || !nw[sw->nwork].spec) {
		free(nw[sw->nwork].kind);
		free(nw[sw->nwork].spec);
		p->rc = mps_err_set(p->err, MPS_ERR_NOMEM, "out of memory");
		return 0;
	}
	sw->nwork++;
	return 1;
}

static bool parse_gemm(const char *s)
{
	for (int i = 0; i < 3; i++) {
		char *end;
		unsigned long long v;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || end == s || v == 0 || v > 1000000)
			return false;
		s = end;
		if (i < 2) {
			if (*s != ',')
				return false;
			s++;
		}
	}
	return *s == 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	parse_t *p = user;
	mps_sweep_t *sw = p->sw;
	int line = p->line;

	if (p->rc)
		return 0;
	if (!*section) {
		if (strcmp(name, "version"))
			return perr(p, line, "unknown key '%s' before any section", name);
		if (strcmp(value, "1"))
			return perr(p, line, "version = %s: only version 1 is supported", value);
		p->have_version = true;
		return 1;
	}
	if (!strcmp(section, "grid"))
		return add_axis(p, name, value, line);
	if (strcmp(section, "sweep"))
		return perr(p, line, "unknown section [%s] (expected [sweep] and [grid])",
		            section);
	if (!strcmp(name, "base")) {
		const char *slash = strrchr(sw->path, '/');
		size_t n;
		if (sw->base)
			return perr(p, line, "[sweep] base given twice");
		n = strlen(sw->path) + strlen(value) + 2;
		if (!(sw->base = malloc(n))) {
			p->rc = mps_err_set(p->err, MPS_ERR_NOMEM, "out of memory");
			return 0;
		}
		if (value[0] == '/' || !slash)
			snprintf(sw->base, n, "%s", value);
		else
			snprintf(sw->base, n, "%.*s/%s", (int)(slash - sw->path), sw->path, value);
		return 1;
	}
	if (!strcmp(name, "workload")) {
		mps_wl_gemm_t g[MPS_WL_MAX_LAYERS];
		size_t n;
		mps_err_t e2;
		if (mps_wl_preset(value, g, &n, &e2))
			return perr(p, line, "[sweep] workload = %s: %s", value, e2.msg);
		return add_work(p, "workload", value, line);
	}
	if (!strcmp(name, "gemm")) {
		if (!parse_gemm(value))
			return perr(p, line, "[sweep] gemm = %s: expected M,K,N (positive integers "
			            "<= 1000000)", value);
		return add_work(p, "gemm", value, line);
	}
	if (!strcmp(name, "mode")) {
		if (strcmp(value, "fast") && strcmp(value, "cycle") && strcmp(value, "timing"))
			return perr(p, line, "[sweep] mode = %s: expected fast, cycle or timing", value);
		free(sw->mode);
		if (!(sw->mode = xstrdup(value))) {
			p->rc = mps_err_set(p->err, MPS_ERR_NOMEM, "out of memory");
			return 0;
		}
		return 1;
	}
	if (!strcmp(name, "seed")) {
		char *end;
		errno = 0;
		sw->seed = strtoull(value, &end, 0);
		if (errno || end == value || *end)
			return perr(p, line, "[sweep] seed = %s: expected a non-negative integer",
			            value);
		return 1;
	}
	return perr(p, line, "unknown key '%s' in [sweep] (expected base, workload, gemm, "
	            "mode, seed)", name);
}

/* ---- merged configs -------------------------------------------------------- */

typedef struct {
	char *section, *key, *value;
} kv_t;

typedef struct {
	kv_t *kv;
	size_t n;
	bool nomem;
} kvlist_t;

static int kv_push(kvlist_t *l, const char *s, const char *k, const char *v)
{
	kv_t *n = realloc(l->kv, (l->n + 1) * sizeof *n);
	if (!n) {
		l->nomem = true;
		return 0;
	}
	l->kv = n;
	n[l->n].section = xstrdup(s);
	n[l->n].key = xstrdup(k);
	n[l->n].value = xstrdup(v);
	l->n++;
	if (!n[l->n - 1].section || !n[l->n - 1].key || !n[l->n - 1].value) {
		l->nomem = true;
		return 0;
	}
	return 1;
}

static int kv_handler(void *user, const char *section, const char *name, const char *value)
{
	return kv_push(user, section, name, value);
}

static void kv_free(kvlist_t *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->kv[i].section);
		free(l->kv[i].key);
		free(l->kv[i].value);
	}
	free(l->kv);
	memset(l, 0, sizeof *l);
}

size_t mps_sweep_axis_index(const mps_sweep_t *sw, size_t ci, size_t a)
{
	size_t stride = 1;
	for (size_t j = sw->naxes; j-- > a + 1;)
		stride *= sw->axes[j].nvalues;
	return (ci / stride) % sw->axes[a].nvalues;
}

/* The base config with axis a set to its value vi[a] (vi[a] == SIZE_MAX:
 * the base's own value). */
static int build_text(const mps_sweep_t *sw, const size_t *vi, const char *header,
                      char **text, mps_err_t *err)
{
	kvlist_t l = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc;
	bool *used;

	*text = NULL;
	rc = ini_parse(sw->base, kv_handler, &l);
	if (rc || l.nomem) {
		kv_free(&l);
		if (rc < 0)
			return mps_err_set(err, MPS_ERR_IO, "%s: cannot open base config (named in %s)",
			                   sw->base, sw->path);
		if (rc > 0)
			return mps_err_set(err, MPS_ERR_PARSE, "%s:%d: malformed line", sw->base, rc);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	used = calloc(sw->naxes + 1, sizeof *used);
	for (size_t a = 0; used && a < sw->naxes; a++)
		used[a] = vi[a] == SIZE_MAX;
	f = open_memstream(&buf, &len);
	if (!used || !f) {
		free(used);
		if (f)
			fclose(f);
		free(buf);
		kv_free(&l);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	fprintf(f, "# %s\n", header);
	/* the base's entries in order, overridden values replaced; a section's
	 * missing overrides go at the end of the section */
	for (size_t i = 0; i <= l.n; i++) {
		bool sec_end = i == l.n || (i > 0 && strcmp(l.kv[i].section, l.kv[i - 1].section));
		if (sec_end && i > 0) {
			for (size_t a = 0; a < sw->naxes; a++)
				if (!used[a] && !strcmp(sw->axes[a].section, l.kv[i - 1].section)) {
					fprintf(f, "%s = %s\n", sw->axes[a].key, sw->axes[a].values[vi[a]]);
					used[a] = true;
				}
		}
		if (i == l.n)
			break;
		if (i == 0 || strcmp(l.kv[i].section, l.kv[i - 1].section))
			if (*l.kv[i].section)
				fprintf(f, "[%s]\n", l.kv[i].section);
		{
			const char *v = l.kv[i].value;
			for (size_t a = 0; a < sw->naxes; a++)
				if (vi[a] != SIZE_MAX && !strcmp(sw->axes[a].section, l.kv[i].section) &&
				    !strcmp(sw->axes[a].key, l.kv[i].key)) {
					v = sw->axes[a].values[vi[a]];
					used[a] = true;
				}
			fprintf(f, "%s = %s\n", l.kv[i].key, v);
		}
	}
	/* overrides of sections the base does not have */
	for (size_t a = 0; a < sw->naxes; a++) {
		if (used[a])
			continue;
		fprintf(f, "[%s]\n", sw->axes[a].section);
		for (size_t b = a; b < sw->naxes; b++)
			if (!used[b] && !strcmp(sw->axes[b].section, sw->axes[a].section)) {
				fprintf(f, "%s = %s\n", sw->axes[b].key, sw->axes[b].values[vi[b]]);
				used[b] = true;
			}
	}
	rc = fclose(f);
	free(used);
	kv_free(&l);
	if (rc || !buf) {
		free(buf);
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	}
	*text = buf;
	return MPS_OK;
}

int mps_sweep_config_text(const mps_sweep_t *sw, size_t ci, char **text, mps_err_t *err)
{
	size_t *vi = calloc(sw->naxes + 1, sizeof *vi);
	char header[1200];
	int rc;

	if (!vi)
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	for (size_t a = 0; a < sw->naxes; a++)
		vi[a] = mps_sweep_axis_index(sw, ci, a);
	snprintf(header, sizeof header, "%s: config point %zu of %s", sw->path, ci, sw->base);
	rc = build_text(sw, vi, header, text, err);
	free(vi);
	return rc;
}

/* Load text as a config; on error, replace the generated file's "NAME:LINE: "
 * prefix by prefix. */
static int check_text(const char *text, const char *prefix, mps_err_t *err)
{
	mps_cfg_t cfg;
	int rc = mps_cfg_load_string(text, "@", &cfg, err);
	if (rc) {
		char msg[sizeof err->msg];
		const char *m = err->msg;
		if (m[0] == '@') {
			m += 1 + strspn(m + 1, ":0123456789");
			m += strspn(m, " ");
		}
		snprintf(msg, sizeof msg, "%s", m);
		mps_err_set(err, rc, "%s: %s", prefix, msg);
	}
	return rc;
}

static void point_desc(const mps_sweep_t *sw, size_t ci, char *out, size_t n)
{
	size_t o = 0;
	out[0] = 0;
	for (size_t a = 0; a < sw->naxes && o < n; a++)
		o += (size_t)snprintf(out + o, n - o, "%s%s.%s=%s", a ? ", " : "",
		                      sw->axes[a].section, sw->axes[a].key,
		                      sw->axes[a].values[mps_sweep_axis_index(sw, ci, a)]);
}

void mps_sweep_free(mps_sweep_t *sw)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		for (size_t v = 0; v < sw->axes[a].nvalues; v++)
			free(sw->axes[a].values[v]);
		free(sw->axes[a].values);
		free(sw->axes[a].section);
		free(sw->axes[a].key);
	}
	for (size_t w = 0; w < sw->nwork; w++) {
		free(sw->work[w].kind);
		free(sw->work[w].spec);
	}
	free(sw->axes);
	free(sw->work);
	free(sw->path);
	free(sw->base);
	free(sw->mode);
	memset(sw, 0, sizeof *sw);
}

int mps_sweep_load(const char *path, mps_sweep_t *sw, mps_err_t *err)
{
	parse_t p = { sw, err, 0, 0, false, NULL };
	int rc;

	memset(sw, 0, sizeof *sw);
	sw->seed = 1;
	if (!(sw->path = xstrdup(path)) || !(sw->mode = xstrdup("fast")))
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	if (!(p.f = fopen(path, "r"))) {
		p.rc = mps_err_set(err, MPS_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	rc = ini_parse_stream(read_line, &p, handler, &p);
	fclose(p.f);
	if (p.rc)
		goto fail;
	if (rc > 0) {
		p.rc = mps_err_set(err, MPS_ERR_PARSE, "%s:%d: malformed line", path, rc);
		goto fail;
	}
	if (!p.have_version) {
		p.rc = mps_err_set(err, MPS_ERR_PARSE, "%s: missing 'version = 1'", path);
		goto fail;
	}
	if (!sw->base) {
		p.rc = mps_err_set(err, MPS_ERR_PARSE, "%s: [sweep] base (the base config) is "
		                   "required", path);
		goto fail;
	}
	if (!sw->nwork) {
		p.rc = mps_err_set(err, MPS_ERR_PARSE, "%s: [sweep] needs at least one "
		                   "'workload = PRESET' or 'gemm = M,K,N'", path);
		goto fail;
	}
	sw->nconfigs = 1;
	for (size_t a = 0; a < sw->naxes; a++) {
		sw->nconfigs *= sw->axes[a].nvalues;
		if (sw->nconfigs * sw->nwork > MPS_SWEEP_MAX_POINTS) {
			p.rc = mps_err_set(err, MPS_ERR_RANGE, "%s:%d: more than %u points", path,
			                   sw->axes[a].line, MPS_SWEEP_MAX_POINTS);
			goto fail;
		}
	}
	/* every value of every axis alone (errors name the grid line), then every
	 * config point (values that are valid alone may clash) */
	{
		size_t *vi = malloc((sw->naxes + 1) * sizeof *vi);
		if (!vi) {
			p.rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
			goto fail;
		}
		for (size_t a = 0; a < sw->naxes && !p.rc; a++)
			for (size_t v = 0; v < sw->axes[a].nvalues && !p.rc; v++) {
				char *text, prefix[600];
				for (size_t b = 0; b < sw->naxes; b++)
					vi[b] = b == a ? v : SIZE_MAX;
				snprintf(prefix, sizeof prefix, "%s:%d: [grid] %s.%s = %s (base %s)", path,
				         sw->axes[a].line, sw->axes[a].section, sw->axes[a].key,
				         sw->axes[a].values[v], sw->base);
				if (!(p.rc = build_text(sw, vi, prefix, &text, err))) {
					p.rc = check_text(text, prefix, err);
					free(text);
				}
			}
		free(vi);
		if (p.rc)
			goto fail;
	}
	for (size_t ci = 0; ci < sw->nconfigs; ci++) {
		char *text, desc[512], prefix[700];
		if ((p.rc = mps_sweep_config_text(sw, ci, &text, err)))
			goto fail;
		point_desc(sw, ci, desc, sizeof desc);
		snprintf(prefix, sizeof prefix, "%s: config point %zu (%s; base %s)", path, ci,
		         sw->naxes ? desc : "no grid", sw->base);
		p.rc = check_text(text, prefix, err);
		free(text);
		if (p.rc)
			goto fail;
	}
	return MPS_OK;
fail:
	mps_sweep_free(sw);
	return p.rc;
}

/* ---- plan ------------------------------------------------------------------ */

void mps_sweep_point_path(char *out, size_t n, const char *dir, size_t p, const char *ext)
{
	snprintf(out, n, "%s/points/%05zu.%s", dir, p, ext);
}

static int write_file(const char *path, const char *text, mps_err_t *err)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	if (fputs(text, f) == EOF) {
		fclose(f);
		return mps_err_set(err, MPS_ERR_IO, "%s: write failed", path);
	}
	if (fclose(f))
		return mps_err_set(err, MPS_ERR_IO, "%s: write failed", path);
	return MPS_OK;
}

int mps_sweep_plan(const mps_sweep_t *sw, const char *dir, mps_err_t *err)
{
	char path[1200], cpath[1200];
	cJSON *man = NULL, *axes, *points;
	char *js;
	int rc = MPS_OK;

	snprintf(path, sizeof path, "%s/points", dir);
	if (mps_fs_mkdirs(path))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	snprintf(path, sizeof path, "%s/slurm", dir);
	if (mps_fs_mkdirs(path))
		return mps_err_set(err, MPS_ERR_IO, "%s: %s", path, strerror(errno));
	for (size_t ci = 0; ci < sw->nconfigs; ci++) {
		char *text;
		snprintf(cpath, sizeof cpath, "%s/points/config%05zu.ini", dir, ci);
		if ((rc = mps_sweep_config_text(sw, ci, &text, err)))
			return rc;
		rc = write_file(cpath, text, err);
		free(text);
		if (rc)
			return rc;
	}
	if (!(man = cJSON_CreateObject()))
		return mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
	cJSON_AddStringToObject(man, "sweep", sw->path);
	cJSON_AddStringToObject(man, "base", sw->base);
	cJSON_AddStringToObject(man, "mode", sw->mode);
	cJSON_AddNumberToObject(man, "seed", (double)sw->seed);
	axes = cJSON_AddArrayToObject(man, "axes");
	for (size_t a = 0; a < sw->naxes; a++) {
		char full[256];
		snprintf(full, sizeof full, "%s.%s", sw->axes[a].section, sw->axes[a].key);
		cJSON_AddItemToArray(axes, cJSON_CreateString(full));
	}
	points = cJSON_AddArrayToObject(man, "points");
	for (size_t p = 0; p < mps_sweep_npoints(sw); p++) {
		size_t ci = p / sw->nwork, wi = p % sw->nwork;
		const mps_sweep_work_t *w = &sw->work[wi];
		cJSON *o = cJSON_CreateObject(), *vals;
		char seed[32], text[2600];
		if (!o) {
			rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
			goto out;
		}
		cJSON_AddItemToArray(points, o);
		cJSON_AddNumberToObject(o, "config", (double)ci);
		cJSON_AddStringToObject(o, "workload", w->spec);
		vals = cJSON_AddArrayToObject(o, "values");
		for (size_t a = 0; a < sw->naxes; a++)
			cJSON_AddItemToArray(vals, cJSON_CreateString(
				sw->axes[a].values[mps_sweep_axis_index(sw, ci, a)]));
		snprintf(cpath, sizeof cpath, "%s/points/config%05zu.ini", dir, ci);
		snprintf(seed, sizeof seed, "%llu", (unsigned long long)sw->seed);
		if (!strcmp(sw->mode, "timing"))
			snprintf(text, sizeof text, "%s\n--%s\n%s\n--timing-only\n--json\n", cpath,
			         w->kind, w->spec);
		else
			snprintf(text, sizeof text, "%s\n--%s\n%s\n--mode\n%s\n--seed\n%s\n--json\n",
			         cpath, w->kind, w->spec, sw->mode, seed);
		mps_sweep_point_path(path, sizeof path, dir, p, "args");
		if ((rc = write_file(path, text, err)))
			goto out;
		/* results of an earlier sweep into the same directory are stale */
		mps_sweep_point_path(path, sizeof path, dir, p, "json");
		remove(path);
	}
	if (!(js = cJSON_Print(man))) {
		rc = mps_err_set(err, MPS_ERR_NOMEM, "out of memory");
		goto out;
	}
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	rc = write_file(path, js, err);
	free(js);
out:
	cJSON_Delete(man);
	return rc;
}

static char *read_all(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

int mps_sweep_point_args(const char *dir, size_t p, char **argv, size_t max, char **buf,
                         mps_err_t *err)
{
	char path[1200], *s;
	size_t n = 0;

	mps_sweep_point_path(path, sizeof path, dir, p, "args");
	if (!(*buf = read_all(path, 8192)))
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot read (is %s a planned sweep "
		                   "directory and %zu a point of it?)", path, dir, p);
	for (s = strtok(*buf, "\n"); s && n + 1 < max; s = strtok(NULL, "\n"))
		argv[n++] = s;
	argv[n] = NULL;
	if (n < 2)
		return mps_err_set(err, MPS_ERR_PARSE, "%s: malformed", path);
	return MPS_OK;
}

/* ---- merge ----------------------------------------------------------------- */

static void csv_str(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s == '\n' ? ' ' : *s, f);
	}
	fputc('"', f);
}

static double num(const cJSON *o, const char *k, bool *ok)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	if (!cJSON_IsNumber(v)) {
		*ok = false;
		return 0;
	}
	return v->valuedouble;
}

int mps_sweep_merge(const char *dir, FILE *f, mps_sweep_summary_t *sum, mps_err_t *err)
{
	char path[1200], *text;
	cJSON *man, *axes, *points, *pt;
	size_t p = 0;

	memset(sum, 0, sizeof *sum);
	sum->first_failed = -1;
	snprintf(path, sizeof path, "%s/sweep.json", dir);
	if (!(text = read_all(path, 64u << 20)))
		return mps_err_set(err, MPS_ERR_IO, "%s: cannot read (not a sweep directory?)", path);
	man = cJSON_Parse(text);
	free(text);
	axes = cJSON_GetObjectItemCaseSensitive(man, "axes");
	points = cJSON_GetObjectItemCaseSensitive(man, "points");
	if (!cJSON_IsArray(axes) || !cJSON_IsArray(points)) {
		cJSON_Delete(man);
		return mps_err_set(err, MPS_ERR_PARSE, "%s: not a sweep manifest", path);
	}
	fputs("point,workload", f);
	cJSON_ArrayForEach(pt, axes) {
		fputc(',', f);
		csv_str(f, cJSON_IsString(pt) ? pt->valuestring : "?");
	}
	fputs(",status,cycles,compute_cycles,stall_cycles,macs,utilization,time_us,tops,"
	      "energy_pj,tops_per_w,error\n", f);
	cJSON_ArrayForEach(pt, points) {
		const cJSON *wl = cJSON_GetObjectItemCaseSensitive(pt, "workload");
		const cJSON *vals = cJSON_GetObjectItemCaseSensitive(pt, "values"), *v;
		cJSON *res = NULL;
		const cJSON *st = NULL, *en;
		char emsg[256] = "";
		bool ok = true;

		fprintf(f, "%zu,", p);
		csv_str(f, cJSON_IsString(wl) ? wl->valuestring : "?");
		cJSON_ArrayForEach(v, vals) {
			fputc(',', f);
			csv_str(f, cJSON_IsString(v) ? v->valuestring : "?");
		}
		mps_sweep_point_path(path, sizeof path, dir, p, "json");
		if ((text = read_all(path, 64u << 20))) {
			res = cJSON_Parse(text);
			free(text);
			st = cJSON_GetObjectItemCaseSensitive(res, "total");
			if (!st)
				st = cJSON_GetObjectItemCaseSensitive(res, "stats");
		}
		if (!cJSON_IsObject(st)) {
			char *e;
			mps_sweep_point_path(path, sizeof path, dir, p, "err");
			e = read_all(path, sizeof emsg - 1);
			if (e && *e) {
				snprintf(emsg, sizeof emsg, "%s", e);
				emsg[strcspn(emsg, "\n")] = 0;
			} else {
				snprintf(emsg, sizeof emsg, "no result (point not run, or killed)");
			}
			free(e);
			ok = false;
		}
		if (ok) {
			double cyc = num(st, "cycles", &ok), cc = num(st, "compute_cycles", &ok);
			double sc = num(st, "stall_cycles", &ok), macs = num(st, "macs", &ok);
			double ut = num(st, "utilization", &ok), us = num(st, "time_us", &ok);
			if (!ok) {
				snprintf(emsg, sizeof emsg, "result JSON lacks a field");
			} else {
				fprintf(f, ",ok,%.0f,%.0f,%.0f,%.0f,%.6f,%.6g,%.6g", cyc, cc, sc, macs, ut,
				        us, us > 0 ? 2 * macs / (us * 1e6) : 0.0);
				en = cJSON_GetObjectItemCaseSensitive(st, "energy_pj");
				if (cJSON_IsObject(en) && cJSON_IsNumber(cJSON_GetObjectItem(en, "total"))) {
					double pj = cJSON_GetObjectItem(en, "total")->valuedouble;
					/* TOPS/W = ops per pJ */
					fprintf(f, ",%.6g,%.6g,\n", pj, pj > 0 ? 2 * macs / pj : 0.0);
				} else {
					fputs(",,,\n", f); /* absent, never zero */
				}
			}
		}
		if (!ok) {
			fputs(",failed,,,,,,,,,,", f);
			csv_str(f, emsg);
			fputc('\n', f);
			sum->failed++;
			if (sum->first_failed < 0) {
				sum->first_failed = (long)p;
				snprintf(sum->first_error, sizeof sum->first_error, "%s", emsg);
			}
		} else {
			sum->ok++;
		}
		cJSON_Delete(res);
		p++;
	}
	sum->points = p;
	cJSON_Delete(man);
	if (fflush(f) || ferror(f))
		return mps_err_set(err, MPS_ERR_IO, "write failed");
	return MPS_OK;
}
