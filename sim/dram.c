/* sim/dram.c - the DRAM channel and the stall rule (docs/timing.md 5.4, 5.5).
 *
 * Requests are served one at a time in the order they become ready (ties:
 * earlier deadline first, then creation order).  A request that starts at
 * real cycle s is done at s + latency + ceil(bytes / bw); compute-timeline
 * cycle `deadline` may not run before that.  Real time is compute-timeline
 * time plus the stall cycles inserted so far.
 */
#include <stdlib.h>
#include <string.h>

#include "ctrl.h"

int mps_dram_push(mps_dram_list_t *l, int64_t ready_after, uint64_t deadline,
                  uint64_t bytes)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		mps_dram_req_t *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return MPS_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n] = (mps_dram_req_t){ ready_after, deadline, bytes, (uint64_t)l->n };
	l->n++;
	return MPS_OK;
}

void mps_dram_list_free(mps_dram_list_t *l)
{
	if (!l)
		return;
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* 5.4: FIFO order = ready time, then deadline, then creation order.
 * ready_after is compute-timeline time; real time is monotone in it, so the
 * order is the same in both. */
static int req_cmp(const void *pa, const void *pb)
{
	const mps_dram_req_t *a = pa, *b = pb;
	if (a->ready_after != b->ready_after)
		return a->ready_after < b->ready_after ? -1 : 1;
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Pending (deadline, done) pairs: a binary min-heap on deadline. */
typedef struct {
	uint64_t deadline, done;
} pend_t;

static void heap_push(pend_t *h, size_t *n, pend_t x)
{
	size_t i = (*n)++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (h[up].deadline <= x.deadline)
			break;
		h[i] = h[up];
		i = up;
	}
	h[i] = x;
}

static pend_t heap_pop(pend_t *h, size_t *n)
{
	pend_t top = h[0], x = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].deadline < h[c].deadline)
			c++;
		if (x.deadline <= h[c].deadline)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = x;
	return top;
}

/* The stall schedule being built: entries in increasing `at`. */
typedef struct {
	mps_ctrl_stall_t *v;
	size_t n, cap;
	uint64_t total; /* stalls inserted so far, all at positions <= the last settled */
} sched_t;

static int sched_add(sched_t *s, uint64_t at, uint64_t n)
{
	if (s->n > 0 && s->v[s->n - 1].at == at) {
		s->v[s->n - 1].n += n;
	} else {
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 64;
			mps_ctrl_stall_t *v = realloc(s->v, cap * sizeof *v);
			if (!v)
				return MPS_ERR_NOMEM;
			s->v = v;
			s->cap = cap;
		}
		s->v[s->n++] = (mps_ctrl_stall_t){ at, n };
	}
	s->total += n;
	return MPS_OK;
}

/* 5.5: settle one deadline.  Cycle y runs at real time y + total (total holds
 * every stall at positions <= y so far); if the data is done later, the
 * difference is inserted before y. */
static int settle(sched_t *s, pend_t x)
{
	uint64_t real_y = x.deadline + s->total;
	if (x.done > real_y)
		return sched_add(s, x.deadline, x.done - real_y);
	return MPS_OK;
}

int mps_dram_serve(mps_dram_list_t *l, uint64_t bw, uint64_t latency,
                   mps_ctrl_plan_t *p, mps_err_t *err)
{
	sched_t s = { 0 };
	pend_t *heap = NULL;
	size_t nheap = 0;
	uint64_t chan_free = 0, busy = 0;
	int rc = MPS_OK;

	if (l->n > 0) {
		heap = malloc(l->n * sizeof *heap);
		if (!heap)
			return mps_err_set(err, MPS_ERR_NOMEM, "ctrl: out of memory");
	}
	qsort(l->v, l->n, sizeof *l->v, req_cmp);
	for (size_t i = 0; i < l->n; i++) {
		const mps_dram_req_t *r = &l->v[i];
		uint64_t ready, start, service;

		/* every deadline <= ready_after belongs to a request served
		 * earlier, so the real time of ready_after is final now */
		while (nheap > 0 && r->ready_after >= 0 &&
		       heap[0].deadline <= (uint64_t)r->ready_after) {
			rc = settle(&s, heap_pop(heap, &nheap));
			if (rc)
				goto fail;
		}
		/* ready: the real cycle after ready_after ran (0 for -1) */
		ready = r->ready_after < 0 ? 0 : (uint64_t)r->ready_after + s.total + 1;
		start = chan_free > ready ? chan_free : ready;
		service = latency + (r->bytes + bw - 1) / bw;
		chan_free = start + service;
		busy += service;
		heap_push(heap, &nheap, (pend_t){ r->deadline, chan_free });
	}
	while (nheap > 0) {
		rc = settle(&s, heap_pop(heap, &nheap));
		if (rc)
			goto fail;
	}
	free(heap);
	p->stalls = s.v;
	p->nstalls = s.n;
	p->stall_cycles = s.total;
	p->fill_stalls = (s.n > 0 && s.v[0].at == 0) ? s.v[0].n : 0;
	p->drain_stalls = (s.n > 0 && s.v[s.n - 1].at == p->timeline) ? s.v[s.n - 1].n : 0;
	p->dram_busy = busy;
	p->dram_reqs = l->n;
	return MPS_OK;
fail:
	free(heap);
	free(s.v);
	return mps_err_set(err, rc, "ctrl: out of memory");
}
