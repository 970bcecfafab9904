/* tests/unit/test_format.c - descriptor table, name lookup, decode tables,
 * finiteness and the fixed-point view (model/format.c).
 *
 * Every expected value is a literal from the spec (formats.md section 1),
 * never computed by the code under test.  The 6- and 8-bit decode tables
 * were generated once from ml_dtypes (an independent implementation) and
 * pasted here; the 4-bit ones are formats.md section 1.2.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "mpq.h"

#define MSG_LEN 160

/* One pinned descriptor row (formats.md section 1.1). */
typedef struct {
	mpq_fmt_t f;
	const char *name, *long_name;
	unsigned bits, ebits, mbits;
	int bias;
	bool is_signed, is_int, has_inf, has_neg_zero;
	mpq_nan_t nan;
	double max, min_normal, min_subnormal;
} row_t;

static const row_t rows[] = {
	{ MPQ_E2M1, "e2m1", "float4_e2m1fn", 4, 2, 1, 1, true, false, false, true,
	  MPQ_NAN_NONE, 6.0, 1.0, 0.5 },
	{ MPQ_E2M3, "e2m3", "float6_e2m3fn", 6, 2, 3, 1, true, false, false, true,
	  MPQ_NAN_NONE, 7.5, 1.0, 0.125 },
	{ MPQ_E3M2, "e3m2", "float6_e3m2fn", 6, 3, 2, 3, true, false, false, true,
	  MPQ_NAN_NONE, 28.0, 0.25, 0.0625 },
	{ MPQ_E4M3, "e4m3", "float8_e4m3fn", 8, 4, 3, 7, true, false, false, true,
	  MPQ_NAN_ALLONES, 448.0, 0.015625, 0.001953125 },
	{ MPQ_E5M2, "e5m2", "float8_e5m2", 8, 5, 2, 15, true, false, true, true,
	  MPQ_NAN_IEEE, 57344.0, 6.103515625e-05, 1.52587890625e-05 },
	{ MPQ_E8M0, "e8m0", "float8_e8m0fnu", 8, 8, 0, 127, false, false, false, false,
	  MPQ_NAN_ALLONES, 1.7014118346046923e+38, 5.877471754111438e-39, 0.0 },
	{ MPQ_INT4, "int4", "int4", 4, 0, 0, 0, true, true, false, false,
	  MPQ_NAN_NONE, 7.0, 1.0, 0.0 },
	{ MPQ_UINT4, "uint4", "uint4", 4, 0, 0, 0, false, true, false, false,
	  MPQ_NAN_NONE, 15.0, 1.0, 0.0 },
	{ MPQ_INT8, "int8", "int8", 8, 0, 0, 0, true, true, false, false,
	  MPQ_NAN_NONE, 127.0, 1.0, 0.0 },
	{ MPQ_UINT8, "uint8", "uint8", 8, 0, 0, 0, false, true, false, false,
	  MPQ_NAN_NONE, 255.0, 1.0, 0.0 },
	{ MPQ_FP16, "fp16", "float16", 16, 5, 10, 15, true, false, true, true,
	  MPQ_NAN_IEEE, 65504.0, 6.103515625e-05, 5.960464477539063e-08 },
	{ MPQ_BF16, "bf16", "bfloat16", 16, 8, 7, 127, true, false, true, true,
	  MPQ_NAN_IEEE, 3.3895313892515355e+38, 1.1754943508222875e-38,
	  9.183549615799121e-41 },
	{ MPQ_FP32, "fp32", "float32", 32, 8, 23, 127, true, false, true, true,
	  MPQ_NAN_IEEE, 3.4028234663852886e+38, 1.1754943508222875e-38,
	  1.401298464324817e-45 },
};
#define NROWS (sizeof rows / sizeof rows[0])

