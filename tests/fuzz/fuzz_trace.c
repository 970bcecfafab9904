/* tests/fuzz/fuzz_trace.c - libFuzzer target for the trace reader.
 *
 * Feeds arbitrary bytes to mps_trc_parse (container, schema, CRCs, values).
 * A trace that parses must serialize again, and the re-serialized image
 * must parse to the same shapes: reader and writer agree on every input the
 * reader accepts.  Build and run: make fuzz (seed corpus tests/fuzz/corpus/trace).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mps_trc_t t, u;
	mps_err_t err;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (mps_trc_parse(data, size, "fuzz", &t, &err) != MPS_OK)
		return 0;
	if (mps_trc_serialize(&t, &buf, &len, &err) != MPS_OK)
		__builtin_trap(); /* the reader accepted what the writer rejects */
	if (mps_trc_parse(buf, len, "fuzz-reserialized", &u, &err) != MPS_OK)
		__builtin_trap();
	if (u.M != t.M || u.K != t.K || u.N != t.N ||
	    memcmp(u.y_expected, t.y_expected, t.M * t.N * sizeof(float)) != 0)
		__builtin_trap();
	mps_trc_free(&u);
	mps_trc_free(&t);
	free(buf);
	return 0;
}
