/* sim/buf.c - the double-buffered IBUF/WBUF/OBUF: which load units exist,
 * how big they are, when their buffer half is free and when the array first
 * needs them (docs/timing.md 5.2, 5.3).  Output write-backs are requests too.
 * The resulting request list goes to dram.c.
 */
#include <string.h>

#include "ctrl.h"

static uint64_t cdiv(uint64_t a, uint64_t b)
{
	return (a + b - 1) / b;
}

/* One operand's storage: per line (A: token, W: output channel) and per
 * K-range.  5.2. */
typedef struct {
	uint64_t elem_bits;  /* bits per code */
	uint64_t block;      /* scale block along K, 0 = whole K */
	uint64_t blk_bits;   /* scale (+ zero) bits per touched block */
	uint64_t post_bits;  /* post-scale bits per line, carried by a tile's first unit */
} side_t;

/* Blocks of size b touched by the K-range [ka, kb). */
static uint64_t touched(uint64_t ka, uint64_t kb, uint64_t b)
{
	if (b == 0)
		return 1;
	return cdiv(kb, b) - ka / b;
}

/* 5.2: bits of `lines` lines over [ka, kb); `first` adds the post scales. */
static uint64_t range_bits(const side_t *s, uint64_t lines, uint64_t ka, uint64_t kb, bool first)
{
	return lines * ((kb - ka) * s->elem_bits + touched(ka, kb, s->block) * s->blk_bits +
	                (first ? s->post_bits : 0));
}

/* Every chunk [j kc, min((j+1) kc, K)) of a tile fits in half_bits. */
static bool chunks_fit(const side_t *s, uint64_t lines, uint64_t K, uint64_t kc, uint64_t half_bits)
{
	for (uint64_t ka = 0; ka < K; ka += kc) {
		uint64_t kb = ka + kc < K ? ka + kc : K;
		if (range_bits(s, lines, ka, kb, ka == 0) > half_bits)
			return false;
	}
	return true;
}

/* 5.3 K-chunking: K itself if the tile fits in half_bits; else the fewest
 * chunks that fit, of equal length in groups (the last may be shorter): with
 * q the most groups whose first chunk fits, n = ceil(groups / q) chunks of
 * ceil(groups / n) groups.  If some chunk of that length does not fit (a
 * chunk touching one more scale block), the largest q that does.  Returns 0
 * if not even one group fits. */
static uint64_t k_chunk(const side_t *s, uint64_t lines, uint64_t K, uint64_t G, uint64_t half_bits)
{
	uint64_t lo = 0, hi;

	if (range_bits(s, lines, 0, K, true) <= half_bits)
		return K;
	/* largest number of groups q whose first chunk fits (first chunk
	 * carries the post scales, the others may touch one more block) */
	hi = cdiv(K, G);
	while (lo < hi) {
		uint64_t q = lo + (hi - lo + 1) / 2;
		uint64_t kb = q * G < K ? q * G : K;
		if (range_bits(s, lines, 0, kb, true) <= half_bits)
			lo = q;
		else
			hi = q - 1;
	}
	/* the fewest chunks of lo groups, then balanced: equal length in groups */
	if (lo > 0) {
		uint64_t ng = cdiv(K, G), nch = cdiv(ng, lo), even = cdiv(ng, nch);
		if (chunks_fit(s, lines, K, even * G, half_bits))
			return even * G;
	}
	for (; lo > 0; lo--)
		if (chunks_fit(s, lines, K, lo * G, half_bits))
			return lo * G;
	return 0;
}

/* A sequence of load units into the two halves of one buffer (5.3). */
typedef struct {
	uint64_t i;        /* units emitted */
	uint64_t last[2];  /* last-use cycle of the unit now in each half */
	bool resident;     /* the whole operand fits in one half: never freed */
	uint64_t bytes;    /* sum of unit bytes (DRAM reads, buffer writes) */
} seq_t;

/* Emit one unit: needed from cycle `first`, read last in cycle `last`.
 * Unit i goes to half i % 2 and may load once the unit before it in that
 * half (unit i - 2) was last read; units 0 and 1, and every unit of a
 * resident operand, may load from time 0. */
static int emit(seq_t *q, mps_dram_list_t *l, uint64_t first, uint64_t last, uint64_t bytes)
{
	int64_t ready = (q->resident || q->i < 2) ? -1 : (int64_t)q->last[q->i % 2];
	q->last[q->i % 2] = last;
	q->i++;
	q->bytes += bytes;
	return mps_dram_push(l, ready, first, bytes);
}