static void test_mpq_format_table(void)
{
	char msg[MSG_LEN];

	CU_ASSERT_EQUAL_FATAL(NROWS, MPQ_NFMT);
	CU_ASSERT_PTR_NULL(mpq_format(MPQ_NFMT));
	CU_ASSERT_PTR_NULL(mpq_format((mpq_fmt_t)-1));
	for (size_t i = 0; i < NROWS; i++) {
		const row_t *r = &rows[i];
		const mpq_format_t *d = mpq_format(r->f);
		snprintf(msg, sizeof msg, "descriptor of %s", r->name);
		CU_ASSERT_PTR_NOT_NULL_FATAL(d);
		CU_assertImplementation(strcmp(d->name, r->name) == 0 &&
		                        strcmp(d->long_name, r->long_name) == 0 &&
		                        d->bits == r->bits && d->ebits == r->ebits &&
		                        d->mbits == r->mbits && d->bias == r->bias &&
		                        d->is_signed == r->is_signed &&
		                        d->is_int == r->is_int &&
		                        d->has_inf == r->has_inf &&
		                        d->has_neg_zero == r->has_neg_zero &&
		                        d->nan == r->nan && d->max == r->max &&
		                        d->min_normal == r->min_normal &&
		                        d->min_subnormal == r->min_subnormal,
		                        __LINE__, msg, __FILE__, "", CU_FALSE);
	}
}

static void test_mpq_format_lookup_names(void)
{
	mps_err_t err;
	mpq_fmt_t f;
	char msg[MSG_LEN];

	for (size_t i = 0; i < NROWS; i++) {
		snprintf(msg, sizeof msg, "lookup of %s / %s", rows[i].name,
		         rows[i].long_name);
		f = MPQ_NFMT;
		CU_assertImplementation(mpq_format_lookup(rows[i].name, &f, NULL) == MPS_OK &&
		                        f == rows[i].f, __LINE__, msg, __FILE__, "", CU_FALSE);
		f = MPQ_NFMT;
		CU_assertImplementation(mpq_format_lookup(rows[i].long_name, &f, NULL) == MPS_OK &&
		                        f == rows[i].f, __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	memset(&err, 0, sizeof err);
	CU_ASSERT_EQUAL(mpq_format_lookup("e4m3fnuz", &f, &err), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(err.code, MPS_ERR_INVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e4m3fnuz"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "e2m1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "fp32"));
	CU_ASSERT_EQUAL(mpq_format_lookup("", &f, NULL), MPS_ERR_INVAL);
	CU_ASSERT_EQUAL(mpq_format_lookup("E2M1", &f, NULL), MPS_ERR_INVAL);
}

/* Same value, with -0 distinct from +0 and NaN equal to NaN. */
static bool same(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return a == b && !signbit(a) == !signbit(b);
}

/* formats.md section 1.2 */
static const double e2m1_tab[16] = {
	0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0,
	-0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0,
};

/* e2m3: codes 0x00..0x3F, generated once from ml_dtypes 0.5.4
 * (float6_e2m3fn) and checked against formats.md section 1. */
static const double e2m3_tab[64] = {
	0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,
	1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
	2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75,
	4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5,
	-0.0, -0.125, -0.25, -0.375, -0.5, -0.625, -0.75, -0.875,
	-1.0, -1.125, -1.25, -1.375, -1.5, -1.625, -1.75, -1.875,
	-2.0, -2.25, -2.5, -2.75, -3.0, -3.25, -3.5, -3.75,
	-4.0, -4.5, -5.0, -5.5, -6.0, -6.5, -7.0, -7.5,
};

/* e3m2: codes 0x00..0x3F, generated once from ml_dtypes 0.5.4
 * (float6_e3m2fn) and checked against formats.md section 1. */
static const double e3m2_tab[64] = {
	0.0, 0.0625, 0.125, 0.1875, 0.25, 0.3125, 0.375, 0.4375,
	0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 1.75,
	2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0,
	8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 28.0,
	-0.0, -0.0625, -0.125, -0.1875, -0.25, -0.3125, -0.375, -0.4375,
	-0.5, -0.625, -0.75, -0.875, -1.0, -1.25, -1.5, -1.75,
	-2.0, -2.5, -3.0, -3.5, -4.0, -5.0, -6.0, -7.0,
	-8.0, -10.0, -12.0, -14.0, -16.0, -20.0, -24.0, -28.0,
};

/* e4m3: codes 0x00..0x7F, generated once from ml_dtypes 0.5.4
 * (float8_e4m3fn) and checked against formats.md section 1. */
static const double e4m3_tab[128] = {
	0.0, 0.001953125, 0.00390625, 0.005859375, 0.0078125, 0.009765625, 0.01171875, 0.013671875,
	0.015625, 0.017578125, 0.01953125, 0.021484375, 0.0234375, 0.025390625, 0.02734375, 0.029296875,
	0.03125, 0.03515625, 0.0390625, 0.04296875, 0.046875, 0.05078125, 0.0546875, 0.05859375,
	0.0625, 0.0703125, 0.078125, 0.0859375, 0.09375, 0.1015625, 0.109375, 0.1171875,
	0.125, 0.140625, 0.15625, 0.171875, 0.1875, 0.203125, 0.21875, 0.234375,
	0.25, 0.28125, 0.3125, 0.34375, 0.375, 0.40625, 0.4375, 0.46875,
	0.5, 0.5625, 0.625, 0.6875, 0.75, 0.8125, 0.875, 0.9375,
	1.0, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,
	2.0, 2.25, 2.5, 2.75, 3.0, 3.25, 3.5, 3.75,
	4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5,
	8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0,
	16.0, 18.0, 20.0, 22.0, 24.0, 26.0, 28.0, 30.0,
	32.0, 36.0, 40.0, 44.0, 48.0, 52.0, 56.0, 60.0,
	64.0, 72.0, 80.0, 88.0, 96.0, 104.0, 112.0, 120.0,
	128.0, 144.0, 160.0, 176.0, 192.0, 208.0, 224.0, 240.0,
	256.0, 288.0, 320.0, 352.0, 384.0, 416.0, 448.0, NAN,
};

/* e5m2: codes 0x00..0x7F, generated once from ml_dtypes 0.5.4
 * (float8_e5m2) and checked against formats.md section 1. */
static const double e5m2_tab[128] = {
	0.0, 1.52587890625e-05, 3.0517578125e-05, 4.57763671875e-05, 6.103515625e-05, 7.62939453125e-05, 9.1552734375e-05, 0.0001068115234375,
	0.0001220703125, 0.000152587890625, 0.00018310546875, 0.000213623046875, 0.000244140625, 0.00030517578125, 0.0003662109375, 0.00042724609375,
	0.00048828125, 0.0006103515625, 0.000732421875, 0.0008544921875, 0.0009765625, 0.001220703125, 0.00146484375, 0.001708984375,
	0.001953125, 0.00244140625, 0.0029296875, 0.00341796875, 0.00390625, 0.0048828125, 0.005859375, 0.0068359375,
	0.0078125, 0.009765625, 0.01171875, 0.013671875, 0.015625, 0.01953125, 0.0234375, 0.02734375,
	0.03125, 0.0390625, 0.046875, 0.0546875, 0.0625, 0.078125, 0.09375, 0.109375,
	0.125, 0.15625, 0.1875, 0.21875, 0.25, 0.3125, 0.375, 0.4375,
	0.5, 0.625, 0.75, 0.875, 1.0, 1.25, 1.5, 1.75,
	2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0, 7.0,
	8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 28.0,
	32.0, 40.0, 48.0, 56.0, 64.0, 80.0, 96.0, 112.0,
	128.0, 160.0, 192.0, 224.0, 256.0, 320.0, 384.0, 448.0,
	512.0, 640.0, 768.0, 896.0, 1024.0, 1280.0, 1536.0, 1792.0,
	2048.0, 2560.0, 3072.0, 3584.0, 4096.0, 5120.0, 6144.0, 7168.0,
	8192.0, 10240.0, 12288.0, 14336.0, 16384.0, 20480.0, 24576.0, 28672.0,
	32768.0, 40960.0, 49152.0, 57344.0, INFINITY, NAN, NAN, NAN,
};

/* e8m0: codes 0x00..0xFF, generated once from ml_dtypes 0.5.4
 * (float8_e8m0fnu) and checked against formats.md section 1. */
static const double e8m0_tab[256] = {
	0x1p-127, 0x1p-126, 0x1p-125, 0x1p-124, 0x1p-123, 0x1p-122, 0x1p-121, 0x1p-120,
	0x1p-119, 0x1p-118, 0x1p-117, 0x1p-116, 0x1p-115, 0x1p-114, 0x1p-113, 0x1p-112,
	0x1p-111, 0x1p-110, 0x1p-109, 0x1p-108, 0x1p-107, 0x1p-106, 0x1p-105, 0x1p-104,
	0x1p-103, 0x1p-102, 0x1p-101, 0x1p-100, 0x1p-99, 0x1p-98, 0x1p-97, 0x1p-96,
	0x1p-95, 0x1p-94, 0x1p-93, 0x1p-92, 0x1p-91, 0x1p-90, 0x1p-89, 0x1p-88,
	0x1p-87, 0x1p-86, 0x1p-85, 0x1p-84, 0x1p-83, 0x1p-82, 0x1p-81, 0x1p-80,
	0x1p-79, 0x1p-78, 0x1p-77, 0x1p-76, 0x1p-75, 0x1p-74, 0x1p-73, 0x1p-72,
	0x1p-71, 0x1p-70, 0x1p-69, 0x1p-68, 0x1p-67, 0x1p-66, 0x1p-65, 0x1p-64,
	0x1p-63, 0x1p-62, 0x1p-61, 0x1p-60, 0x1p-59, 0x1p-58, 0x1p-57, 0x1p-56,
	0x1p-55, 0x1p-54, 0x1p-53, 0x1p-52, 0x1p-51, 0x1p-50, 0x1p-49, 0x1p-48,
	0x1p-47, 0x1p-46, 0x1p-45, 0x1p-44, 0x1p-43, 0x1p-42, 0x1p-41, 0x1p-40,
	0x1p-39, 0x1p-38, 0x1p-37, 0x1p-36, 0x1p-35, 0x1p-34, 0x1p-33, 0x1p-32,
	0x1p-31, 0x1p-30, 0x1p-29, 0x1p-28, 0x1p-27, 0x1p-26, 0x1p-25, 0x1p-24,
	0x1p-23, 0x1p-22, 0x1p-21, 0x1p-20, 0x1p-19, 0x1p-18, 0x1p-17, 0x1p-16,
	0x1p-15, 0x1p-14, 0x1p-13, 0x1p-12, 0x1p-11, 0x1p-10, 0x1p-9, 0x1p-8,
	0x1p-7, 0x1p-6, 0x1p-5, 0x1p-4, 0x1p-3, 0x1p-2, 0x1p-1, 0x1p+0,
	0x1p+1, 0x1p+2, 0x1p+3, 0x1p+4, 0x1p+5, 0x1p+6, 0x1p+7, 0x1p+8,
	0x1p+9, 0x1p+10, 0x1p+11, 0x1p+12, 0x1p+13, 0x1p+14, 0x1p+15, 0x1p+16,
	0x1p+17, 0x1p+18, 0x1p+19, 0x1p+20, 0x1p+21, 0x1p+22, 0x1p+23, 0x1p+24,
	0x1p+25, 0x1p+26, 0x1p+27, 0x1p+28, 0x1p+29, 0x1p+30, 0x1p+31, 0x1p+32,
	0x1p+33, 0x1p+34, 0x1p+35, 0x1p+36, 0x1p+37, 0x1p+38, 0x1p+39, 0x1p+40,
	0x1p+41, 0x1p+42, 0x1p+43, 0x1p+44, 0x1p+45, 0x1p+46, 0x1p+47, 0x1p+48,
	0x1p+49, 0x1p+50, 0x1p+51, 0x1p+52, 0x1p+53, 0x1p+54, 0x1p+55, 0x1p+56,
	0x1p+57, 0x1p+58, 0x1p+59, 0x1p+60, 0x1p+61, 0x1p+62, 0x1p+63, 0x1p+64,
	0x1p+65, 0x1p+66, 0x1p+67, 0x1p+68, 0x1p+69, 0x1p+70, 0x1p+71, 0x1p+72,
	0x1p+73, 0x1p+74, 0x1p+75, 0x1p+76, 0x1p+77, 0x1p+78, 0x1p+79, 0x1p+80,
	0x1p+81, 0x1p+82, 0x1p+83, 0x1p+84, 0x1p+85, 0x1p+86, 0x1p+87, 0x1p+88,
	0x1p+89, 0x1p+90, 0x1p+91, 0x1p+92, 0x1p+93, 0x1p+94, 0x1p+95, 0x1p+96,
	0x1p+97, 0x1p+98, 0x1p+99, 0x1p+100, 0x1p+101, 0x1p+102, 0x1p+103, 0x1p+104,
	0x1p+105, 0x1p+106, 0x1p+107, 0x1p+108, 0x1p+109, 0x1p+110, 0x1p+111, 0x1p+112,
	0x1p+113, 0x1p+114, 0x1p+115, 0x1p+116, 0x1p+117, 0x1p+118, 0x1p+119, 0x1p+120,
	0x1p+121, 0x1p+122, 0x1p+123, 0x1p+124, 0x1p+125, 0x1p+126, 0x1p+127, NAN,
};

static void check_table(mpq_fmt_t f, const double *tab, unsigned n,
                        bool mirror)
{
	const mpq_format_t *d = mpq_format(f);
	char msg[MSG_LEN];
	unsigned all = 1u << d->bits;

	CU_ASSERT_EQUAL_FATAL(mirror ? 2 * n : n, all);
	for (unsigned c = 0; c < all; c++) {
		double want = c < n ? tab[c] : -tab[c - n];
		double got = mpq_decode(f, c);
		snprintf(msg, sizeof msg, "%s decode(0x%02X) = %a, want %a", d->name,
		         c, got, want);
		CU_assertImplementation(same(got, want), __LINE__, msg, __FILE__, "",
		                        CU_FALSE);
		/* bits above the format's width are ignored */
		CU_assertImplementation(same(mpq_decode(f, c | 0xFF00u), want),
		                        __LINE__, msg, __FILE__, "", CU_FALSE);
	}
}

static void test_mpq_decode_e2m1(void)
{
	check_table(MPQ_E2M1, e2m1_tab, 16, false);
}

static void test_mpq_decode_e2m3(void)
{
	check_table(MPQ_E2M3, e2m3_tab, 64, false);
}

static void test_mpq_decode_e3m2(void)
{
	check_table(MPQ_E3M2, e3m2_tab, 64, false);
}

static void test_mpq_decode_e4m3(void)
{
	check_table(MPQ_E4M3, e4m3_tab, 128, true);
	/* formats.md 1.1 / 1.4 limits */
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0x7E), 448.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0xFE), -448.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0x08), 0.015625);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0x07), 0.013671875);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0x01), 0.001953125);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E4M3, 0x78), 256.0);
	CU_ASSERT(isnan(mpq_decode(MPQ_E4M3, 0x7F)));
	CU_ASSERT(isnan(mpq_decode(MPQ_E4M3, 0xFF)));
}