static uint64_t fold_start(const mps_ctrl_plan_t *p, uint64_t f)
{
	return mps_ctrl_fold_start(p, f);
}

/* ---- output-stationary (5.3 os) ---------------------------------------- */

/* The units of one os operand tile of `lines` lines streamed along K in
 * fold starting at t0: one unit if the tile fits in a half, else K-chunks.
 * Returns the tile's bytes as streamed by the array (sum of its units). */
static int os_tile(const mps_ctrl_plan_t *p, seq_t *q, mps_dram_list_t *l,
                   const side_t *s, uint64_t lines, uint64_t K, uint64_t kc, uint64_t t0,
                   uint64_t *streamed)
{
	uint64_t sum = 0;
	for (uint64_t ka = 0; ka < K; ka += kc) {
		uint64_t kb = ka + kc < K ? ka + kc : K;
		uint64_t b = cdiv(range_bits(s, lines, ka, kb, ka == 0), 8);
		/* the steps that feed k = ka .. kb-1 (k itself at interval 1) */
		int rc = emit(q, l, t0 + mps_ctrl_os_pos(p, ka), t0 + mps_ctrl_os_pos(p, kb - 1), b);
		if (rc)
			return rc;
		sum += b;
	}
	*streamed = sum;
	return MPS_OK;
}

static int os_requests(mps_ctrl_plan_t *p, mps_dram_list_t *l, const side_t *sa,
                       const side_t *sw, mps_err_t *err)
{
	const mps_ctrl_hw_t *hw = &p->hw;
	const mps_ctrl_shape_t *sh = &p->shape;
	uint64_t R = hw->rows, C = hw->cols, K = sh->k, L = p->fold_len;
	uint64_t ihalf = hw->ibuf_bytes / 2 * 8, whalf = hw->wbuf_bytes / 2 * 8;
	uint64_t ohalf = hw->obuf_bytes / 2;
	uint64_t atot = 0, wtot = 0, dq = hw->dq_latency;
	seq_t qa = { 0 }, qw = { 0 };
	int rc;

	/* residency: the operand's whole tiles, summed, fit in one half */
	for (uint64_t mf = 0; mf < p->fm; mf++) {
		uint64_t rows = sh->m - mf * R < R ? sh->m - mf * R : R;
		atot += cdiv(range_bits(sa, rows, 0, K, true), 8);
	}
	for (uint64_t nf = 0; nf < p->fn; nf++) {
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		wtot += cdiv(range_bits(sw, cols, 0, K, true), 8);
	}
	qa.resident = p->a_resident = atot * 8 <= ihalf;
	qw.resident = p->w_resident = wtot * 8 <= whalf;

	/* A: for mf { for nf }: a tile that fits is loaded once per mf and
	 * kept over the n-folds; a chunked tile is reloaded for every fold */
	for (uint64_t mf = 0; mf < p->fm; mf++) {
		uint64_t rows = sh->m - mf * R < R ? sh->m - mf * R : R;
		uint64_t kc = k_chunk(sa, rows, K, sh->group, ihalf), streamed;
		if (kc == 0)
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "ctrl: one group of an A tile (%llu bits) exceeds half the IBUF (%llu B)",
			                   (unsigned long long)range_bits(sa, rows, 0, sh->group < K ? sh->group : K, true),
			                   (unsigned long long)(ihalf / 8));
		if (mf == 0)
			p->a_chunk = kc;
		if (kc == K) {
			uint64_t f0 = mf * p->fn, f1 = f0 + p->fn - 1;
			uint64_t b = cdiv(range_bits(sa, rows, 0, K, true), 8);
			rc = emit(&qa, l, fold_start(p, f0) + mps_ctrl_os_pos(p, 0),
			          fold_start(p, f1) + mps_ctrl_os_pos(p, K - 1), b);
			if (rc)
				goto nomem;
			p->ibuf_rd += b * p->fn;
		} else {
			for (uint64_t nf = 0; nf < p->fn; nf++) {
				rc = os_tile(p, &qa, l, sa, rows, K, kc, fold_start(p, mf * p->fn + nf), &streamed);
				if (rc)
					goto nomem;
				p->ibuf_rd += streamed;
			}
		}
	}
	/* W: one tile per fold; a resident W is loaded in the first m-pass only */
	for (uint64_t f = 0; f < p->nfolds; f++) {
		uint64_t mf = f / p->fn, nf = f % p->fn;
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		uint64_t kc = k_chunk(sw, cols, K, sh->group, whalf), streamed = 0;
		if (kc == 0)
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "ctrl: one group of a W tile (%llu bits) exceeds half the WBUF (%llu B)",
			                   (unsigned long long)range_bits(sw, cols, 0, sh->group < K ? sh->group : K, true),
			                   (unsigned long long)(whalf / 8));
		if (f == 0)
			p->w_chunk = kc;
		if (qw.resident && mf > 0) {
			/* already on chip: the array reads it again */
			streamed = cdiv(range_bits(sw, cols, 0, K, true), 8);
		} else {
			rc = os_tile(p, &qw, l, sw, cols, K, kc, fold_start(p, f), &streamed);
			if (rc)
				goto nomem;
		}
		p->wbuf_rd += streamed;
	}
	/* outputs: fold f's R' x C' results fill OBUF half f % 2 from its
	 * first output (E_f + 1 + Dq) and are written back after its last
	 * (E_f + R + Dq); fold f+2 needs the half at E_{f+2} + 1 + Dq */
	for (uint64_t f = 0; f < p->nfolds; f++) {
		uint64_t mf = f / p->fn, nf = f % p->fn;
		uint64_t rows = sh->m - mf * R < R ? sh->m - mf * R : R;
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		uint64_t b = cdiv(rows * cols * sh->out_bits, 8);
		uint64_t e = fold_start(p, f) + L - 1;
		uint64_t dl = f + 2 < p->nfolds ? fold_start(p, f + 2) + L - 1 + 1 + dq : p->timeline;
		if (b > ohalf)
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "ctrl: one fold's outputs (%llu B) exceed half the OBUF (%llu B)",
			                   (unsigned long long)b, (unsigned long long)ohalf);
		rc = mps_dram_push(l, (int64_t)(e + R + dq), dl, b);
		if (rc)
			goto nomem;
		p->obuf_wr += b;
		p->obuf_rd += b;
		p->dram_wr += b;
	}
	p->dram_rd_a = p->ibuf_wr = qa.bytes;
	p->dram_rd_w = p->wbuf_wr = qw.bytes;
	return MPS_OK;