static void test_mpq_decode_e5m2(void)
{
	check_table(MPQ_E5M2, e5m2_tab, 128, true);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E5M2, 0x7B), 57344.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E5M2, 0x7C), INFINITY);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E5M2, 0xFC), -INFINITY);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E5M2, 0x01), 1.52587890625e-05);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E5M2, 0x03), 4.57763671875e-05);
	CU_ASSERT(isnan(mpq_decode(MPQ_E5M2, 0x7D)));
	CU_ASSERT(isnan(mpq_decode(MPQ_E5M2, 0xFE)));
}

static void test_mpq_decode_e8m0(void)
{
	check_table(MPQ_E8M0, e8m0_tab, 256, false);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E8M0, 0x7F), 1.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E8M0, 0x00), 5.877471754111438e-39);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_E8M0, 0xFE), 1.7014118346046923e+38);
}

static void test_mpq_decode_int(void)
{
	static const double int4[16] = { 0, 1, 2, 3, 4, 5, 6, 7,
	                                 -8, -7, -6, -5, -4, -3, -2, -1 };
	static const double uint4[16] = { 0, 1, 2, 3, 4, 5, 6, 7,
	                                  8, 9, 10, 11, 12, 13, 14, 15 };
	char msg[MSG_LEN];

	check_table(MPQ_INT4, int4, 16, false);
	check_table(MPQ_UINT4, uint4, 16, false);
	for (unsigned c = 0; c < 256; c++) {
		/* int8: two's complement (formats.md 1.7) */
		double want = c < 128 ? (double)c : (double)c - 256.0;
		snprintf(msg, sizeof msg, "int8/uint8 decode(0x%02X)", c);
		CU_assertImplementation(mpq_decode(MPQ_INT8, c) == want &&
		                        mpq_decode(MPQ_UINT8, c) == (double)c,
		                        __LINE__, msg, __FILE__, "", CU_FALSE);
	}
	CU_ASSERT_EQUAL(mpq_decode(MPQ_INT8, 0x80), -128.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_INT8, 0x81), -127.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_INT8, 0xFF), -1.0);
}

/* fp16 against the compiler's _Float16, bf16 against the top half of an
 * FP32 pattern: both independent of model/format.c. */
static void test_mpq_decode_fp16_bf16(void)
{
	char msg[MSG_LEN];
	unsigned bad16 = 0, badb = 0;

	for (uint32_t c = 0; c < 65536; c++) {
		uint16_t h = (uint16_t)c;
		_Float16 x;
		uint32_t b = c << 16;
		float fb;
		memcpy(&x, &h, sizeof x);
		memcpy(&fb, &b, sizeof fb);
		if (!same(mpq_decode(MPQ_FP16, c), (double)x))
			bad16++;
		if (!same(mpq_decode(MPQ_BF16, c), (double)fb))
			badb++;
	}
	snprintf(msg, sizeof msg, "fp16: %u codes differ from _Float16", bad16);
	CU_assertImplementation(bad16 == 0, __LINE__, msg, __FILE__, "", CU_FALSE);
	snprintf(msg, sizeof msg, "bf16: %u codes differ from FP32 bits << 16", badb);
	CU_assertImplementation(badb == 0, __LINE__, msg, __FILE__, "", CU_FALSE);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_FP16, 0x7BFF), 65504.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_FP16, 0x0001), 5.960464477539063e-08);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_FP16, 0x7C00), INFINITY);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_BF16, 0x3F80), 1.0);
	CU_ASSERT_EQUAL(mpq_decode(MPQ_BF16, 0x7F7F), 3.3895313892515355e+38);
	CU_ASSERT(isnan(mpq_decode(MPQ_BF16, 0x7FC0)));
}