nomem:
	return mps_err_set(err, MPS_ERR_NOMEM, "ctrl: out of memory");
}

/* ---- weight-stationary (5.3 ws) ---------------------------------------- */

static int ws_requests(mps_ctrl_plan_t *p, mps_dram_list_t *l, const side_t *sa,
                       const side_t *sw, mps_err_t *err)
{
	const mps_ctrl_hw_t *hw = &p->hw;
	const mps_ctrl_shape_t *sh = &p->shape;
	uint64_t R = hw->rows, C = hw->cols, K = sh->k, M = sh->m;
	uint64_t ihalf = hw->ibuf_bytes / 2 * 8, whalf = hw->wbuf_bytes / 2 * 8;
	uint64_t ohalf = hw->obuf_bytes / 2;
	uint64_t atot = 0, wtot = 0, dq = hw->dq_latency;
	seq_t qa = { 0 }, qw = { 0 };
	int rc;

	/* residency (A tiles are per k-fold, W tiles per fold) */
	for (uint64_t kf = 0; kf < p->fk; kf++) {
		uint64_t k0 = kf * R, kb = K - k0 < R ? K : k0 + R;
		atot += cdiv(range_bits(sa, M, k0, kb, true), 8);
	}
	for (uint64_t f = 0; f < p->nfolds; f++) {
		uint64_t nf = f / p->fk, kf = f % p->fk;
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		uint64_t k0 = kf * R, kb = K - k0 < R ? K : k0 + R;
		uint64_t b = cdiv(range_bits(sw, cols, k0, kb, true), 8);
		if (b * 8 > whalf)
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "ctrl: a ws weight tile (%llu B) exceeds half the WBUF (%llu B)",
			                   (unsigned long long)b, (unsigned long long)(whalf / 8));
		wtot += b;
	}
	qa.resident = p->a_resident = atot * 8 <= ihalf;
	qw.resident = p->w_resident = wtot * 8 <= whalf;
	p->w_chunk = R;
	p->a_chunk = M;

	for (uint64_t f = 0; f < p->nfolds; f++) {
		uint64_t nf = f / p->fk, kf = f % p->fk, t0 = fold_start(p, f);
		mps_ctrl_fold_t fd;
		mps_ctrl_fold(p, f, &fd);
		/* token m enters at step R + lead + m stride (timing.md 3.4) */
		uint64_t tk = t0 + R + fd.lead, st = fd.stride;
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		uint64_t k0 = kf * R, kb = K - k0 < R ? K : k0 + R;
		uint64_t tok_bits = range_bits(sa, 1, k0, kb, true);
		uint64_t wb = cdiv(range_bits(sw, cols, k0, kb, true), 8);
		uint64_t ab = cdiv(M * tok_bits, 8);

		/* W: the fold's R x C' tile, read in load steps 0 .. R-1 */
		rc = emit(&qw, l, t0, t0 + R - 1, wb);
		if (rc)
			goto nomem;
		p->wbuf_rd += wb;

		/* A: tokens stream in steps R .. R+M-1; split along M when the
		 * tile exceeds a half; a resident A is loaded in the first n-pass */
		if (qa.resident && nf > 0) {
			p->ibuf_rd += ab;
			continue;
		}
		if (ab * 8 <= ihalf) {
			rc = emit(&qa, l, tk, tk + (M - 1) * st, ab);
			if (rc)
				goto nomem;
			p->ibuf_rd += ab;
		} else {
			uint64_t mc = ihalf / tok_bits;
			if (mc == 0)
				return mps_err_set(err, MPS_ERR_RANGE,
				                   "ctrl: one token of a ws A tile (%llu bits) exceeds half the IBUF (%llu B)",
				                   (unsigned long long)tok_bits, (unsigned long long)(ihalf / 8));
			if (f == 0)
				p->a_chunk = mc;
			for (uint64_t ma = 0; ma < M; ma += mc) {
				uint64_t mb = ma + mc < M ? ma + mc : M;
				uint64_t b = cdiv((mb - ma) * tok_bits, 8);
				rc = emit(&qa, l, tk + ma * st, tk + (mb - 1) * st, b);
				if (rc)
					goto nomem;
				p->ibuf_rd += b;
			}
		}
	}
	/* partial results of an n-fold stay in one OBUF half across its
	 * k-folds; its final outputs are written back after its last k-fold
	 * (last result T_f + L + Dq); n-fold nf+2 first writes that half at
	 * T + 2R + Dq of its first fold */
	for (uint64_t f = 0; f < p->nfolds; f++) {
		uint64_t nf = f / p->fk, kf = f % p->fk;
		uint64_t cols = sh->n - nf * C < C ? sh->n - nf * C : C;
		uint64_t pb = cdiv(M * cols * sh->partial_bits, 8);
		uint64_t ob = cdiv(M * cols * sh->out_bits, 8);
		if (pb > ohalf)
			return mps_err_set(err, MPS_ERR_RANGE,
			                   "ctrl: ws partial results of one n-fold (M x C' x %u bits = %llu B) "
			                   "exceed half the OBUF (%llu B); raise obuf_kib or use os",
			                   sh->partial_bits, (unsigned long long)pb, (unsigned long long)ohalf);
		p->obuf_rd += kf > 0 ? pb : 0;
		p->obuf_wr += kf + 1 < p->fk ? pb : ob;
		if (kf + 1 == p->fk) {
			uint64_t nxt = (nf + 2) * p->fk, dl = p->timeline;
			mps_ctrl_fold_t fd;
			mps_ctrl_fold(p, f, &fd);
			if (nf + 2 < p->fn) {
				mps_ctrl_fold_t fn2;
				mps_ctrl_fold(p, nxt, &fn2);
				dl = fn2.start + 2 * R + fn2.lead + dq;
			}
			rc = mps_dram_push(l, (int64_t)(fd.start + fd.len + dq), dl, ob);
			if (rc)
				goto nomem;
			p->obuf_rd += ob;
			p->dram_wr += ob;
		}
	}
	p->dram_rd_a = p->ibuf_wr = qa.bytes;
	p->dram_rd_w = p->wbuf_wr = qw.bytes;
	return MPS_OK;
nomem:
	return mps_err_set(err, MPS_ERR_NOMEM, "ctrl: out of memory");
}

int mps_buf_requests(mps_ctrl_plan_t *p, mps_dram_list_t *l, mps_err_t *err)
{
	const mps_ctrl_shape_t *sh = &p->shape;
	side_t sa = { sh->a_bits, sh->a_block, sh->a_scale_bits, sh->a_post_bits };
	side_t sw = { sh->w_bits, sh->w_block, (uint64_t)sh->w_scale_bits + sh->w_zero_bits,
	              sh->w_post_bits };
	int rc;

	rc = p->hw.dataflow == MPS_DF_OS ? os_requests(p, l, &sa, &sw, err)
	                                 : ws_requests(p, l, &sa, &sw, err);
	if (rc)
		return rc;
	p->dram_rd = p->dram_rd_a + p->dram_rd_w;
	return MPS_OK;
}