static void test_mpq_decode_fp32(void)
{
	static const uint32_t pats[] = { 0, 0x80000000u, 1, 0x00400000u, 0x007FFFFFu,
	                                 0x00800000u, 0x3F800000u, 0x3FC00000u,
	                                 0x7F7FFFFFu, 0x7F800000u, 0xFF800000u,
	                                 0x7FC00000u, 0xC0490FDBu, 0x12345678u };
	char msg[MSG_LEN];

	for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++) {
		float want;
		memcpy(&want, &pats[i], sizeof want);
		snprintf(msg, sizeof msg, "fp32 decode(0x%08X)", pats[i]);
		CU_assertImplementation(same(mpq_decode(MPQ_FP32, pats[i]), (double)want),
		                        __LINE__, msg, __FILE__, "", CU_FALSE);
	}
}

static void test_mpq_is_finite_codes(void)
{
	char msg[MSG_LEN];

	for (size_t i = 0; i < NROWS; i++) {
		const mpq_format_t *d = mpq_format(rows[i].f);
		uint32_t all = d->bits >= 16 ? 65536u : 1u << d->bits;
		unsigned nonfinite = 0;
		for (uint32_t c = 0; c < all; c++) {
			uint32_t code = d->bits == 32 ? c << 16 : c;
			bool fin = mpq_is_finite(rows[i].f, code);
			nonfinite += !fin;
			snprintf(msg, sizeof msg, "%s is_finite(0x%X)", d->name, code);
			CU_assertImplementation(fin == (bool)isfinite(mpq_decode(rows[i].f, code)),
			                        __LINE__, msg, __FILE__, "", CU_FALSE);
		}
		/* literal counts of NaN + Inf codes (formats.md 1.1) */
		unsigned want = 0;
		switch (rows[i].f) {
		case MPQ_E4M3: want = 2; break;        /* 0x7F, 0xFF */
		case MPQ_E5M2: want = 8; break;        /* 0x7C..0x7F, 0xFC..0xFF */
		case MPQ_E8M0: want = 1; break;        /* 0xFF */
		case MPQ_FP16: want = 2048; break;     /* 2 x 1024 */
		case MPQ_BF16: want = 256; break;      /* 2 x 128 */
		case MPQ_FP32: want = 256; break;      /* top halves 0x7F80.., 0xFF80.. */
		default: want = 0; break;
		}
		snprintf(msg, sizeof msg, "%s: %u non-finite codes, want %u", d->name,
		         nonfinite, want);
		CU_assertImplementation(nonfinite == want, __LINE__, msg, __FILE__, "",
		                        CU_FALSE);
	}
	CU_ASSERT_FALSE(mpq_is_finite(MPQ_NFMT, 0));
}

static void test_mpq_fixed_lsb_values(void)
{
	/* mpq.h: e2m1 -1, e2m3 -3, e3m2 -4, e4m3 -9, e5m2 -16, ints 0, fp16 -24 */
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E2M1), -1);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E2M3), -3);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E3M2), -4);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E4M3), -9);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E5M2), -16);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_INT4), 0);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_UINT4), 0);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_INT8), 0);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_UINT8), 0);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_FP16), -24);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_BF16), INT32_MIN);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_FP32), INT32_MIN);
	CU_ASSERT_EQUAL(mpq_fixed_lsb(MPQ_E8M0), INT32_MIN);
}

static void test_mpq_fixed_every_code(void)
{
	char msg[MSG_LEN];

	for (size_t i = 0; i < NROWS; i++) {
		mpq_fmt_t f = rows[i].f;
		int32_t lsb = mpq_fixed_lsb(f);
		uint32_t all;
		if (lsb == INT32_MIN)
			continue;
		all = 1u << mpq_format(f)->bits;
		for (uint32_t c = 0; c < all; c++) {
			double v = mpq_decode(f, c);
			int64_t k = mpq_fixed(f, c);
			double want = isfinite(v) ? v : 0.0;
			snprintf(msg, sizeof msg, "%s fixed(0x%X) = %lld * 2^%d, value %a",
			         rows[i].name, c, (long long)k, lsb, v);
			CU_assertImplementation(ldexp((double)k, lsb) == want, __LINE__, msg,
			                        __FILE__, "", CU_FALSE);
		}
	}
	/* formats.md 1.8: scaled integer views */
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E2M1, 0x7), 12);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E2M1, 0xF), -12);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E2M3, 0x1F), 60);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E3M2, 0x1F), 448);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E4M3, 0x7E), 229376);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E4M3, 0x7F), 0);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E5M2, 0x7B), 3758096384LL);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_E5M2, 0x7C), 0);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_INT8, 0x80), -128);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_INT4, 0x8), -8);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_FP16, 0x7BFF), 65504LL << 24);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_FP16, 0x8001), -1);
	CU_ASSERT_EQUAL(mpq_fixed(MPQ_BF16, 0x3F80), 0);
}

static CU_TestInfo tests[] = {
	{ "test_mpq_format_table", test_mpq_format_table },
	{ "test_mpq_format_lookup_names", test_mpq_format_lookup_names },
	{ "test_mpq_decode_e2m1", test_mpq_decode_e2m1 },
	{ "test_mpq_decode_e2m3", test_mpq_decode_e2m3 },
	{ "test_mpq_decode_e3m2", test_mpq_decode_e3m2 },
	{ "test_mpq_decode_e4m3", test_mpq_decode_e4m3 },
	{ "test_mpq_decode_e5m2", test_mpq_decode_e5m2 },
	{ "test_mpq_decode_e8m0", test_mpq_decode_e8m0 },
	{ "test_mpq_decode_int", test_mpq_decode_int },
	{ "test_mpq_decode_fp16_bf16", test_mpq_decode_fp16_bf16 },
	{ "test_mpq_decode_fp32", test_mpq_decode_fp32 },
	{ "test_mpq_is_finite_codes", test_mpq_is_finite_codes },
	{ "test_mpq_fixed_lsb_values", test_mpq_fixed_lsb_values },
	{ "test_mpq_fixed_every_code", test_mpq_fixed_every_code },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo mps_suite_format[] = {
	{ "format", NULL, NULL, NULL, NULL, tests },
	CU_SUITE_INFO_NULL,
};
